"""The trainee's case log, the attending's confirmations, the export and the director's cohort view."""

import csv
from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openspine import audit
from openspine.core.errors import DomainError
from openspine.core.forms import run_service
from openspine.core.htmx import is_htmx_partial
from openspine.patients.access import check_capability
from openspine.teaching import autonomy, handbook, progress, services
from openspine.teaching.access import get_case_log_entry_for
from openspine.teaching.choices import EntryState, Zwisch
from openspine.teaching.forms import ConfirmForm, DisputeForm, RateForm, RequirementSetFilter
from openspine.teaching.models import CaseLogEntry, RequirementSet, Trainee

ENTRY_RELATED = ("operation", "operation__patient", "attending", "trainee", "category_map")
STALE_DAYS = 7  # teaching.md 5: the director's list of cases pending for more than 7 days


def _log_of(user):
    entries = CaseLogEntry.objects.filter(trainee=user).exclude(state=EntryState.WITHDRAWN)
    return list(entries.select_related(*ENTRY_RELATED).prefetch_related("ratings", "operation__procedures"))


def _chosen_set(request, user):
    form = RequirementSetFilter(request.GET or None)
    chosen = form.cleaned_data["requirement_set"] if form.is_valid() else None
    if chosen is None:
        trainee = Trainee.objects.filter(user=user).first()
        programme_sets = RequirementSet.objects.filter(programme=getattr(trainee, "programme", None))
        chosen = programme_sets.order_by("is_example", "-effective_from").first()
        form = RequirementSetFilter(initial={"requirement_set": chosen.code if chosen else None})
    return form, chosen


def _ratings(entry, viewer) -> dict:
    shown = services.visible_ratings(entry, viewer)
    return {role: Zwisch(value).label if value else None for role, value in shown.items()}


def _rows(entries, viewer):
    return [{"entry": e, "ratings": _ratings(e, viewer), "form": RateForm()} for e in entries]


@require_GET
def caselog_mine(request):
    """Show the trainee's own log: counts per category and progress toward a requirement set."""
    check_capability(request.user, "caselog.view_own")
    entries = _log_of(request.user)
    form, chosen = _chosen_set(request, request.user)
    audit.record(request.user, "teaching.caselog.viewed", None, after={"entries": len(entries)})
    context = {
        "entries": _rows(entries, request.user),
        "counts": progress.category_counts(entries),
        "progress": progress.requirement_progress(entries, chosen),
        "requirement_set": chosen,
        "filter": form,
        "stage": services.stage_label(entries[0].trainee_stage) if entries else "",
    }
    return render(request, "teaching/caselog_mine.html", context)


@require_POST
def entry_rate(request, public_id):
    """Record the trainee's own Zwisch rating of one case (one tap)."""
    entry = get_case_log_entry_for(request.user, public_id, action="rate")
    form = RateForm(request.POST)
    if form.is_valid():
        run_service(
            form,
            lambda: services.rate_own_entry(entry, actor=request.user, zwisch=form.cleaned_data["zwisch"]),
        )
    status = 400 if form.errors else 200
    if is_htmx_partial(request):
        row = {"entry": entry, "ratings": _ratings(entry, request.user), "form": form}
        return render(request, "teaching/partials/log_row.html", {"row": row}, status=status)
    if status == 200:
        messages.success(request, _("Your rating is saved."))
    else:
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose a Zwisch level."))
    return redirect("teaching:caselog_mine")


@require_POST
def entry_dispute(request, public_id):
    """Let the trainee dispute the derived role or categories of one case, with a reason."""
    entry = get_case_log_entry_for(request.user, public_id, action="rate")
    form = DisputeForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        run_service(form, lambda: services.dispute_case_log_entry(entry, actor=request.user, reason=reason))
    if form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, _("Your attending will see the dispute with your reason."))
    return redirect("teaching:caselog_mine")


def _pending_for(attending):
    entries = CaseLogEntry.objects.filter(attending=attending, state__in=progress.OPEN_STATES)
    return entries.select_related(*ENTRY_RELATED).order_by("-performed_on", "id")


@require_GET
def confirmation_list(request):
    """List the attending's entries waiting for confirmation, one day's list at a time."""
    check_capability(request.user, "caselog.confirm")
    days = defaultdict(list)
    for entry in _pending_for(request.user):
        days[entry.performed_on].append({"entry": entry, "form": ConfirmForm(prefix=str(entry.public_id))})
    return render(request, "teaching/confirmation_list.html", {"days": sorted(days.items(), reverse=True)})


@require_POST
def entry_confirm(request, public_id):
    """Confirm (or correct and confirm) one entry with the attending's Zwisch rating: one tap."""
    entry = get_case_log_entry_for(request.user, public_id, action="confirm")
    try:
        services.refuse_unless_attending(entry, request.user)
    except DomainError as error:
        raise PermissionDenied(str(error)) from error
    form = ConfirmForm(request.POST, prefix=str(entry.public_id))
    if form.is_valid():
        data = form.cleaned_data
        run_service(
            form,
            lambda: services.confirm_case_log_entry(
                entry, actor=request.user, zwisch=data["zwisch"], credit_role=data["credit_role"] or None
            ),
        )
    entry.refresh_from_db()
    status = 400 if form.errors else 200
    if is_htmx_partial(request):
        return render(
            request,
            "teaching/partials/confirm_row.html",
            {"row": {"entry": entry, "form": form}},
            status=status,
        )
    if status == 200:
        messages.success(request, _("Entry confirmed."))
    else:
        messages.error(request, _("Choose a Zwisch level to confirm the entry."))
    return redirect("teaching:confirmation_list")


@require_POST
def day_confirm(request):
    """Confirm every rated entry of one day's list at once (each needs its own Zwisch rating)."""
    check_capability(request.user, "caselog.confirm")
    day = parse_date(request.POST.get("day", "") or "")
    if day is None:
        return HttpResponse(_("Give the day of the list to confirm (YYYY-MM-DD)."), status=400)
    entries = list(_pending_for(request.user).filter(performed_on=day))
    ratings = {str(e.public_id): request.POST.get(f"{e.public_id}-zwisch", "") for e in entries}
    try:
        confirmed = services.confirm_day(entries, ratings, actor=request.user)
    except (ValidationError, DomainError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("teaching:confirmation_list")
    messages.success(request, _("%(count)s entries confirmed.") % {"count": len(confirmed)})
    return redirect("teaching:confirmation_list")


EXPORT_HEADER = (
    "performed_on",
    "record_number",
    "procedures",
    "categories",
    "credit_role",
    "state",
    "confirmed_by",
    "zwisch_attending",
)


@require_GET
def caselog_export(request):
    """Download the trainee's log as CSV for the 规培 handbook checks (record numbers masked)."""
    check_capability(request.user, "caselog.view_own")
    entries = _log_of(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="case-log.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(EXPORT_HEADER)
    for entry in entries:
        writer.writerow(_export_row(entry, request.user))
    audit.record(request.user, "teaching.caselog.exported", None, after={"entries": len(entries)})
    return response


def _export_row(entry, viewer) -> list:
    procedures = ";".join(p.code for p in entry.operation.procedures.all())
    return [
        entry.performed_on.isoformat(),
        entry.record_number,
        procedures,
        ";".join(entry.categories),
        entry.credit_role,
        entry.state,
        str(entry.confirmed_by or ""),
        services.visible_ratings(entry, viewer)["attending"] or "",
    ]


@require_GET
def cohort(request):
    """Show the programme director who is behind and which attendings have cases waiting."""
    check_capability(request.user, "caselog.view_programme")
    trainees = Trainee.objects.filter(user__department_id=request.user.department_id).select_related("user")
    form, chosen = _chosen_set(request, request.user)
    if chosen is None:
        chosen = RequirementSet.objects.order_by("is_example", "-effective_from").first()
        form = RequirementSetFilter(initial={"requirement_set": chosen.code if chosen else None})
    rows = []
    for trainee in trainees:
        entries = _log_of(trainee.user)
        rows.append({"trainee": trainee, "progress": progress.requirement_progress(entries, chosen)})
    stale = timezone.now() - timedelta(days=STALE_DAYS)
    waiting = defaultdict(int)
    pending = CaseLogEntry.objects.filter(state__in=progress.OPEN_STATES, derived_at__lt=stale)
    for entry in pending.filter(operation__patient__department_id=request.user.department_id).select_related(
        "attending"
    ):
        waiting[entry.attending] += 1
    context = {
        "rows": rows,
        "requirement_set": chosen,
        "filter": form,
        "waiting": sorted(waiting.items(), key=lambda i: -i[1]),
    }
    audit.record(request.user, "teaching.cohort.viewed", None, after={"trainees": len(rows)})
    return render(request, "teaching/cohort.html", context)


@require_GET
def autonomy_chart(request):
    """Show the trainee's Zwisch ratings over time per category: a chart, a table and a CSV link."""
    check_capability(request.user, "caselog.view_own")
    entries = _log_of(request.user)
    points = autonomy.autonomy_points(entries, lambda e: services.visible_ratings(e, request.user))
    audit.record(request.user, "teaching.autonomy.viewed", None, after={"points": len(points)})
    context = {"points": points, "chart": autonomy.autonomy_svg(points)}
    return render(request, "teaching/autonomy.html", context)


@require_GET
def autonomy_export(request):
    """Download the rows of the autonomy chart as CSV (the same rows as the table)."""
    check_capability(request.user, "caselog.view_own")
    entries = _log_of(request.user)
    points = autonomy.autonomy_points(entries, lambda e: services.visible_ratings(e, request.user))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="autonomy.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(autonomy.CSV_HEADER)
    writer.writerows(autonomy.csv_rows(points))
    audit.record(request.user, "teaching.autonomy.exported", None, after={"points": len(points)})
    return response


@require_GET
def caselog_handbook(request):
    """Download the trainee's log as Excel in the shape of the 规培登记手册 (layout unverified)."""
    check_capability(request.user, "caselog.view_own")
    entries = _log_of(request.user)
    rows = handbook.handbook_rows(entries, lambda e: _ratings(e, request.user)["attending"])
    stage = services.stage_label(entries[0].trainee_stage) if entries else ""
    data = handbook.handbook_xlsx(rows, trainee_name=str(request.user), stage=str(stage))
    after = {"entries": len(rows), "format": "xlsx"}
    audit.record(request.user, "teaching.caselog.exported", None, after=after)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="case-log-handbook.xlsx"'
    return response


@require_GET
def caselog_handbook_pdf(request):
    """Download the same handbook-shaped log as a PDF (WeasyPrint, Chinese glyphs embedded)."""
    from openspine.core.pdf import render_pdf

    check_capability(request.user, "caselog.view_own")
    entries = _log_of(request.user)
    rows = handbook.handbook_rows(entries, lambda e: _ratings(e, request.user)["attending"])
    context = {
        "title": handbook.TITLE,
        "trainee_name": str(request.user),
        "stage": services.stage_label(entries[0].trainee_stage) if entries else "",
        "note_zh": handbook.LAYOUT_NOTE[0],
        "note_en": handbook.LAYOUT_NOTE[1],
        "columns": handbook.COLUMNS,
        "rows": rows,
    }
    html = render_to_string("teaching/handbook_print.html", context, request=request)
    data = render_pdf(html)
    after = {"entries": len(rows), "format": "pdf"}
    audit.record(request.user, "teaching.caselog.exported", None, after=after)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="case-log-handbook.pdf"'
    return response
