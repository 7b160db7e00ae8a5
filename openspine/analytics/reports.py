"""The annual quality report (issue 10): the director's catalogue for one year, as a kept, signed PDF.

The report is the quality page's figures (:func:`openspine.analytics.dashboard.build`, counted as the
requesting director sees them) rendered through one print template with the same funnel SVGs, then
:func:`openspine.core.pdf.render_pdf`. Generating runs in the background (:mod:`.tasks`); the PDF
is kept under ``VAR_DIR``/quality-reports with its SHA-256. Signing off re-renders the kept HTML with
a sign-off page (who, when, the SHA-256 of the content signed) and freezes the row.
Definitions and rules: /work/shared/reference/outcomes.md sections 0-1 (catalogue), 3.4 (comparison).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openspine import audit
from openspine.accounts.roles import can
from openspine.analytics import dashboard, indicators
from openspine.analytics.forms import year_choices
from openspine.analytics.models import QualityReport, ReportStatus
from openspine.core.pdf import render_pdf

LANGUAGES = ("zh-hans", "en")


def report_dir() -> Path:
    """Return the private folder of the kept reports (never served as media; downloads are audited)."""
    folder = Path(getattr(settings, "QUALITY_REPORT_DIR", None) or settings.VAR_DIR / "quality-reports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_choice(year, language) -> tuple[int, str]:
    """Return the year and language, or raise naming the field and its allowed values."""
    allowed_years = [value for value, _label in year_choices()]
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year not in allowed_years:
        raise ValidationError(
            {"year": _("year must be one of: %(allowed)s.") % {"allowed": ", ".join(map(str, allowed_years))}}
        )
    if language not in LANGUAGES:
        raise ValidationError(
            {"language": _("language must be one of: %(allowed)s.") % {"allowed": ", ".join(LANGUAGES)}}
        )
    return year, language


def request_report(user, year, language) -> QualityReport:
    """Record a report request and queue its generation once the transaction commits (audited)."""
    if not can(user, "quality.report_generate"):
        raise PermissionDenied
    year, language = check_choice(year, language)
    from openspine.analytics import tasks

    with transaction.atomic():
        report = QualityReport.objects.create(
            department_id=user.department_id, year=year, language=language, requested_by=user
        )
        audit.record(user, "analytics.report.requested", report, after={"year": year, "language": language})
        transaction.on_commit(lambda: tasks.generate_quality_report.enqueue(report.pk))
    return report


def _progress(report: QualityReport, percent: int, status=ReportStatus.RUNNING) -> None:
    QualityReport.objects.filter(pk=report.pk).update(progress=percent, status=status)


def generate(report_id: int) -> QualityReport:
    """Count the year's figures, render the report's HTML and PDF, and keep both with the PDF's SHA-256."""
    report = QualityReport.objects.select_related("requested_by").get(pk=report_id)
    if report.is_signed:
        return report
    _progress(report, 10)
    try:
        with translation.override(report.language):
            html = _html(report)
            _progress(report, 60)
            pdf = render_pdf(html)
    except Exception as error:  # the page must say it failed rather than spin forever
        QualityReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=str(error)[:300])
        raise
    stem = f"quality-report-{report.public_id}"
    (report_dir() / f"{stem}.html").write_text(html, encoding="utf-8")
    (report_dir() / f"{stem}.pdf").write_bytes(pdf)
    report.file_name = f"{stem}.pdf"
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.status, report.progress = ReportStatus.READY, 100
    report.save(update_fields=["file_name", "sha256", "status", "progress", "computed_at", "parameters"])
    return report


def _html(report: QualityReport) -> str:
    """Count the figures as the requesting director sees them and render the print template."""
    today = timezone.localdate()
    scope = indicators.Scope(indicators.Period.year(report.year), today)
    context = dashboard.build(report.requested_by, scope)
    report.computed_at = context["computed_at"]
    report.parameters = {
        "year": report.year,
        "period": [scope.period.start.isoformat(), scope.period.end.isoformat()],
        "maturity_date": today.isoformat(),
        "disease_area": "all",
        "surgeon": "all",
        "language": report.language,
        "software_version": indicators.SOFTWARE_VERSION,
        "computed_at": report.computed_at.isoformat(),
    }
    follow_by_timepoint = {item.timepoint: item for item in context["follow_up"]}
    prom_rows = [(name, m, follow_by_timepoint.get(m.timepoint)) for name, m in context["mean_changes"]]
    return render_to_string(
        "analytics/report_pdf.html", {**context, "scope": scope, "report": report, "prom_rows": prom_rows}
    )


def sign_off(user, report: QualityReport) -> QualityReport:
    """Sign the report off as the director: the PDF gains a sign-off page and the row is frozen (audited)."""
    if not can(user, "quality.report_sign") or report.department_id != user.department_id:
        raise PermissionDenied
    with transaction.atomic():
        report = QualityReport.objects.select_for_update().get(pk=report.pk)
        if report.is_signed:
            raise ValidationError({"report": _("This report is already signed off and cannot change.")})
        if report.status != ReportStatus.READY:
            raise ValidationError({"report": _("Only a generated report can be signed off.")})
        signed_at = timezone.now()
        stem = f"quality-report-{report.public_id}"
        html = (report_dir() / f"{stem}.html").read_text(encoding="utf-8")
        signature = {"who": user.display_name or user.username, "when": signed_at, "sha256": report.sha256}
        with translation.override(report.language):
            page = render_to_string("analytics/partials/report_signoff.html", {"sign_off": signature})
        pdf = render_pdf(html.replace("<!-- sign-off -->", page))
        (report_dir() / f"{stem}-signed.pdf").write_bytes(pdf)
        report.signed_by, report.signed_at, report.signed_file_name = user, signed_at, f"{stem}-signed.pdf"
        report.save(update_fields=["signed_by", "signed_at", "signed_file_name"])
        audit.record(
            user,
            "analytics.report.signed_off",
            report,
            after={
                "year": report.year,
                "sha256": report.sha256,
                "signed_sha256": hashlib.sha256(pdf).hexdigest(),
            },
        )
    return report


def open_for_download(user, report: QualityReport):
    """Return the kept PDF (the signed one once signed) as an open file; the download is audited."""
    if not can(user, "quality.report_generate") or report.department_id != user.department_id:
        raise PermissionDenied
    if report.status != ReportStatus.READY:
        raise ValidationError({"report": _("The report is not ready yet.")})
    name = report.signed_file_name or report.file_name
    audit.record(
        user, "analytics.report.downloaded", report, after={"file": name, "signed": report.is_signed}
    )
    return open(report_dir() / name, "rb"), name
