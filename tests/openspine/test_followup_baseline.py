"""The pre-operative baseline: opened at admission, adopted by the operation's series when signed."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.patients import services as patient_services
from openspine.patients.choices import ConsentKind
from openspine.proms import messaging, services
from openspine.proms.baseline import BASELINE_MAX_DAYS
from openspine.proms.choices import timepoint_label
from openspine.proms.models import FollowUp, FollowUpSeries, Message
from openspine.surgery import services as surgery_services
from tests import builders
from tests.openspine.test_followup_engine import SURGERY_DAY, at
from tests.openspine.test_followup_messaging import answer_everything, run  # noqa: F401 (fixture)

ADMITTED = SURGERY_DAY - timedelta(days=3)
CERVICAL = {"disease_area": "cervical_degenerative", "icd10": "M50.0", "level_from": 4, "level_to": 6}


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_outbox():
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


def admit(actor, patient=None, *, day=ADMITTED, recorded_on=None, **fields):
    """Admit ``patient`` (a new one by default) on ``day``, still in hospital; return the admission."""
    with time_machine.travel(at(recorded_on or day), tick=False):
        patient = patient or builders.make_patient(actor=actor)
        fields = {"discharged_on": None, "discharge_destination": "", **fields}
        return builders.make_admission(patient, actor=actor, admitted_on=day, **fields)


def diagnose(actor, admission, **fields):
    """Record a diagnosis linked to ``admission`` on its admission day."""
    day = admission.admitted_on
    with time_machine.travel(at(day), tick=False):
        return builders.make_diagnosis(
            admission.patient, actor=actor, admission=admission, diagnosed_on=day, **fields
        )


def operate(actor, admission, diagnosis, *, day=SURGERY_DAY, sign_on=None, **fields):
    """Record the operation of ``admission`` on ``day``; sign it on ``sign_on`` (None: leave a draft)."""
    with time_machine.travel(at(day, 18), tick=False):
        operation = builders.make_operation(
            admission.patient,
            actor=actor,
            admission=admission,
            diagnosis=diagnosis,
            performed_on=day,
            **fields,
        )
    if sign_on is not None:
        with time_machine.travel(at(sign_on, 18), tick=False):
            surgery_services.sign_operation(operation, actor=actor)
    return operation


def baselines(patient):
    return list(FollowUp.objects.filter(patient=patient, is_baseline=True).order_by("pk"))


def test_a_diagnosis_linked_to_the_admission_opens_the_baseline_due_from_admission(surgeon):
    admission = admit(surgeon)
    assert baselines(admission.patient) == []  # a stay without a diagnosis has no protocol yet
    diagnosis = diagnose(surgeon, admission)
    [baseline] = baselines(admission.patient)
    assert (baseline.admission, baseline.diagnosis, baseline.operation, baseline.series) == (
        admission,
        diagnosis,
        None,
        None,
    )
    assert (baseline.due_on, baseline.window_opens_on) == (ADMITTED, ADMITTED)
    assert baseline.window_closes_on == ADMITTED + timedelta(days=BASELINE_MAX_DAYS)
    assert baseline.state == "scheduled"
    assert baseline.department_id == admission.patient.department_id  # whom the worklist shows it to
    assert baseline.protocol_version.protocol.disease_area == "lumbar_degenerative"
    assert baseline.instruments == ["odi", "nrs_back", "nrs_leg", "eq5d5l", "eq_vas"]
    assert AuditEvent.objects.filter(
        action="proms.followup.scheduled", object_id=str(baseline.public_id)
    ).exists()


def test_an_admission_of_a_patient_with_a_diagnosis_opens_the_baseline_in_that_area(surgeon):
    with time_machine.travel(at(ADMITTED - timedelta(days=40)), tick=False):
        patient = builders.make_patient(actor=surgeon)
        builders.make_diagnosis(
            patient, actor=surgeon, diagnosed_on=ADMITTED - timedelta(days=40), **CERVICAL
        )
    admission = admit(surgeon, patient)
    [baseline] = baselines(patient)
    assert baseline.admission == admission
    assert baseline.protocol_version.protocol.disease_area == "cervical_degenerative"
    assert baseline.instruments == ["ndi", "nrs_neck", "nrs_arm", "eq5d5l", "eq_vas"]


def test_a_recorded_discharge_ends_the_window_while_no_operation_is_known(surgeon):
    discharged = ADMITTED + timedelta(days=5)
    admission = admit(surgeon, recorded_on=discharged, discharged_on=discharged, discharge_destination="home")
    diagnose(surgeon, admission)
    assert baselines(admission.patient)[0].window_closes_on == ADMITTED + timedelta(days=5)


def test_a_second_diagnosis_of_the_stay_does_not_open_a_second_baseline(surgeon):
    admission = admit(surgeon)
    diagnose(surgeon, admission)
    diagnose(surgeon, admission, **CERVICAL)
    [baseline] = baselines(admission.patient)
    assert baseline.protocol_version.protocol.disease_area == "lumbar_degenerative"


def test_signing_adopts_the_answered_baseline_and_closes_its_window_on_the_operation_day(
    surgeon,
    coordinator,
    run,  # noqa: F811 (fixture)
):
    admission = admit(surgeon)
    diagnosis = diagnose(surgeon, admission)
    run(ADMITTED)
    [baseline] = baselines(admission.patient)
    assert baseline.state == "due"
    with time_machine.travel(at(ADMITTED + timedelta(days=1)), tick=False):
        answer_everything(baseline, mode="clinic", actor=coordinator)
    operation = operate(surgeon, admission, diagnosis, sign_on=SURGERY_DAY + timedelta(days=2))
    series = FollowUpSeries.objects.get(operation=operation)
    rows = {fu.timepoint: fu for fu in FollowUp.objects.filter(series=series)}
    assert set(rows) == {"baseline", "3m", "12m", "24m"}
    assert FollowUp.objects.filter(patient=admission.patient, is_baseline=True).count() == 1
    adopted = rows["baseline"]
    assert adopted.pk == baseline.pk and adopted.operation == operation
    assert (adopted.window_opens_on, adopted.window_closes_on) == (ADMITTED, SURGERY_DAY)
    assert adopted.state == "completed" and adopted.responses.count() == len(adopted.instruments)
    event = AuditEvent.objects.get(action="proms.followupseries.created", object_id=str(series.public_id))
    assert event.after["adopted_baseline"] == str(baseline.public_id)
    services.schedule_follow_ups(operation, actor=surgeon)  # re-signing changes nothing
    assert FollowUp.objects.filter(patient=admission.patient).count() == 4


def test_an_unanswered_baseline_is_missed_after_an_operation_signed_days_later(surgeon, run):  # noqa: F811
    admission = admit(surgeon)
    diagnosis = diagnose(surgeon, admission)
    run(ADMITTED)
    operate(surgeon, admission, diagnosis, sign_on=SURGERY_DAY + timedelta(days=3))
    run(SURGERY_DAY + timedelta(days=4))
    [baseline] = baselines(admission.patient)
    assert (baseline.window_closes_on, baseline.state) == (SURGERY_DAY, "missed")


def test_a_draft_operation_ends_the_baseline_window_on_its_day(surgeon, run):  # noqa: F811
    admission = admit(surgeon)
    diagnosis = diagnose(surgeon, admission)
    run(SURGERY_DAY)
    assert baselines(admission.patient)[0].state == "due"
    operate(surgeon, admission, diagnosis)  # recorded, not yet signed
    run(SURGERY_DAY + timedelta(days=1))
    [baseline] = baselines(admission.patient)
    assert (baseline.window_closes_on, baseline.state, baseline.series) == (SURGERY_DAY, "missed", None)


def test_a_reoperation_gets_the_baseline_of_its_own_stay(surgeon, run):  # noqa: F811
    first_stay = admit(surgeon)
    first = operate(surgeon, first_stay, diagnose(surgeon, first_stay), sign_on=SURGERY_DAY)
    later = SURGERY_DAY + timedelta(days=200)
    second_stay = admit(surgeon, first_stay.patient, day=later - timedelta(days=2))
    first_baseline, second_baseline = baselines(first_stay.patient)
    assert (second_baseline.admission, second_baseline.series) == (second_stay, None)
    assert first_baseline.series.operation == first
    diagnosis = first.diagnosis
    second = operate(
        surgeon, second_stay, diagnosis, day=later, sign_on=later, kind="revision", revision_of=first
    )
    old, new = FollowUpSeries.objects.get(operation=first), FollowUpSeries.objects.get(operation=second)
    assert old.close_reason == "reoperation"
    second_baseline.refresh_from_db()
    assert second_baseline.series == new and second_baseline.window_closes_on == later
    assert [fu.pk for fu in new.follow_ups.filter(is_baseline=True)] == [second_baseline.pk]
    assert first_baseline.series == old and old.follow_ups.filter(is_baseline=True).count() == 1


def test_no_baseline_for_a_patient_who_withdrew_contact_consent(surgeon):
    with time_machine.travel(at(ADMITTED - timedelta(days=10)), tick=False):
        patient = builders.make_patient(actor=surgeon)
        patient_services.record_consent(patient, ConsentKind.FOLLOW_UP_CONTACT, False, actor=surgeon)
    admission = admit(surgeon, patient)
    diagnose(surgeon, admission)
    assert baselines(patient) == []


def test_a_patient_never_asked_about_contact_still_gets_a_baseline_in_hospital(surgeon):
    with time_machine.travel(at(ADMITTED), tick=False):
        patient = builders.make_patient(actor=surgeon, contact_consent=False)
    diagnose(surgeon, admit(surgeon, patient))
    assert len(baselines(patient)) == 1


def test_withdrawal_cancels_the_open_baseline_and_signing_adds_no_second_one(surgeon, run):  # noqa: F811
    admission = admit(surgeon)
    diagnosis = diagnose(surgeon, admission)
    run(ADMITTED)
    with time_machine.travel(at(ADMITTED + timedelta(days=1)), tick=False):
        patient_services.record_consent(
            admission.patient, ConsentKind.FOLLOW_UP_CONTACT, False, actor=surgeon
        )
    operate(surgeon, admission, diagnosis, sign_on=SURGERY_DAY)
    [baseline] = baselines(admission.patient)
    assert (baseline.state, baseline.cancel_reason) == ("cancelled", "consent_withdrawn")
    assert baseline.series is not None


def test_baselines_are_never_messaged(surgeon, run):  # noqa: F811
    admission = admit(surgeon)
    diagnose(surgeon, admission)
    for offset in range(0, 3):
        run(ADMITTED + timedelta(days=offset))
    assert baselines(admission.patient)[0].state == "due"
    assert messaging.outbox == [] and not Message.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Baseline", "3 months", "12 months", "24 months", "odd"]),
        ("zh-hans", ["术前基线", "3个月", "12个月", "24个月", "odd"]),
    ],
)
def test_timepoint_labels_are_shown_translated_and_stored_unchanged(language, expected):
    with translation.override(language):
        assert [timepoint_label(label) for label in ["baseline", "3m", "12m", "24m", "odd"]] == expected


def test_worklist_shows_an_open_baseline_before_surgery_with_its_label(
    surgeon,
    coordinator,
    client_for,
    run,  # noqa: F811 (fixture)
):
    admission = admit(surgeon)
    diagnose(surgeon, admission)
    run(ADMITTED)
    with time_machine.travel(at(ADMITTED, 11), tick=False):
        page = client_for(coordinator).get(reverse("proms:followup_list"))
        [baseline] = baselines(admission.patient)
        detail = client_for(coordinator).get(reverse("proms:followup_detail", args=[baseline.public_id]))
    assert page.status_code == 200 and detail.status_code == 200
    assert "Baseline" in page.text and "before surgery" in page.text
    assert "Lumbar degenerative" in page.text
    assert "Follow-up Baseline" in detail.text and "Admitted" in detail.text
