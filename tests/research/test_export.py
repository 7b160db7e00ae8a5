"""The long export: Safe Harbor by default, limited data set only with a DUA, the canary scan, the bundle."""

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models.query import QuerySet

from openspine.audit.models import AuditEvent
from openspine.core.errors import DomainError
from openspine.research import services
from openspine.research.choices import ExportMode, ExportStatus
from openspine.research.export import bundle, canary, rows
from openspine.research.models import ExportRun, SubjectKey
from tests.research.conftest import LUMBAR_FUSIONS_12M_ODI, SURGERY_DAY, make_study, make_subject

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def cohort(surgeon, researcher, today):
    for birth in (date(1960, 5, 1), date(1930, 1, 1), date(1975, 8, 9)):
        make_subject(surgeon, birth_date=birth)
    study = make_study(researcher, dua="DUA-2025-07")
    return services.save_cohort(study.project, LUMBAR_FUSIONS_12M_ODI, actor=researcher, name="Fusions")


def export_text(version, mode=ExportMode.DEIDENTIFIED):
    out = io.StringIO()
    result = bundle.write_long_csv(version, out, mode=mode)
    return out.getvalue(), result


def table(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.req("T-45")
def test_safe_harbor_export_has_no_dates_ages_over_89_grouped_and_allowlisted_columns(cohort):
    text, result = export_text(cohort)
    data = table(text)
    assert tuple(data[0]) == rows.LONG_COLUMNS  # (a) columns are the allowlist
    assert not ISO_DATE.search(text)  # (d) no calendar date, only the year and day counts
    assert {row["age_at_index"] for row in data} == {"64", "90+", "49"}
    assert result.rows == len(data) == 12 and result.stats.subjects == 3
    twelve = [row for row in data if row["timepoint"] == "12m"]
    assert {row["days_from_index"] for row in twelve} == {"365"}
    assert {row["total"] for row in twelve} == {"20.0"} and {row["status"] for row in twelve} == {"complete"}
    assert hashlib.sha256(text.encode()).hexdigest() == result.sha256


@pytest.mark.req("T-45")
def test_no_identifier_of_an_exported_patient_survives_anywhere(cohort):
    text, _ = export_text(cohort, ExportMode.LIMITED)
    values = canary.load_canaries(SubjectKey.objects.values_list("patient_id", flat=True))
    assert values and all(len(found) >= 5 for found in values.values())
    for found in values.values():
        assert not any(value in text for value in found)
    assert canary.detect(text) == ""


@pytest.mark.req("T-45")
def test_the_canary_scan_refuses_an_export_in_which_an_identifier_survives(cohort, monkeypatch):
    original = rows._row

    def leaky(record, event_id, limited):  # a future column that leaks the hospital number
        from openspine.patients.models import Patient

        mrn = Patient.objects.get(pk=record[rows.PATIENT]).mrn
        return (*original(record, event_id, limited)[:-1], mrn)

    monkeypatch.setattr(rows, "_row", leaky)
    with pytest.raises(canary.IdentifierFound):
        export_text(cohort)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("call 13912345678", "phone"),
        ("x@example.org", "email"),
        ("see https://x", "url"),
        ("from 10.0.0.1", "ipv4"),
        ("id 11010519650412003X"[:3] + "110105196504120037", ""),  # wrong check digit: not an ID
        ("odi@2.1a,42.0,-3", ""),
    ],
)
def test_detectors_find_identifiers_and_leave_codes_alone(text, kind):
    assert canary.detect(text) == kind


def test_detector_finds_a_checksum_valid_national_id():
    from tests.builders import make_national_id

    assert canary.detect(f"S,{make_national_id(date(1965, 4, 12))},1") == "national_id"


@pytest.mark.req("T-46")
def test_limited_data_set_keeps_every_interval_and_never_the_source_dates(cohort):
    data = table(export_text(cohort, ExportMode.LIMITED)[0])
    assert tuple(data[0])[-2:] == rows.LDS_COLUMNS
    for row in data:
        index = date.fromisoformat(row["index_date_shifted"])
        assert index != SURGERY_DAY and 1 <= (index - SURGERY_DAY).days <= 364
        if row["collected_on_shifted"]:
            collected = date.fromisoformat(row["collected_on_shifted"])
            assert (collected - index).days == int(row["days_from_index"])


@pytest.mark.req("T-47")
def test_pseudonyms_are_random_per_project_and_stable_within_one(cohort, researcher):
    first = {row["subject_id"] for row in table(export_text(cohort)[0])}
    assert first == {row["subject_id"] for row in table(export_text(cohort)[0])}
    other = make_study(researcher, code="OTHER-1")
    version = services.save_cohort(other.project, LUMBAR_FUSIONS_12M_ODI, actor=researcher, name="Again")
    assert not first & {row["subject_id"] for row in table(export_text(version)[0])}
    assert all(re.fullmatch(r"S[A-Z]{8}", pseudonym) for pseudonym in first)


def test_export_streams_from_an_iterator_not_a_list(cohort, monkeypatch):
    calls = []
    real = QuerySet.iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return real(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    produced = rows.iter_long_rows(bundle.cohort_plan(cohort)[1], mode=ExportMode.DEIDENTIFIED)
    assert not isinstance(produced, list) and next(produced)
    assert rows.CHUNK in calls


def test_formula_cells_are_neutralised_and_numbers_kept():
    assert [bundle.neutralise(v) for v in ("=1+1", "@x", "ok", -3, None)] == ["'=1+1", "'@x", "ok", -3, ""]


def make_run(cohort, researcher, mode=ExportMode.DEIDENTIFIED):
    return services.request_export(cohort, actor=researcher, purpose="ODI after fusion", mode=mode)


@pytest.mark.req("T-49")
def test_an_export_job_writes_the_bundle_with_codebook_manifest_and_hashes(cohort, researcher):
    run = services.execute_export(make_run(cohort, researcher))
    assert run.status == ExportStatus.DONE and run.rows_done == run.rows_total == 12
    assert run.expires_at - run.finished_at == timedelta(days=7)
    with run.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == run.sha256
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert set(archive.namelist()) == {
        "long.csv",
        "codebook.csv",
        "codebook.xlsx",
        "README.txt",
        "manifest.json",
    }
    manifest = json.loads(archive.read("manifest.json"))
    for name in ("long.csv", "codebook.csv", "codebook.xlsx", "README.txt"):
        assert hashlib.sha256(archive.read(name)).hexdigest() == manifest["sha256"][name]
    assert manifest["row_counts"] == {"long.csv": 12} and manifest["ethics_approval"] == "KY-2025-001"
    assert manifest["cohort_definition"]["criteria"]["follow_up"] == {"instrument": "odi", "timepoint": "12m"}
    assert manifest["instrument_versions"] == ["odi:odi@2.1a"] and manifest["data_use_agreement"] == ""
    codebook = table(archive.read("codebook.csv").decode())
    assert [row["variable"] for row in codebook] == list(rows.LONG_COLUMNS)
    assert {row["variable"]: row["n_nonmissing"] for row in codebook}["total"] == "6"
    assert codebook[0]["label_zh"] != codebook[0]["label_en"]
    actions = set(AuditEvent.objects.filter(object_id=str(run.public_id)).values_list("action", flat=True))
    assert actions == {"research.exportrun.requested", "research.exportrun.completed"}


def test_the_same_manifest_reproduces_the_same_data_files(cohort, researcher):
    first = services.execute_export(make_run(cohort, researcher))
    second = services.execute_export(make_run(cohort, researcher))
    assert first.manifest["sha256"] == second.manifest["sha256"]


def test_a_refused_export_keeps_no_file_and_is_audited(cohort, researcher, monkeypatch):
    monkeypatch.setattr(canary, "detect", lambda text: "phone")
    run = services.execute_export(make_run(cohort, researcher))
    assert run.status == ExportStatus.REFUSED and not run.file and "identifier" in run.message
    assert AuditEvent.objects.filter(
        action="research.exportrun.refused", object_id=str(run.public_id)
    ).exists()


def test_cancel_stops_a_queued_export(cohort, researcher):
    queued = services.cancel_export(make_run(cohort, researcher), actor=researcher)
    assert queued.status == ExportStatus.CANCELLED
    assert services.execute_export(queued).status == ExportStatus.CANCELLED
    with pytest.raises(DomainError):
        services.cancel_export(queued, actor=researcher)


# Committed rows: on PostgreSQL the job reports progress on its own connection, which must see them.
@pytest.mark.django_db(transaction=True)
def test_a_running_export_stops_at_its_next_progress_step(cohort, researcher, monkeypatch):
    monkeypatch.setattr(bundle, "PROGRESS_EVERY", 2)
    running = make_run(cohort, researcher)
    original = services._progress

    def cancel_then_report(run):
        report = original(run)

        def step(done):
            # The requester's cancel arrives from another connection (a web request), as in use.
            services._outside_transaction(
                lambda: ExportRun.objects.filter(pk=run.pk).update(cancel_requested=True)
            )
            report(done)

        return step

    monkeypatch.setattr(services, "_progress", cancel_then_report)
    stopped = services.execute_export(running)
    assert stopped.status == ExportStatus.CANCELLED and stopped.rows_done == 2 and not stopped.file


@pytest.mark.req("T-46")
def test_limited_data_set_needs_a_dua_and_is_labelled(surgeon, researcher, today):
    make_subject(surgeon)
    study = make_study(researcher, code="NODUA")
    version = services.save_cohort(study.project, {}, actor=researcher, name="All")
    with pytest.raises(DomainError):
        make_run(version, researcher, ExportMode.LIMITED)
    assert not ExportRun.objects.exists()


def test_labelled_limited_data_set(cohort, researcher):
    run = services.execute_export(make_run(cohort, researcher, ExportMode.LIMITED))
    with run.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert "LIMITED DATA SET - NOT DE-IDENTIFIED" in archive.read("README.txt").decode()
    assert json.loads(archive.read("manifest.json"))["data_use_agreement"] == "DUA-2025-07"


def test_an_expired_approval_refuses_cohorts_and_exports_and_writes_nothing(surgeon, researcher, today):
    study = make_study(researcher, expires=date(2026, 5, 31))
    with pytest.raises(DomainError):
        services.save_cohort(study.project, {}, actor=researcher, name="Late")
    assert not study.project.cohorts.exists()


def test_request_checks_purpose_mode_and_row_limit(cohort, researcher, settings):
    with pytest.raises(ValidationError):
        services.request_export(cohort, actor=researcher, purpose=" ")
    with pytest.raises(ValidationError):
        services.request_export(cohort, actor=researcher, purpose="x", mode="everything")
    settings.RESEARCH_EXPORT_ROW_LIMIT = 11
    with pytest.raises(DomainError, match="above the limit of 11"):
        make_run(cohort, researcher)
    assert not ExportRun.objects.exists()


def test_expired_files_are_purged(cohort, researcher):
    run = services.execute_export(make_run(cohort, researcher))
    assert services.purge_expired_exports(now=run.expires_at + timedelta(seconds=1)) == 1
    run.refresh_from_db()
    assert run.status == ExportStatus.EXPIRED and not run.file and not run.downloadable


def test_an_unexpected_failure_marks_the_run_failed_and_is_raised(cohort, researcher, monkeypatch):
    run = make_run(cohort, researcher)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundle, "write_bundle", broken)
    with pytest.raises(RuntimeError):
        services.execute_export(run)
    run.refresh_from_db()
    assert run.status == ExportStatus.FAILED and "administrator" in run.message
    assert "disk full" not in run.message


def test_a_stored_version_that_no_longer_parses_fails_cleanly(cohort, researcher):
    run = make_run(cohort, researcher)
    type(cohort).objects.filter(pk=cohort.pk).update(criteria={"disease_areas": ["retired_area"]})
    run.refresh_from_db()
    assert services.execute_export(run).status == ExportStatus.FAILED


@pytest.mark.req("T-48")
def test_the_manifest_reports_k_anonymity_over_the_quasi_identifiers(cohort, researcher):
    run = services.execute_export(make_run(cohort, researcher))
    k = run.manifest["k_anonymity"]
    assert k["quasi_identifiers"] == ["age_at_index", "sex", "index_year", "disease_area"]
    assert (k["k"], k["classes"], k["classes_below_5"]) == (1, 3, 3)  # three different ages: each alone


def test_the_purge_command_reports_what_it_deleted(cohort, researcher):
    import time_machine
    from django.core.management import call_command

    run = services.execute_export(make_run(cohort, researcher))
    out = io.StringIO()
    with time_machine.travel(run.expires_at + timedelta(minutes=1)):
        call_command("purge_research_exports", stdout=out)
    assert out.getvalue().startswith("1 expired")
    assert AuditEvent.objects.filter(
        action="research.exportrun.expired", object_id=str(run.public_id)
    ).exists()


def test_export_files_live_in_the_private_export_folder(cohort, researcher, export_dir, settings):
    run = services.execute_export(make_run(cohort, researcher))
    assert run.file.path.startswith(str(export_dir))
    settings.RESEARCH_EXPORT_DIR = None
    assert run.file.storage.location == str((settings.VAR_DIR / "research-exports").resolve())


def test_a_score_with_seventeen_decimals_is_not_a_national_id():
    """A float score printed in full can hold 17 digits and a valid check digit after its point.

    Seen at 100,000 operations: an EQ-5D index refused a whole export as a "national_id". A
    decimal fraction is never an identifier; an ID standing alone in a cell still is.
    """
    from tests.builders import make_national_id

    digits = make_national_id(date(1965, 4, 12))
    assert digits[-1].isdigit() or digits[-1] in "Xx"
    assert canary.detect(f"S,odi,0.{digits},complete") == ""
    assert canary.detect(f"S,odi,{digits},complete") == "national_id"


def test_the_canary_window_holds_a_window_of_patients_and_finds_every_one(cohort):
    """Identifiers are read a window at a time (flat memory), yet every patient is scanned."""
    from openspine.patients.models import Patient

    ids = sorted(Patient.objects.values_list("pk", flat=True))
    assert len(ids) >= 3
    everyone = canary.load_canaries(ids)
    window = canary.CanaryWindow(ids, size=2)
    assert len(window) == len(ids)
    assert all(everyone[pk] for pk in ids)  # every test patient has identifiers to find
    for patient_id in [*ids, *reversed(ids)]:  # in order, then against it
        assert window.get(patient_id) == everyone[patient_id]
        assert len(window.loaded) <= 2
    assert window.get(max(ids) + 1000) == ()
    assert sorted(window.values()) == sorted(everyone.values())


@pytest.mark.parametrize("every", [1, 2, 5000])
def test_the_block_writer_writes_the_same_bytes_as_line_by_line(cohort, monkeypatch, every):
    """Issue 12: the long CSV is formatted and scanned a block at a time; its bytes must not change."""
    monkeypatch.setattr(bundle, "BLOCK", every)
    text, result = export_text(cohort)
    lines = [csv.writer(bundle._Line(), lineterminator="\r\n").writerow(rows.columns_for("deidentified"))]
    reference = bundle.CsvResult(rows=0, sha256="", stats=rows.RowStats())
    lines += [line for _row, line in bundle._scanned_rows(cohort, mode="deidentified", progress=None,
                                                          result=reference)]  # fmt: skip
    assert text == "".join(lines) and result.counts == reference.counts and result.rows == reference.rows


@pytest.mark.req("T-45")
def test_the_block_scan_refuses_a_detected_identifier_in_any_row(cohort, monkeypatch):
    original = rows._row
    seen = []

    def leaky(record, event_id, limited):  # only the last row leaks a mobile number
        seen.append(1)
        row = original(record, event_id, limited)
        return (*row[:-1], "13912345678") if len(seen) == 12 else row

    monkeypatch.setattr(rows, "_row", leaky)
    with pytest.raises(canary.IdentifierFound) as refused:
        export_text(cohort)
    assert refused.value.kind == "phone"
