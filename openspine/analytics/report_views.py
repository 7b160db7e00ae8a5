"""The annual quality report pages: choose a year and language, watch it generate, download, sign off."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine import audit
from openspine.accounts.roles import can
from openspine.analytics import reports
from openspine.analytics.forms import year_choices
from openspine.analytics.models import QualityReport
from openspine.patients.access import check_capability


def _reports_of(user):
    return QualityReport.objects.filter(department_id=user.department_id).select_related("signed_by")


def _load(user, public_id, capability="quality.report_generate"):
    """Return the department's report: 404 for another department's (it need not know it exists), then 403."""
    report = _reports_of(user).filter(public_id=public_id).first()
    if report is None:
        raise Http404
    check_capability(user, capability, target=str(public_id))
    return report


@require_http_methods(["GET", "POST"])
def report_list(request):
    """List the kept reports; a POST queues a new one for the chosen year and language."""
    check_capability(request.user, "quality.report_generate", target="quality_reports")
    errors = {}
    if request.method == "POST":
        try:
            reports.request_report(request.user, request.POST.get("year"), request.POST.get("language"))
        except ValidationError as error:
            errors = error.message_dict
        else:
            return redirect("analytics:report_list")
    else:
        audit.record(
            request.user, "analytics.report.list_viewed", after={"department": request.user.department_id}
        )
    context = {
        "reports": _reports_of(request.user)[:50],
        "years": [value for value, _label in year_choices()],
        "default_year": timezone.localdate().year - 1,
        "languages": reports.LANGUAGES,
        "errors": errors,
        "can_sign": can(request.user, "quality.report_sign"),
    }
    return render(request, "analytics/report_list.html", context, status=400 if errors else 200)


@require_GET
def report_status(request, public_id):
    """Return one report's row (HTMX polls it every two seconds while the report is generated)."""
    report = _load(request.user, public_id)
    context = {"report": report, "can_sign": can(request.user, "quality.report_sign")}
    return render(request, "analytics/partials/report_row.html", context)


@require_GET
def report_download(request, public_id):
    """Send the kept PDF (the signed one once signed); the download is audited."""
    report = _load(request.user, public_id)
    try:
        handle, name = reports.open_for_download(request.user, report)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=409, content_type="text/plain; charset=utf-8")
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")


@require_POST
def report_sign(request, public_id):
    """Sign the report off (the director only); a signed report is immutable."""
    report = _load(request.user, public_id, capability="quality.report_sign")
    try:
        reports.sign_off(request.user, report)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("analytics:report_list")
