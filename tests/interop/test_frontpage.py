"""The 病案首页 adapter and the reconciling service: dry run, commit, idempotency (interop.md 2, 7; T-73)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openspine.audit.models import AuditEvent
from openspine.core.errors import DomainError
from openspine.interop import codes, services
from openspine.interop.adapters import frontpage
from openspine.interop.choices import BatchStatus
from openspine.interop.models import ImportLedger
from openspine.patients.models import Admission, Diagnosis, Patient
from tests import builders
from tests.interop.workbooks import HEADER, front_page_row, workbook


@pytest.mark.parametrize("raw", ["M51.202", "U07.100x002", "M48.06", "A18.0†", "M81400/3", "Z03.800x001"])
def test_icd10_accepts_reference_examples(raw):
    """interop.md 7: the validator accepts these examples."""
    assert codes.is_icd10(codes.normalise_icd10(raw))


@pytest.mark.parametrize("raw", ["M51..2", "51.202", "M5"])
def test_icd10_rejects_reference_counter_examples(raw):
    assert not codes.is_icd10(codes.normalise_icd10(raw))


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Ｍ５１．２０２", "M51.202"), ("M51 .202", "M51.202"), ("m51202", "M51.202"), ("M48.06 ", "M48.06")],
)
def test_icd10_normalises_full_width_spaces_and_lost_dot(raw, code):
    assert codes.normalise_icd10(raw) == code


@pytest.mark.parametrize(("raw", "code"), [(3.09, "03.09"), ("８１．０７", "81.07"), ("81.07", "81.07")])
def test_icd9cm3_restores_leading_zero_and_width(raw, code):
    assert codes.normalise_icd9cm3(raw) == code
    assert codes.is_icd9cm3(code)


def test_excel_serial_dates_are_read():
    assert frontpage.to_date(46083) == date(2026, 3, 2)
    assert frontpage.to_date("46083") == date(2026, 3, 2)
    assert frontpage.to_date("2026年3月2日") == date(2026, 3, 2)
    assert frontpage.to_date("20260302") == date(2026, 3, 2)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)))
def test_excel_serial_round_trips_every_date(day):
    serial = (day - frontpage.EXCEL_EPOCH).days
    assert frontpage.to_date(float(serial)) == day


def _preview(rows, coordinator, **kwargs):
    content = workbook(rows, **kwargs)
    return services.preview_batch(content, "frontpage.xlsx", hospital="main", actor=coordinator)


def test_dry_run_writes_no_patient_and_counts_new_rows(coordinator):
    batch = _preview([front_page_row(1), front_page_row(2)], coordinator)
    assert batch.status == BatchStatus.PREVIEWED
    assert batch.counts["new"] == 2
    assert Patient.objects.count() == 0
    assert AuditEvent.objects.filter(
        action="interop.importbatch.previewed", object_id=str(batch.public_id)
    ).exists()


def test_commit_writes_patient_admission_diagnosis_and_ledger(coordinator):
    batch = _preview([front_page_row(1, 其他诊断1编码="U07.100x002")], coordinator, group_row=True)
    services.commit_batch(batch, actor=coordinator)
    patient = Patient.objects.get()
    assert patient.mrn == "00000001"
    assert patient.name == "测试1"
    admission = Admission.objects.get()
    assert (admission.admission_number, admission.discharge_destination) == ("ZY0000001", "home")
    # The WHO-shaped code goes to the registry; the national-edition code stays in the ledger.
    assert list(Diagnosis.objects.values_list("icd10", flat=True)) == ["M51.202"]
    assert "国家临床版" in Diagnosis.objects.get().note or "icd10-cn" in Diagnosis.objects.get().note
    assert ImportLedger.objects.get().admission == admission
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert (
        AuditEvent.objects.filter(action="interop.stagedrecord.applied", reason=str(batch.public_id)).count()
        == 1
    )


def test_reimport_same_file_is_noop(coordinator):
    rows = [front_page_row(1), front_page_row(2)]
    services.commit_batch(_preview(rows, coordinator), actor=coordinator)
    before = (Patient.objects.count(), Admission.objects.count(), Diagnosis.objects.count())
    versions = list(Admission.objects.order_by("pk").values_list("version", flat=True))
    second = _preview(rows, coordinator)
    assert second.counts["unchanged"] == 2
    services.commit_batch(second, actor=coordinator)
    assert (Patient.objects.count(), Admission.objects.count(), Diagnosis.objects.count()) == before
    assert list(Admission.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_changed_row_updates_and_is_audited(coordinator):
    services.commit_batch(_preview([front_page_row(1)], coordinator), actor=coordinator)
    batch = _preview([front_page_row(1, 出院日期=date(2026, 3, 12))], coordinator)
    assert batch.counts["changed"] == 1
    assert batch.records.get().changes == ["discharged_on"]
    services.commit_batch(batch, actor=coordinator)
    assert Admission.objects.get().discharged_on == date(2026, 3, 12)
    assert AuditEvent.objects.filter(action="patients.admission.updated").count() == 1


def test_clinician_edit_after_import_is_a_conflict_not_overwritten(coordinator, surgeon):
    services.commit_batch(_preview([front_page_row(1)], coordinator), actor=coordinator)
    from openspine.patients import services as patient_services

    patient_services.update_admission(Admission.objects.get(), actor=surgeon, ward="脊柱二病区")
    batch = _preview([front_page_row(1, 出院科别="骨科")], coordinator)
    record = batch.records.get()
    assert record.outcome == "conflict"
    assert "ward" in record.errors[0]["field"]
    services.commit_batch(batch, actor=coordinator, accept_partial=True)
    assert Admission.objects.get().ward == "脊柱二病区"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"性别": "X"}, "性别", "男"),
        ({"入院日期": date(2099, 1, 1), "出院日期": ""}, "入院日期", "2099-01-01"),
        ({"主要诊断编码": "M51..2"}, "主要诊断编码", "M51..2"),
        ({"手术1编码": "8X.07"}, "手术及操作编码", "8X.07"),
        ({"住院次数": "first"}, "住院次数", "999"),
        ({"手术1级别": "五级"}, "手术级别", "I-IV"),
    ],
)
def test_bad_value_is_a_named_rejection(coordinator, overrides, field, fragment):
    batch = _preview([front_page_row(1, **overrides)], coordinator)
    record = batch.records.get()
    assert record.outcome == "rejected"
    assert record.errors[0]["row"] == 2
    assert record.errors[0]["field"] == field
    assert fragment in record.errors[0]["message"]


def test_unknown_code_edition_is_rejected_naming_the_allowed_editions(coordinator):
    header = [*HEADER, "编码版本"]
    batch = services.preview_batch(
        workbook([front_page_row(1, 编码版本="ICD-10 北京版")], header=header),
        "f.xlsx",
        hospital="main",
        actor=coordinator,
    )
    error = batch.records.get().errors[0]
    assert error["field"] == "编码版本"
    assert "国家临床版2.0" in error["message"]


def test_duplicate_mrn_with_another_birth_date_is_rejected(coordinator):
    rows = [front_page_row(1), front_page_row(1, 住院次数=2, 住院号="ZY9", 出生日期=date(1970, 1, 1))]
    batch = _preview(rows, coordinator)
    second = batch.records.get(row_number=3)
    assert second.outcome == "rejected"
    assert second.errors[0]["field"] == "出生日期"
    assert "row 2" in second.errors[0]["message"].lower() or "2" in second.errors[0]["message"]


def test_registered_mrn_with_another_birth_date_is_rejected(coordinator):
    builders.make_patient(actor=coordinator, mrn="00000001", birth_date=date(1950, 1, 1))
    record = _preview([front_page_row(1)], coordinator).records.get()
    assert record.outcome == "rejected"
    assert record.errors[0]["field"] == "出生日期"


def test_wrong_columns_refuse_the_file_naming_what_is_missing(coordinator):
    batch = _preview([{"病案号": "1"}], coordinator, header=["病案号", "备注"])
    assert batch.status == BatchStatus.REFUSED
    assert "姓名" in batch.refusal and "备注" in batch.refusal
    with pytest.raises(DomainError):
        services.commit_batch(batch, actor=coordinator)


def test_batch_with_rejections_commits_only_when_partial_is_chosen(coordinator):
    batch = _preview([front_page_row(1), front_page_row(2, 性别="?")], coordinator)
    with pytest.raises(DomainError):
        services.commit_batch(batch, actor=coordinator)
    assert Patient.objects.count() == 0
    services.commit_batch(batch, actor=coordinator, accept_partial=True)
    assert Patient.objects.count() == 1
    batch.refresh_from_db()
    assert batch.log == [{"row": 3, "outcome": "rejected", "left_out": True}]


def test_a_failing_row_leaves_nothing_half_imported(coordinator, monkeypatch):
    batch = _preview([front_page_row(1), front_page_row(2)], coordinator)
    real = services.patients.add_admission
    calls = []

    def fail_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(services.patients, "add_admission", fail_second)
    with pytest.raises(DomainError, match="3"):
        services.commit_batch(batch, actor=coordinator)
    assert Patient.objects.count() == 0
    assert ImportLedger.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED


def test_number_cells_and_full_width_text_are_normalised(coordinator):
    mapping = services.save_mapping(
        "main", columns=frontpage.DEFAULT_COLUMNS, mrn_width=8, default_edition="icd10-who", actor=coordinator
    )
    assert mapping.pk
    row = front_page_row(
        1, 病案号=1234, 主要诊断编码="Ｍ５１．２０２", 手术1编码=3.09, 出生日期=21671, 手术1级别="Ⅲ"
    )
    services.commit_batch(_preview([row], coordinator), actor=coordinator)
    patient = Patient.objects.get()
    assert patient.mrn == "00001234"
    assert patient.birth_date == date(1959, 5, 1)
    ledger = ImportLedger.objects.get()
    assert ledger.imported["diagnoses"] == ["M51.202"]


def test_csv_in_gb18030_is_read(coordinator):
    text = "病案号,住院次数,姓名,性别,出生日期,入院日期\n007,1,张三,女,1970-01-02,2026-01-05\n"
    batch = services.preview_batch(text.encode("gb18030"), "f.csv", hospital="main", actor=coordinator)
    assert batch.counts["new"] == 1
    services.commit_batch(batch, actor=coordinator)
    assert Patient.objects.get().mrn == "007"


def test_dry_run_looks_rows_up_by_chunk_not_row_by_row(coordinator, django_assert_max_num_queries):
    """Set-based lookups: a dry run of 60 rows (half already imported) costs a few queries per chunk.

    Row by row it cost five lookups a row (300 here); the chunked :class:`services.Lookup` reads
    patients, ledger entries, stays, earlier entries and diagnosis codes once for the chunk.
    """
    services.commit_batch(_preview([front_page_row(n) for n in range(1, 31)], coordinator), actor=coordinator)
    content = workbook([front_page_row(n, 出院科别="骨科" if n == 1 else "脊柱外科") for n in range(1, 61)])
    with django_assert_max_num_queries(40):
        batch = services.preview_batch(content, "frontpage.xlsx", hospital="main", actor=coordinator)
    assert (batch.counts["new"], batch.counts["unchanged"], batch.counts["changed"]) == (30, 29, 1)
    assert batch.records.get(row_number=2).changes == ["ward"]
