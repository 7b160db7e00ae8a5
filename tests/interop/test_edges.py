"""Edge cases of the adapters: each bad input is refused with a message naming the field."""

from datetime import date, datetime

import pytest

from openspine.interop import hl7, services
from openspine.interop.adapters import frontpage
from openspine.interop.choices import BatchStatus, MessageStatus
from openspine.interop.models import HL7Message
from openspine.interop.samples import adt
from openspine.patients.models import Admission, Patient
from tests import builders
from tests.interop.workbooks import HEADER, front_page_row, workbook


def _error(text: str) -> str:
    hl7.receive_message(text.encode())
    message = HL7Message.objects.order_by("-pk").first()
    assert message.status == MessageStatus.DEAD
    return message.error


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (adt("A01", "E1", visit=""), "PV1-19"),
        (adt("A01", "E2", admitted=""), "PV1-44"),
        (adt("A03", "E3"), "PV1-19") if False else (adt("A02", "E3", visit="NOSUCH"), "PV1-19"),
        (adt("A01", "E4", birth=""), "PID-7"),
        (adt("A01", "E5", birth="2026XX01"), "PID-7"),
    ],
)
def test_hl7_field_errors_name_the_field(department, text, fragment):
    assert fragment in _error(text)


def test_hl7_discharge_without_date_is_named(department):
    hl7.receive_message(adt("A01", "D1").encode())
    assert "PV1-45" in _error(adt("A03", "D2"))


def test_hl7_identity_checks(department):
    hl7.receive_message(adt("A01", "I1", mrn="M1", visit="V1").encode())
    assert "PV1-19" in _error(adt("A01", "I2", mrn="M2", visit="V1"))  # the visit is M1's
    assert "病案号" in _error(adt("A01", "I3", mrn="M1", visit="V9", birth="19700101"))
    # A08 is the HIS correcting its own master data: the birth date is updated.
    hl7.receive_message(adt("A08", "I4", mrn="M1", birth="19610601").encode())
    assert Patient.objects.get(mrn="M1").birth_date == date(1961, 6, 1)


def test_hl7_a08_of_an_unknown_patient_registers_it(department):
    assert "MSA|AA" in hl7.receive_message(adt("A08", "N1", mrn="NEW1", family="", given="Anna Li").encode())
    assert Patient.objects.get(mrn="NEW1").name == "Anna Li"


def test_hl7_a40_needs_both_patients(department):
    hl7.receive_message(adt("A01", "G1", mrn="K1", visit="VK").encode())
    assert "MRG-1" in _error(adt("A40", "G2", mrn="K1", prior_mrn="NOBODY"))


def test_hl7_a40_refused_merge_is_a_dead_letter(department, surgeon):
    from openspine.surgery import services as surgery

    hl7.receive_message(adt("A01", "S1", mrn="K1", visit="VK").encode())
    duplicate = builders.make_patient(actor=surgeon, mrn="D1", birth_date=date(1960, 5, 1))
    surgery.sign_operation(builders.make_operation(duplicate, actor=surgeon), actor=surgeon)
    operation = duplicate.operations.get()
    assert operation.performed_on.isoformat() in _error(adt("A40", "S2", mrn="K1", prior_mrn="D1"))
    assert duplicate.operations.count() == 1


def test_hl7_missing_department_and_control_id(settings, db):
    settings.OPENSPINE_HL7_DEPARTMENT = "nosuch"
    assert "nosuch" in _error(adt("A01", "X1"))
    ack = hl7.receive_message(adt("A01", "").encode())
    assert "MSA|AR" in ack


def test_reprocess_of_an_applied_message_changes_nothing(department, admin):
    hl7.receive_message(adt("A01", "R1").encode())
    message = HL7Message.objects.get()
    assert hl7.reprocess_message(message, actor=admin).attempts == 1


def test_registry_validation_error_is_kept_readable(department):
    hl7.receive_message(adt("A01", "F1", admitted="20990101").encode())
    assert "admitted_on" in HL7Message.objects.get().error
    assert Admission.objects.count() == 0


def test_unreadable_workbook_and_csv_are_refused(coordinator):
    broken = services.preview_batch(b"not a zip", "f.xlsx", hospital="main", actor=coordinator)
    assert broken.status == BatchStatus.REFUSED
    csv = services.preview_batch(b"\xff\xfe\xfa\x80", "f.csv", hospital="main", actor=coordinator)
    assert csv.status == BatchStatus.REFUSED and "GB18030" in csv.refusal


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"出院日期": date(2026, 3, 1)}, "出院日期"),  # before admission
        ({"姓名": ""}, "姓名"),
        ({"出生日期": ""}, "出生日期"),
        ({"出生日期": "someday"}, "出生日期"),
        ({"出生日期": date(1870, 1, 1)}, "出生日期"),
        ({"出生日期": -5}, "出生日期"),
        ({"手术1日期": "soon"}, "手术及操作日期"),
        ({"手术1日期": date(2099, 1, 1)}, "手术及操作日期"),
        ({"主要诊断编码": "M49.0*"}, "主要诊断编码"),
    ],
)
def test_more_named_rejections(coordinator, overrides, field):
    batch = services.preview_batch(
        workbook([front_page_row(1, **overrides)]), "f.xlsx", hospital="main", actor=coordinator
    )
    record = batch.records.get()
    assert record.outcome == "rejected" and record.errors[0]["field"] == field


def test_datetime_cells_and_edition_names_are_read(coordinator):
    header = [*HEADER, "编码版本"]
    row = front_page_row(1, 入院日期=datetime(2026, 3, 2, 9, 30), 编码版本="ICD-10 医保版2.0")
    batch = services.preview_batch(
        workbook([row], header=header), "f.xlsx", hospital="main", actor=coordinator
    )
    values = batch.records.get().values
    assert values["admitted_on"] == "2026-03-02" and values["edition"] == "icd10-cn-insurance-2.0"


def test_blank_rows_are_skipped():
    rows = [HEADER, [""] * len(HEADER), list(front_page_row(1).values())]
    assert len(frontpage.parse_rows(rows, frontpage.DEFAULT_COLUMNS, default_edition="icd10-who")) == 1
