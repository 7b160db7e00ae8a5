"""HL7 v2 ADT in: staging, idempotency on MSH-10, ACK/NAK, dead letters (interop.md 4, 7)."""

import socket
import threading
from datetime import date

import pytest
from hl7apy.parser import parse_message

from openspine.audit.models import AuditEvent
from openspine.interop import hl7, mllp
from openspine.interop.choices import MessageStatus
from openspine.interop.models import HL7Message
from openspine.interop.samples import adt
from openspine.patients.models import Admission, Patient
from tests import builders


def _send(text: str, encoding: str = "utf-8") -> str:
    return hl7.receive_message(text.encode(encoding))


def _msa(ack: str) -> list[str]:
    segment = [s for s in ack.split("\r") if s.startswith("MSA")][0]
    return segment.split("|")


@pytest.fixture
def spine(department):
    return department


def test_a01_a08_a03_sequence_creates_and_updates_the_admission(spine):
    assert _msa(_send(adt("A01", "M1")))[1] == "AA"
    patient = Patient.objects.get()
    assert (patient.mrn, patient.name, patient.sex, patient.birth_date) == (
        "00012345",
        "张三",
        "male",
        date(1960, 5, 1),
    )
    admission = Admission.objects.get()
    assert (admission.admission_number, admission.admitted_on, admission.ward) == (
        "ZY0000001",
        date(2026, 3, 2),
        "SPINE1",
    )
    assert _msa(_send(adt("A08", "M2", given="三丰")))[1] == "AA"
    patient.refresh_from_db()
    assert patient.name == "张三丰"
    assert _msa(_send(adt("A02", "M3", ward="SPINE2")))[1] == "AA"
    assert _msa(_send(adt("A03", "M4", discharged="20260309100000")))[1] == "AA"
    admission.refresh_from_db()
    assert (admission.ward, admission.discharged_on) == ("SPINE2", date(2026, 3, 9))
    assert _msa(_send(adt("A13", "M5")))[1] == "AA"
    admission.refresh_from_db()
    assert admission.discharged_on is None
    assert (
        AuditEvent.objects.filter(action="patients.admission.updated", actor_username="hl7-interface").count()
        == 3
    )


def test_duplicate_control_id_is_acknowledged_and_not_applied_twice(spine):
    _send(adt("A01", "DUP1"))
    ack = _send(adt("A01", "DUP1", ward="CHANGED"))
    assert _msa(ack)[1:3] == ["AA", "DUP1"]
    assert HL7Message.objects.count() == 1
    assert Admission.objects.get().ward == "SPINE1"


def test_a11_cancels_an_a01(spine):
    _send(adt("A01", "C1"))
    assert _msa(_send(adt("A11", "C2")))[1] == "AA"
    assert Admission.objects.count() == 0
    assert AuditEvent.objects.filter(action="interop.admission.cancelled").exists()


def test_a11_of_a_stay_with_a_diagnosis_is_a_dead_letter(spine, surgeon):
    _send(adt("A01", "C1"))
    builders.make_diagnosis(Patient.objects.get(), actor=surgeon, admission=Admission.objects.get())
    ack = _send(adt("A11", "C2"))
    assert _msa(ack)[1] == "AE"
    message = HL7Message.objects.get(control_id="C2")
    assert message.status == MessageStatus.DEAD
    assert Admission.objects.count() == 1


def test_gbk_encoded_name_is_decoded_by_msh18(spine):
    _send(adt("A01", "G1", family="欧阳", given="娜娜", charset="GB 18030-2000"), encoding="gb18030")
    assert Patient.objects.get().name == "欧阳娜娜"


def test_identifier_is_chosen_by_type_not_position(spine, settings):
    _send(adt("A01", "P1", mrn="BA777"))
    assert Patient.objects.get().mrn == "BA777"
    settings.OPENSPINE_HL7_MRN_TYPE = "XX"
    ack = _send(adt("A01", "P2", visit="ZY2"))
    assert _msa(ack)[1] == "AE"
    assert "PID-3" in HL7Message.objects.get(control_id="P2").error


def test_a40_merges_the_mrg1_patient_into_the_pid3_patient(spine):
    _send(adt("A01", "X0", mrn="KEEP1", visit="ZYK1"))
    _send(adt("A01", "X1", mrn="DUP1", visit="ZYD1"))
    assert _msa(_send(adt("A40", "X2", mrn="KEEP1", visit="ZYK1", prior_mrn="DUP1")))[1] == "AA"
    keep = Patient.objects.get(mrn="KEEP1")
    assert sorted(keep.admissions.values_list("admission_number", flat=True)) == ["ZYD1", "ZYK1"]


def test_a40_without_mrg_is_a_dead_letter_naming_the_segment(spine):
    ack = _send(adt("A40", "X1"))
    assert _msa(ack)[1] == "AE"
    assert "MRG" in HL7Message.objects.get().error


def test_unhandled_message_type_is_a_dead_letter_naming_what_is_handled(spine):
    ack = _send(adt("A05", "X9"))
    assert _msa(ack)[1] == "AE"
    assert "A01" in HL7Message.objects.get().error


def test_message_without_msh_is_rejected_with_ar(spine):
    assert _msa(_send("PID|1||x\r"))[1] == "AR"
    assert HL7Message.objects.count() == 0


def test_bad_sex_names_the_field_and_allowed_values(spine):
    _send(adt("A01", "S1", sex="U"))
    error = HL7Message.objects.get().error
    assert "PID-8" in error and "M" in error and "F" in error


def test_dead_letter_applies_after_the_cause_is_fixed(spine, admin, client_for):
    _send(adt("A03", "D1", discharged="20260309100000"))  # discharge before any admit
    message = HL7Message.objects.get()
    assert message.status == MessageStatus.DEAD
    _send(adt("A01", "D0"))
    page = client_for(admin).get("/interop/hl7/messages/")
    assert page.status_code == 200 and "D1" in page.content.decode()
    response = client_for(admin).post(f"/interop/hl7/messages/{message.public_id}/reprocess/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.APPLIED, 2)
    assert Admission.objects.get().discharged_on == date(2026, 3, 9)
    assert AuditEvent.objects.filter(
        action="interop.hl7message.reprocessed", actor_username=admin.username
    ).exists()


def test_ack_is_valid_hl7(spine):
    ack = _send(adt("A01", "V1"))
    parsed = parse_message(ack, find_groups=False)
    assert parsed.msa.msa_2.value == "V1"


def test_frame_reader_splits_and_buffers_frames():
    reader = mllp.FrameReader()
    data = mllp.frame("A") + mllp.frame("B")
    assert reader.feed(data[:4]) == [b"A"]
    assert reader.feed(data[4:]) == [b"B"]


@pytest.mark.django_db(transaction=True)
def test_mllp_listener_acks_real_frames_over_a_socket():
    builders.make_department()
    server = mllp.make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address, timeout=10) as conn:
            reader, acks = mllp.FrameReader(), []
            conn.sendall(
                mllp.frame(adt("A01", "NET1")) + mllp.frame(adt("A03", "NET2", discharged="20260309"))
            )
            while len(acks) < 2:
                acks += reader.feed(conn.recv(65536))
    finally:
        server.shutdown()
        server.server_close()
    assert [_msa(a.decode())[1:3] for a in acks] == [["AA", "NET1"], ["AA", "NET2"]]
    assert Admission.objects.get().discharged_on == date(2026, 3, 9)
