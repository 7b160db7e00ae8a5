"""Reads of identified data are audited too (T-35): forms that show a record, and API lists.

Opening a form shows the patient's name and hospital number (the patient form also the full
national ID and phone), so each GET writes an access event naming the record by its public id and
holding no identifier. Saving is audited by the service, as before.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from openspine.accounts.models import ApiToken
from openspine.audit.models import AuditEvent
from openspine.proms.transitions import move
from tests import builders
from tests.openspine.test_followup_engine import SURGERY_DAY, at, follow_up, signed_operation


@pytest.fixture
def records(surgeon, patient):
    admission = builders.make_admission(patient, actor=surgeon, discharged_on=None, discharge_destination="")
    diagnosis = builders.make_diagnosis(patient, actor=surgeon)
    operation = builders.make_operation(patient, actor=surgeon, admission=admission, diagnosis=diagnosis)
    complication = builders.make_complication(operation, actor=surgeon)
    return {
        "patient": patient,
        "admission": admission,
        "diagnosis": diagnosis,
        "operation": operation,
        "complication": complication,
    }


# (URL name, the record in its URL, the event, the record the event names)
FORMS = [
    ("patients:patient_edit", "patient", "patients.patient.opened_for_edit", "patient"),
    ("patients:admission_edit", "admission", "patients.admission.opened_for_edit", "admission"),
    ("patients:diagnosis_edit", "diagnosis", "patients.diagnosis.opened_for_edit", "diagnosis"),
    ("patients:admission_create", "patient", "patients.patient.opened_for_edit", "patient"),
    ("patients:diagnosis_create", "patient", "patients.patient.opened_for_edit", "patient"),
    ("surgery:operation_create", "patient", "patients.patient.opened_for_edit", "patient"),
    ("surgery:operation_edit", "operation", "surgery.operation.opened_for_edit", "operation"),
    ("surgery:operation_sign", "operation", "surgery.operation.opened_for_sign", "operation"),
    ("surgery:complication_create", "operation", "surgery.operation.opened_for_edit", "operation"),
    ("surgery:complication_edit", "complication", "surgery.complication.opened_for_edit", "complication"),
    ("sci:exam_create", "patient", "patients.patient.opened_for_edit", "patient"),
    ("sci:exam_import", "patient", "patients.patient.opened_for_edit", "patient"),
]


def _assert_access_event(event, obj, patient, identifiers):
    assert event.object_id == str(obj.public_id) and event.patient_id == str(patient.public_id)
    stored = f"{event.before} {event.after} {event.reason}"
    assert not any(value and value in stored for value in identifiers)


@pytest.mark.req("T-35")
@pytest.mark.parametrize(("url_name", "in_url", "action", "named"), FORMS, ids=[f[0] for f in FORMS])
def test_opening_a_form_writes_an_access_event_without_identifiers(
    client_for, surgeon, records, url_name, in_url, action, named
):
    patient = records["patient"]
    response = client_for(surgeon).get(reverse(url_name, args=[records[in_url].public_id]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=action, actor=surgeon)
    _assert_access_event(event, records[named], patient, [patient.name, patient.mrn, patient.national_id])


@pytest.mark.req("T-35")
def test_opening_an_exam_on_its_worksheet_writes_an_access_event(client_for, surgeon, patient):
    """Already audited before issue 9 (the worksheet is also the exam's page): kept as a check."""
    from openspine.sci import services
    from tests.openspine.test_sci_services import w1_exam

    exam = services.record_exam(
        patient, w1_exam(), actor=surgeon, examined_on=SURGERY_DAY, context="admission"
    )
    assert client_for(surgeon).get(reverse("sci:exam_edit", args=[exam.public_id])).status_code == 200
    event = AuditEvent.objects.get(action="sci.exam.viewed", actor=surgeon)
    _assert_access_event(event, exam, patient, [patient.name, patient.mrn])


@pytest.mark.req("T-35")
def test_posting_a_form_is_audited_by_the_service_not_as_an_opening(client_for, surgeon, records):
    url = reverse("patients:admission_edit", args=[records["admission"].public_id])
    client_for(surgeon).post(url, {"version": records["admission"].version})
    assert not AuditEvent.objects.filter(action__endswith=".opened_for_edit").exists()


@pytest.mark.req("T-35")
def test_opening_questionnaire_entry_writes_an_access_event(client_for, surgeon):
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=90)), tick=False):
        fu = follow_up(signed_operation(surgeon), "3m")
        move(fu, "due")
        url = reverse("proms:response_enter", args=[fu.public_id, "odi"])
        assert client_for(surgeon).get(url).status_code == 200
    event = AuditEvent.objects.get(action="proms.followup.opened_for_edit", actor=surgeon)
    _assert_access_event(event, fu, fu.patient, [fu.patient.name, fu.patient.mrn])
    assert event.after == {"instrument": "odi"}


@pytest.mark.req("T-35")
def test_listing_the_departments_operations_over_the_api_is_audited(client, surgeon, records):
    token = ApiToken.issue(surgeon, "t")[1]
    response = client.get("/api/surgery/operations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and len(response.json()) == 1
    event = AuditEvent.objects.get(action="surgery.operation.listed", actor=surgeon)
    assert event.after == {"results": 1, "patient": False} and event.patient_id == ""


@pytest.mark.req("T-35")
@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("/api/patients/{patient}", "patients.patient.viewed"),
        ("/api/patients/{patient}/admissions", "patients.patient.viewed"),
        ("/api/patients/{patient}/diagnoses", "patients.patient.viewed"),
        ("/api/patients/admissions/{admission}", "patients.admission.viewed"),
        ("/api/patients/diagnoses/{diagnosis}", "patients.diagnosis.viewed"),
        ("/api/surgery/operations?patient={patient}", "patients.patient.viewed"),
        ("/api/surgery/operations/{operation}", "surgery.operation.viewed"),
        ("/api/surgery/operations/{operation}/complications", "surgery.operation.viewed"),
        ("/api/surgery/complications/{complication}", "surgery.complication.viewed"),
        ("/api/sci/patients/{patient}/exams", "patients.patient.viewed"),
    ],
)
def test_every_identified_api_read_is_audited(client, surgeon, records, path, action):
    token = ApiToken.issue(surgeon, "t")[1]
    url = path.format(**{name: obj.public_id for name, obj in records.items()})
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert AuditEvent.objects.filter(action=action, actor=surgeon).count() == 1


@pytest.mark.req("T-35")
def test_viewing_the_follow_up_dashboard_is_audited_each_time_even_from_kept_figures(
    client_for, coordinator, surgeon
):
    """The dashboard names surgeons with their figures (issue 9: reads not audited)."""
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=120)), tick=False):
        signed_operation(surgeon)
        client = client_for(coordinator)
        first = client.get(reverse("proms:followup_dashboard"))
        second = client.get(reverse("proms:followup_dashboard"))  # served from the kept figures
    assert first.status_code == second.status_code == 200
    events = AuditEvent.objects.filter(action="proms.dashboard.viewed", actor=coordinator)
    assert events.count() == 2
    assert {event.patient_id for event in events} == {""}
    assert events[0].after == {"counted_at": first.context["counted_at"].isoformat()}
