"""Research pages: the research office's projects, the cohort builder with its live count, exports.

A researcher never sees an identified row here: pages show projects, criteria, counts (with the
small-number rule) and their own export jobs.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine.core.errors import DomainError
from openspine.core.forms import run_service
from openspine.core.htmx import render_page_or_partial
from openspine.patients.access import check_capability
from openspine.research import services
from openspine.research.access import get_cohort_for, get_export_for, get_project_for
from openspine.research.forms import ApprovalForm, CriteriaForm, ExportForm, ProjectForm
from openspine.research.models import ExportRun, ResearchProject


@require_GET
def project_list(request):
    """List the department's research projects, with counts and funding by start year."""
    check_capability(request.user, "research.view", target="projects")
    projects = ResearchProject.objects.visible_to(request.user).select_related("principal_investigator")
    by_year = (
        projects.values("start_on__year")
        .annotate(count=Count("pk"), funding=Sum("amount_yuan"))
        .order_by("-start_on__year")
    )
    context = {"projects": projects.annotate(cohort_count=Count("cohorts")), "by_year": by_year}
    return render(request, "research/project_list.html", context)


@require_http_methods(["GET", "POST"])
def project_create(request):
    """Register a research project."""
    check_capability(request.user, "research.edit", target="projects")
    form = ProjectForm(request.POST if request.method == "POST" else None, department=request.user.department)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        project = run_service(form, lambda: services.create_project(actor=request.user, **fields))
        if project:
            messages.success(request, _("Project registered."))
            return redirect("research:project_detail", public_id=project.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "research/project_form.html", {"form": form}, status=status)


@require_GET
def project_detail(request, public_id):
    """Show a project: funding, ethics approvals, data use agreement and its cohorts."""
    project = get_project_for(request.user, public_id)
    context = {
        "project": project,
        "approval": project.valid_approval(),
        "approvals": project.approvals.all(),
        "cohorts": project.cohorts.prefetch_related("versions"),
        "approval_form": ApprovalForm(),
    }
    return render(request, "research/project_detail.html", context)


@require_POST
def approval_add(request, public_id):
    """Record an ethics approval of the project."""
    project = get_project_for(request.user, public_id, action="edit")
    form = ApprovalForm(request.POST)
    if form.is_valid():
        approval = run_service(
            form, lambda: services.add_approval(project, actor=request.user, **form.cleaned_data)
        )
        if approval:
            messages.success(request, _("Ethics approval recorded."))
            return redirect("research:project_detail", public_id=project.public_id)
    context = {"project": project, "approval_form": form}
    return render(request, "research/approval_form.html", context, status=400)


def _builder(request, project, cohort=None):
    initial = CriteriaForm.initial_from(cohort.latest.criteria) if cohort and cohort.latest else {}
    form = CriteriaForm(
        request.POST if request.method == "POST" else None, initial=initial, require_name=cohort is None
    )
    if request.method == "POST" and form.is_valid():
        version = run_service(
            form,
            lambda: services.save_cohort(
                project,
                form.criteria_data(),
                actor=request.user,
                name=form.cleaned_data["name"],
                cohort=cohort,
            ),
        )
        if version:
            messages.success(request, _("Cohort saved as version %(number)s.") % {"number": version.number})
            return redirect("research:cohort_detail", public_id=version.cohort.public_id)
    context = {"project": project, "cohort": cohort, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "research/cohort_builder.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cohort_create(request, public_id):
    """Build a new cohort of the project; the count updates as the criteria change."""
    return _builder(request, get_project_for(request.user, public_id, action="edit"))


@require_http_methods(["GET", "POST"])
def cohort_edit(request, public_id):
    """Change a cohort's criteria: saving makes the next version."""
    cohort = get_cohort_for(request.user, public_id, action="edit")
    return _builder(request, cohort.project, cohort)


@require_GET
def cohort_count(request, public_id):
    """The live count of the builder (an HTMX fragment): index operations and patients, or the errors."""
    project = get_project_for(request.user, public_id)
    form = CriteriaForm(request.GET)
    context = {"form": form, "count": None}
    if form.is_valid():
        count = services.count_cohort(form.criteria_data(), department_id=project.department_id)
        context["count"] = services.display_count(count)
    return render_page_or_partial(
        request, "research/cohort_count_page.html", "research/partials/cohort_count.html", context
    )


@require_GET
def cohort_detail(request, public_id):
    """Show a cohort's versions, the export form and the user's exports of it."""
    cohort = get_cohort_for(request.user, public_id)
    return _cohort_page(request, cohort, ExportForm())


def _cohort_page(request, cohort, export_form, status=200):
    exports = ExportRun.objects.filter(
        cohort_version__cohort=cohort, requested_by=request.user
    ).select_related("cohort_version")
    context = {
        "cohort": cohort,
        "project": cohort.project,
        "versions": cohort.versions.select_related("approval", "created_by"),
        "export_form": export_form,
        "exports": exports,
        "display_count": services.display_count,
    }
    return render(request, "research/cohort_detail.html", context, status=status)


@require_POST
def export_create(request, public_id):
    """Queue an export of the cohort's latest version."""
    cohort = get_cohort_for(request.user, public_id)
    check_capability(request.user, "research.export", target=str(public_id))
    form = ExportForm(request.POST)
    if form.is_valid():
        run = run_service(
            form,
            lambda: services.request_export(
                cohort.latest,
                actor=request.user,
                purpose=form.cleaned_data["purpose"],
                mode=form.cleaned_data["mode"],
            ),
        )
        if run:
            messages.success(request, _("Export queued; the progress shows below."))
            return redirect("research:cohort_detail", public_id=cohort.public_id)
    return _cohort_page(request, cohort, form, status=400)


@require_GET
def export_status(request, public_id):
    """The progress of one export (polled by HTMX until it finishes)."""
    run = get_export_for(request.user, public_id)
    return render_page_or_partial(
        request, "research/export_page.html", "research/partials/export_row.html", {"run": run}
    )


@require_POST
def export_cancel(request, public_id):
    """Cancel a queued or running export."""
    run = get_export_for(request.user, public_id)
    try:
        services.cancel_export(run, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("research:cohort_detail", public_id=run.cohort_version.cohort.public_id)


@require_GET
def export_download(request, public_id):
    """Download a finished export (the requester only, before it expires); audited."""
    run = get_export_for(request.user, public_id)
    if not run.downloadable:
        raise Http404
    if not run.file:
        raise PermissionDenied
    services.record_download(run, actor=request.user)
    return FileResponse(
        run.file.open("rb"), as_attachment=True, filename=f"openspine-export-{run.public_id}.zip"
    )
