"""Patients, admissions and diagnoses: services, validation, pages and audit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openspine.audit.models import AuditEvent
from openspine.core.errors import ConflictError
from openspine.patients import services
from openspine.patients.models import Patient
from tests import builders


def test_create_patient_writes_row_and_audit_event_without_identifiers(surgeon):
    patient = builders.make_patient(actor=surgeon, name="王小明")
    event = AuditEvent.objects.get(action="patients.patient.created")
    assert Patient.objects.get(pk=patient.pk).name == "王小明"
    assert event.actor == surgeon and event.actor_role == "surgeon"
    assert event.patient_id == str(patient.public_id)
    assert event.after["national_id"] == "***" and event.after["name"] == "***"
    assert patient.national_id not in str(event.after)


def test_national_id_with_wrong_check_digit_is_rejected_naming_the_field(surgeon):
    birth = date(1970, 1, 1)
    good = builders.make_national_id(birth)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        builders.make_patient(actor=surgeon, birth_date=birth, national_id=bad)
    assert "national_id" in error.value.message_dict
    assert Patient.objects.count() == 0


def test_national_id_must_match_birth_date(surgeon):
    other = builders.make_national_id(date(1980, 5, 5))
    with pytest.raises(ValidationError) as error:
        builders.make_patient(actor=surgeon, birth_date=date(1970, 1, 1), national_id=other)
    assert "national_id" in error.value.message_dict


@pytest.mark.parametrize("phone", ["12912345678", "1381234567", "abc", "+12"])
def test_invalid_mobile_is_rejected(surgeon, phone):
    with pytest.raises(ValidationError) as error:
        builders.make_patient(actor=surgeon, phone=phone)
    assert "phone" in error.value.message_dict


def test_discharge_before_admission_is_rejected(patient, surgeon):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        builders.make_admission(
            patient, actor=surgeon, admitted_on=today, discharged_on=today - timedelta(days=1)
        )
    assert "discharged_on" in error.value.message_dict


def test_length_of_stay_is_derived(patient, surgeon):
    admission = builders.make_admission(
        patient, actor=surgeon, admitted_on=date(2025, 3, 1), discharged_on=date(2025, 3, 8)
    )
    assert admission.length_of_stay == 7


def test_diagnosis_levels_out_of_order_are_rejected(patient, surgeon):
    with pytest.raises(ValidationError) as error:
        builders.make_diagnosis(patient, actor=surgeon, level_from=20, level_to=19)
    assert "level_to" in error.value.message_dict


@pytest.mark.parametrize("code", ["M51", "m51.2", "M5.1", "51.2", "M51.20000"])
def test_icd10_format(patient, surgeon, code):
    if code == "M51":
        assert builders.make_diagnosis(patient, actor=surgeon, icd10=code).icd10 == "M51"
        return
    with pytest.raises(ValidationError):
        builders.make_diagnosis(patient, actor=surgeon, icd10=code)


def test_stale_update_is_refused_and_changes_nothing(patient, surgeon, coordinator):
    services.update_patient(patient, actor=coordinator, expected_version=1, preferred_language="en")
    stale = Patient.objects.get(pk=patient.pk)
    with pytest.raises(ConflictError):
        services.update_patient(stale, actor=surgeon, expected_version=1, contact_consent=False)
    patient.refresh_from_db()
    assert patient.version == 2 and patient.contact_consent is True
    assert AuditEvent.objects.filter(action="patients.patient.updated").count() == 1


def test_surgeon_finds_patient_by_last_four_phone_digits(client_for, surgeon, patient):
    response = client_for(surgeon).get(reverse("patients:patient_list"), {"q": patient.phone[-4:]})
    assert response.status_code == 200
    assert patient.mrn in response.content.decode()
    assert AuditEvent.objects.filter(action="patients.patient.searched", actor=surgeon).exists()


def test_patient_page_shows_timeline_and_records_view(client_for, surgeon, patient):
    builders.make_admission(patient, actor=surgeon, admission_number="ZY-TIMELINE")
    response = client_for(surgeon).get(reverse("patients:patient_detail", args=[patient.public_id]))
    assert "ZY-TIMELINE" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="patients.patient.viewed", patient_id=str(patient.public_id)
    ).exists()


def test_outsider_gets_404_for_another_departments_patient(client_for, outsider, patient):
    response = client_for(outsider).get(reverse("patients:patient_detail", args=[patient.public_id]))
    assert response.status_code == 404


def test_researcher_gets_403_and_denial_is_audited(client_for, researcher, patient):
    response = client_for(researcher).get(reverse("patients:patient_detail", args=[patient.public_id]))
    assert response.status_code == 403
    assert patient.name not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor=researcher).exists()


def test_patient_form_error_names_field_and_saves_nothing(client_for, surgeon):
    data = {
        "mrn": "MRN-X",
        "name": "李四",
        "sex": "male",
        "birth_date": "2999-01-01",
        "preferred_language": "zh-hans",
    }
    response = client_for(surgeon).post(reverse("patients:patient_create"), data)
    assert response.status_code == 400
    assert "birth_date" in response.context["form"].errors
    assert not Patient.objects.filter(mrn="MRN-X").exists()


def test_anonymous_is_redirected_to_login(client, patient):
    response = client.get(reverse("patients:patient_detail", args=[patient.public_id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_corrects_a_diagnosis_with_its_version_and_audits_it(client, surgeon, patient):
    from openspine.accounts.models import ApiToken

    diagnosis = builders.make_diagnosis(patient, actor=surgeon)
    raw = ApiToken.issue(surgeon, "t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/patients/diagnoses/{diagnosis.public_id}"
    body = '{"version": 1, "icd10": "M48.06", "level_from": "L3", "level_to": "L5"}'
    response = client.patch(url, body, content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["level_from"] == "L3"
    diagnosis.refresh_from_db()
    assert diagnosis.icd10 == "M48.06" and diagnosis.version == 2
    assert AuditEvent.objects.filter(action="patients.diagnosis.updated").exists()
    stale = client.patch(url, '{"version": 1, "note": "x"}', content_type="application/json", **headers)
    assert stale.status_code == 409
    bad = client.patch(url, '{"version": 2, "level_from": "L9"}', content_type="application/json", **headers)
    assert bad.status_code == 422 and "level_from" in bad.content.decode()
