"""Research office and export services: every write in one transaction with its audit event.

Counts shown to researchers follow the small-number rule for figures leaving the department
(outcomes.md section 8, rule 2): counts 1-7 are shown as ``<8``; the stored figures stay exact.
"""

import logging
import tempfile
import threading
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine.audit import services as audit
from openspine.core.errors import DomainError
from openspine.research.choices import EXCEL_MAX_ROWS, ExportFormat, ExportLayout, ExportMode, ExportStatus
from openspine.research.criteria import CriteriaError, compile_criteria, parse
from openspine.research.export import bundle, canary
from openspine.research.models import Cohort, CohortVersion, EthicsApproval, ExportRun, ResearchProject

logger = logging.getLogger(__name__)

SMALL_COUNT_BELOW = 8  # outcomes.md section 8 rule 2: counts 1-7 become "<8"
RETENTION = timedelta(days=7)  # security.md T-49: export files are deleted after 7 days


def row_limit() -> int:
    """The most rows one export may hold (``OPENSPINE_RESEARCH_EXPORT_ROW_LIMIT``; an operational limit)."""
    return int(getattr(settings, "RESEARCH_EXPORT_ROW_LIMIT", 5_000_000))


def display_count(count: int) -> str:
    """Return a count as a researcher may see it: ``<8`` for 1 to 7 (outcomes.md section 8 rule 2)."""
    if 0 < count < SMALL_COUNT_BELOW:
        return f"<{SMALL_COUNT_BELOW}"
    return str(count)


@transaction.atomic
def create_project(*, actor, **fields) -> ResearchProject:
    """Register a research project of the actor's department."""
    project = ResearchProject(department_id=actor.department_id, created_by=actor, **fields)
    project.full_clean()
    project.save()
    audit.record(actor, "research.researchproject.created", project, after={"short_code": project.short_code})
    return project


@transaction.atomic
def add_approval(project: ResearchProject, *, actor, **fields) -> EthicsApproval:
    """Record an ethics approval of ``project``."""
    approval = EthicsApproval(project=project, **fields)
    approval.full_clean()
    approval.save()
    audit.record(
        actor,
        "research.ethicsapproval.added",
        project,
        after={"number": approval.number, "expires_on": approval.expires_on},
    )
    return approval


def count_cohort(criteria_data: dict, *, department_id: int) -> int:
    """Return the number of index operations matching ``criteria_data`` (raises CriteriaError)."""
    return compile_criteria(parse(criteria_data), department_id=department_id).count()


def _approval_in_force(project: ResearchProject) -> EthicsApproval:
    approval = project.valid_approval()
    if approval is None:
        raise DomainError(
            _("The project has no ethics approval in force today; record a current approval first.")
        )
    return approval


@transaction.atomic
def save_cohort(
    project: ResearchProject, criteria_data: dict, *, actor, name: str = "", cohort: Cohort | None = None
):
    """Save criteria as a new cohort, or as the next version of ``cohort``; return the version.

    Needs an ethics approval in force; bad criteria raise :class:`CriteriaError` and write nothing.
    """
    approval = _approval_in_force(project)
    criteria = parse(criteria_data)
    if cohort is None:
        if not name.strip():
            raise ValidationError({"name": _("Give the cohort a name.")})
        cohort = Cohort.objects.create(project=project, name=name.strip(), created_by=actor)
        number = 1
    else:
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        number = (cohort.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    count = compile_criteria(criteria, department_id=project.department_id).count()
    version = CohortVersion.objects.create(
        cohort=cohort,
        number=number,
        criteria=criteria.as_data(),
        approval=approval,
        count_at_save=count,
        created_by=actor,
    )
    audit.record(
        actor,
        "research.cohortversion.saved",
        cohort,
        after={"version": number, "criteria": version.criteria, "approval": approval.number},
    )
    return version


@transaction.atomic
def request_export(
    version: CohortVersion,
    *,
    actor,
    purpose: str,
    mode: str = ExportMode.DEIDENTIFIED,
    layout: str = ExportLayout.LONG,
    export_format: str = ExportFormat.CSV,
) -> ExportRun:
    """Queue an export of ``version``; checks approval, mode, purpose and the row limit first."""
    project = version.cohort.project
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the data are for.")})
    if mode not in ExportMode.values:
        raise ValidationError(
            {
                "mode": _("Unknown mode. Allowed values: %(allowed)s.")
                % {"allowed": ", ".join(ExportMode.values)}
            }
        )
    if layout not in ExportLayout.values:
        raise ValidationError(
            {
                "layout": _("Unknown layout. Allowed values: %(allowed)s.")
                % {"allowed": ", ".join(ExportLayout.values)}
            }
        )
    if export_format not in ExportFormat.values:
        raise ValidationError(
            {
                "format": _("Unknown format. Allowed values: %(allowed)s.")
                % {"allowed": ", ".join(ExportFormat.values)}
            }
        )
    _approval_in_force(project)
    if mode == ExportMode.LIMITED and not project.has_dua:
        raise DomainError(_("A limited data set needs a data use agreement recorded on the project."))
    rows = bundle.count_long_rows(bundle.cohort_plan(version)[1])
    if export_format == ExportFormat.XLSX and rows > EXCEL_MAX_ROWS:
        raise DomainError(
            _("Excel holds at most %(limit)s rows; this export has %(rows)s. Choose CSV or Parquet.")
            % {"rows": rows, "limit": EXCEL_MAX_ROWS}
        )
    if rows > row_limit():
        raise DomainError(
            _("The export would hold %(rows)s rows, above the limit of %(limit)s; narrow the cohort.")
            % {"rows": rows, "limit": row_limit()}
        )
    run = ExportRun.objects.create(
        cohort_version=version,
        requested_by=actor,
        purpose=purpose.strip(),
        mode=mode,
        layout=layout,
        format=export_format,
        rows_total=rows,
    )
    audit.record(
        actor,
        "research.exportrun.requested",
        run,
        after={
            "cohort": str(version),
            "mode": mode,
            "layout": layout,
            "rows": rows,
            "approval": version.approval.number,
        },
        reason=run.purpose,
    )
    transaction.on_commit(lambda: _enqueue(run))
    return run


def _enqueue(run: ExportRun) -> None:
    from openspine.research.tasks import run_export

    run_export.enqueue(run.pk)


@transaction.atomic
def cancel_export(run: ExportRun, *, actor) -> ExportRun:
    """Ask a queued or running export to stop; the job notices at its next progress step."""
    run = ExportRun.objects.select_for_update().get(pk=run.pk)
    if run.is_finished:
        raise DomainError(_("This export has already finished."))
    run.cancel_requested = True
    if run.status == ExportStatus.QUEUED:
        run.status, run.finished_at = ExportStatus.CANCELLED, timezone.now()
    run.save(update_fields=["cancel_requested", "status", "finished_at"])
    audit.record(actor, "research.exportrun.cancelled", run)
    return run


def _outside_transaction(fn):
    """Run ``fn`` on its own connection inside PostgreSQL's streaming transaction, so others see it now.

    On SQLite the stream runs without a transaction (see :mod:`openspine.research.export.rows`).
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return fn()
    result = {}

    def work():
        try:
            result["value"] = fn()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return result.get("value")


def _progress(run: ExportRun):
    def report(rows_done: int) -> None:
        def write():
            ExportRun.objects.filter(pk=run.pk).update(rows_done=rows_done)
            return ExportRun.objects.filter(pk=run.pk).values_list("cancel_requested", flat=True).first()

        if _outside_transaction(write):
            raise bundle.Cancelled

    return report


def execute_export(run: ExportRun) -> ExportRun:
    """Run a queued export (the background job's body): write the zip, scan it, keep or refuse it."""
    claimed = ExportRun.objects.filter(pk=run.pk, status=ExportStatus.QUEUED, cancel_requested=False).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return ExportRun.objects.get(pk=run.pk)
    run.refresh_from_db()
    try:
        with tempfile.TemporaryFile() as scratch:
            manifest = bundle.write_bundle(run, scratch, progress=_progress(run))
            scratch.seek(0)
            return _finish(run, scratch, manifest)
    except canary.IdentifierFound as error:
        return _close(run, ExportStatus.REFUSED, str(error), "research.exportrun.refused")
    except bundle.Cancelled:
        return _close(
            run, ExportStatus.CANCELLED, _("Cancelled by the requester."), "research.exportrun.stopped"
        )
    except (CriteriaError, DomainError) as error:
        return _close(run, ExportStatus.FAILED, str(error), "research.exportrun.failed")
    except Exception:
        logger.exception("research export %s failed", run.public_id)
        _close(
            run,
            ExportStatus.FAILED,
            _("The export failed; the administrator has the details."),
            "research.exportrun.failed",
        )
        raise


def _sha256_of(handle) -> str:
    import hashlib

    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


@transaction.atomic
def _finish(run: ExportRun, handle, manifest: dict) -> ExportRun:
    run.sha256 = _sha256_of(handle)
    run.file.save(f"{run.public_id}.zip", File(handle), save=False)
    now = timezone.now()
    run.manifest = manifest
    run.rows_done = manifest["long_rows"]
    run.status, run.finished_at, run.expires_at = ExportStatus.DONE, now, now + RETENTION
    run.save()
    audit.record(
        run.requested_by,
        "research.exportrun.completed",
        run,
        after={"rows": run.rows_done, "sha256": run.sha256, "mode": run.mode},
    )
    return run


@transaction.atomic
def _close(run: ExportRun, status: str, message: str, action: str) -> ExportRun:
    ExportRun.objects.filter(pk=run.pk).update(
        status=status, message=message[:300], finished_at=timezone.now()
    )
    run.refresh_from_db()
    audit.record(run.requested_by, action, run, after={"status": status})
    return run


@transaction.atomic
def record_download(run: ExportRun, *, actor) -> None:
    """Record that the requester downloaded the export file (T-49)."""
    audit.record(actor, "research.exportrun.downloaded", run, after={"sha256": run.sha256})


@transaction.atomic
def purge_expired_exports(*, now=None) -> int:
    """Delete export files past their expiry (T-49, RQ-22); return how many were removed."""
    now = now or timezone.now()
    count = 0
    for run in ExportRun.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        run.file.delete(save=False)
        run.status = ExportStatus.EXPIRED
        run.save(update_fields=["file", "status"])
        audit.record(None, "research.exportrun.expired", run)
        count += 1
    return count
