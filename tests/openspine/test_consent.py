"""Consent records: versioned, separate per purpose, kept in sync with contact_consent (T-51, T-33)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.patients import services
from openspine.patients.choices import ConsentKind
from openspine.patients.consent_texts import CURRENT
from openspine.patients.models import ConsentRecord, Patient
from openspine.patients.signals import contact_consent_withdrawn
from tests import builders


@pytest.mark.req("T-51")
def test_registration_with_contact_consent_records_a_versioned_consent(patient, surgeon):
    record = ConsentRecord.objects.get(patient=patient)
    text = CURRENT[ConsentKind.FOLLOW_UP_CONTACT]
    assert record.kind == "follow_up_contact" and record.granted
    assert (record.text_version, record.text_hash) == (text.version, text.sha256)
    assert len(record.text_hash) == 64 and record.recorded_by == surgeon
    assert patient.contact_consent is True


@pytest.mark.req("T-51")
def test_each_purpose_is_a_separate_record_and_the_latest_one_counts(patient, coordinator):
    services.record_consent(
        patient, "research_use", True, actor=coordinator, channel="paper", witness="护士甲"
    )
    services.record_consent(patient, "research_use", False, actor=coordinator, channel="phone")
    current = services.current_consents(patient)
    assert current["research_use"].granted is False and current["research_use"].channel == "phone"
    assert current["follow_up_contact"].granted is True
    assert current["treatment_processing"] is None
    assert ConsentRecord.objects.filter(patient=patient, kind="research_use").count() == 2
    events = AuditEvent.objects.filter(action="patients.consent.recorded", patient_id=str(patient.public_id))
    assert events.count() == 3 and events.last().actor == coordinator


@pytest.mark.req("T-33")
def test_withdrawing_contact_updates_the_flag_and_signals_the_follow_up_engine(patient, coordinator):
    received = []

    def receiver(sender, patient, actor, consent, **kwargs):
        received.append((patient.pk, actor, consent.granted))

    contact_consent_withdrawn.connect(receiver)
    try:
        version = Patient.objects.get(pk=patient.pk).version
        services.record_consent(patient, "follow_up_contact", False, actor=coordinator, channel="phone")
    finally:
        contact_consent_withdrawn.disconnect(receiver)
    fresh = Patient.objects.get(pk=patient.pk)
    assert fresh.contact_consent is False
    assert fresh.version == version  # a consent is not an edit of the details: no conflict for open forms
    assert received == [(patient.pk, coordinator, False)]


@pytest.mark.req("T-33")
def test_withdrawal_rolls_back_when_a_receiver_fails(patient, coordinator):
    def failing(**kwargs):
        raise RuntimeError("cancellation failed")

    contact_consent_withdrawn.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            services.record_consent(patient, "follow_up_contact", False, actor=coordinator)
    finally:
        contact_consent_withdrawn.disconnect(failing)
    assert Patient.objects.get(pk=patient.pk).contact_consent is True
    assert ConsentRecord.objects.filter(patient=patient, granted=False).count() == 0


@pytest.mark.req("T-51")
def test_unchecking_contact_consent_on_the_patient_form_is_a_withdrawal(patient, surgeon):
    services.update_patient(patient, actor=surgeon, contact_consent=False)
    latest = services.current_consents(patient)["follow_up_contact"]
    assert latest.granted is False and Patient.objects.get(pk=patient.pk).contact_consent is False


@pytest.mark.req("T-51")
def test_unknown_kind_and_bad_hash_are_refused_naming_the_field(patient, coordinator):
    with pytest.raises(ValidationError) as error:
        services.record_consent(patient, "marketing", True, actor=coordinator)
    assert "kind" in error.value.message_dict and "research_use" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.record_consent(
            patient, "research_use", True, actor=coordinator, text_version="old-2", text_hash="xyz"
        )
    assert "text_hash" in error.value.message_dict
    assert not ConsentRecord.objects.filter(kind="research_use").exists()


@pytest.mark.req("T-51")
def test_a_consent_to_an_older_text_is_flagged_for_re_consent(patient, coordinator, client_for):
    services.record_consent(
        patient, "research_use", True, actor=coordinator, text_version="2019-1", text_hash="a" * 64
    )
    response = client_for(coordinator).get(reverse("patients:patient_detail", args=[patient.public_id]))
    row = next(r for r in response.context["consents"] if r["kind"] == "research_use")
    assert row["outdated"] is True


@pytest.mark.req("T-51")
def test_coordinator_records_a_withdrawal_from_the_patient_page(patient, coordinator, client_for):
    client = client_for(coordinator)
    page = client.get(reverse("patients:patient_detail", args=[patient.public_id]))
    assert page.status_code == 200 and b'id="consents"' in page.content
    response = client.post(
        reverse("patients:consent_record", args=[patient.public_id]),
        {"kind": "follow_up_contact", "channel": "phone", "text_version": "", "witness": ""},
    )
    assert response.status_code == 302
    assert Patient.objects.get(pk=patient.pk).contact_consent is False
    assert ConsentRecord.objects.filter(patient=patient, granted=False, recorded_by=coordinator).exists()


@pytest.mark.req("T-51")
def test_consent_form_errors_name_the_field_and_keep_the_page(patient, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("patients:consent_record", args=[patient.public_id]), {"kind": "nonsense", "channel": "phone"}
    )
    assert response.status_code == 400
    assert "kind" in response.context["consent_form"].errors
    assert ConsentRecord.objects.filter(patient=patient).count() == 1


@pytest.mark.req("T-51")
@pytest.mark.parametrize("persona", ["researcher", "teacher", "auditor"])
def test_non_clinical_roles_cannot_record_consent(patient, persona, request, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse("patients:consent_record", args=[patient.public_id]),
        {"kind": "research_use", "granted": "on", "channel": "paper"},
    )
    assert response.status_code == 403
    assert ConsentRecord.objects.filter(patient=patient).count() == 1


@pytest.mark.req("T-21")
def test_outsider_cannot_record_consent_for_another_departments_patient(patient, outsider, client_for):
    response = client_for(outsider).post(
        reverse("patients:consent_record", args=[patient.public_id]),
        {"kind": "research_use", "granted": "on", "channel": "paper"},
    )
    assert response.status_code == 404
    assert ConsentRecord.objects.filter(patient=patient).count() == 1


def test_builders_patient_without_consent_has_no_record(surgeon):
    patient = builders.make_patient(actor=surgeon, contact_consent=False)
    assert not ConsentRecord.objects.filter(patient=patient).exists() and not patient.contact_consent


@pytest.mark.req("T-33")
def test_withdrawal_on_the_patient_page_revokes_the_questionnaire_link(patient, surgeon, coordinator, client):
    from django.test import Client

    from openspine.proms.models import QuestionnaireLink
    from tests.openspine.test_portal_support import open_follow_up

    _follow_up, token = open_follow_up(patient, actor=surgeon)
    staff = Client()
    staff.force_login(coordinator)
    response = staff.post(
        reverse("patients:consent_record", args=[patient.public_id]),
        {"kind": "follow_up_contact", "channel": "phone"},
    )
    assert response.status_code == 302
    assert not QuestionnaireLink.objects.filter(follow_up__patient=patient, revoked_at__isnull=True).exists()
    assert client.get(reverse("portal:link_open", args=[token])).status_code == 410
