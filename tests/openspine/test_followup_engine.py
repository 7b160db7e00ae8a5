"""Follow-up scheduling, windows, state transitions, cancellation and reoperation series."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.core import levels
from openspine.core.errors import DomainError
from openspine.proms import services
from openspine.proms.choices import CancelReason, FollowUpState
from openspine.proms.models import FollowUp, FollowUpSeries, Protocol, QuestionnaireLink
from openspine.proms.transitions import move
from openspine.surgery import services as surgery_services
from tests import builders

SHANGHAI = ZoneInfo("Asia/Shanghai")
SURGERY_DAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def at(day: date, hour: int = 10):
    """A time-machine destination: ``day`` at ``hour`` in the hospital's time zone."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def signed_operation(actor, patient=None, *, day=SURGERY_DAY, sign=True, **overrides):
    """Record and sign an operation on ``day`` (time travels to that evening), returning it."""
    with time_machine.travel(at(day, 18), tick=False):
        patient = patient or builders.make_patient(actor=actor)
        admission = builders.make_admission(
            patient,
            actor=actor,
            admitted_on=day - timedelta(days=2),
            discharged_on=None,
            discharge_destination="",
        )
        diagnosis_fields = overrides.pop("diagnosis_fields", {})
        diagnosis = builders.make_diagnosis(
            patient, actor=actor, diagnosed_on=day - timedelta(days=20), **diagnosis_fields
        )
        operation = builders.make_operation(
            patient, actor=actor, admission=admission, diagnosis=diagnosis, performed_on=day, **overrides
        )
        if sign:
            surgery_services.sign_operation(operation, actor=actor)
    return operation


def follow_up(operation, timepoint: str) -> FollowUp:
    return FollowUp.objects.get(operation=operation, timepoint=timepoint)


def test_signing_a_lumbar_fusion_schedules_baseline_and_three_follow_ups_in_their_windows(surgeon):
    operation = signed_operation(surgeon)
    rows = {fu.timepoint: fu for fu in FollowUp.objects.filter(operation=operation)}
    assert set(rows) == {"baseline", "3m", "12m", "24m"}
    assert all(fu.state == FollowUpState.SCHEDULED for fu in rows.values())
    baseline = rows["baseline"]
    assert (baseline.window_opens_on, baseline.window_closes_on) == (
        SURGERY_DAY - timedelta(days=2),
        SURGERY_DAY,
    )
    three = rows["3m"]
    assert three.due_on == SURGERY_DAY + timedelta(days=90)
    assert three.window_opens_on == SURGERY_DAY + timedelta(days=60)
    assert three.window_closes_on == SURGERY_DAY + timedelta(days=120)
    # 12 months = month 10-14 (proms.md §15), in mean Gregorian months.
    twelve = rows["12m"]
    assert (twelve.window_opens_on - SURGERY_DAY).days == 304
    assert (twelve.window_closes_on - SURGERY_DAY).days == 426
    assert three.instruments == ["odi", "nrs_back", "nrs_leg", "eq5d5l", "eq_vas", "nass"]
    assert "nass" not in baseline.instruments
    series = FollowUpSeries.objects.get(operation=operation)
    assert series.protocol_version.protocol.disease_area == "lumbar_degenerative"
    assert AuditEvent.objects.filter(
        action="proms.followupseries.created", object_id=str(series.public_id)
    ).exists()


def test_signing_twice_keeps_one_series(surgeon):
    operation = signed_operation(surgeon)
    services.schedule_follow_ups(operation, actor=surgeon)
    assert FollowUpSeries.objects.filter(operation=operation).count() == 1
    assert FollowUp.objects.filter(operation=operation).count() == 4


def test_an_unsigned_operation_schedules_nothing(surgeon):
    operation = signed_operation(surgeon, sign=False)
    assert not FollowUp.objects.filter(operation=operation).exists()


def test_cervical_myelopathy_protocol_adds_clinician_scores_and_general_set_resolves_by_region(surgeon):
    cervical = {"disease_area": "cervical_degenerative", "icd10": "M50.0", "level_from": 4, "level_to": 6}
    operation = signed_operation(
        surgeon,
        diagnosis_fields=cervical,
        level_from=levels.parse("C4"),
        level_to=levels.parse("C6"),
        approach="anterior",
        procedures=["fusion_acdf"],
        implants=[],
    )
    three = follow_up(operation, "3m")
    assert three.instruments == ["ndi", "nrs_neck", "nrs_arm", "eq5d5l", "eq_vas"]
    assert three.clinician_tasks == ["mjoa", "joa_cervical_1975", "nurick"]
    fracture = {"disease_area": "trauma", "icd10": "S22.0", "level_from": 13, "level_to": 13}
    operation = signed_operation(surgeon, diagnosis_fields=fracture, level_from=13, level_to=13)
    assert follow_up(operation, "3m").instruments == ["eq5d5l", "eq_vas", "nrs_back", "odi"]


def test_a_follow_up_keeps_the_protocol_version_it_was_scheduled_under(surgeon, admin):
    first = signed_operation(surgeon)
    protocol = Protocol.objects.get(disease_area="lumbar_degenerative", procedure_group="")
    timepoints = [
        {"label": "baseline", "is_baseline": True, "instruments": ["odi"]},
        {
            "label": "6m",
            "offset_days": 182,
            "window_start_days": 150,
            "window_end_days": 210,
            "instruments": ["odi"],
        },
    ]
    version = services.revise_protocol(protocol, timepoints, actor=admin, note="ODI only at 6 months")
    assert version.number == 2
    second = signed_operation(surgeon, day=SURGERY_DAY + timedelta(days=1))
    assert follow_up(first, "3m").protocol_version.number == 1
    assert set(FollowUp.objects.filter(operation=second).values_list("timepoint", flat=True)) == {
        "baseline",
        "6m",
    }


def test_revising_a_protocol_refuses_unknown_instruments_and_writes_nothing(admin, db):
    protocol = Protocol.objects.get(disease_area="deformity")
    with pytest.raises(DomainError, match="odx is not a known instrument"):
        services.revise_protocol(
            protocol, [{"label": "3m", "instruments": ["odx"]}], actor=admin, note="typo"
        )
    assert protocol.versions.count() == 1


def test_load_default_protocols_is_idempotent(db):
    before = Protocol.objects.count()
    assert services.load_default_protocols() == 0
    assert Protocol.objects.count() == before >= 10


@pytest.mark.parametrize(
    ("start", "to_state"),
    [
        (FollowUpState.SCHEDULED, FollowUpState.COMPLETED),
        (FollowUpState.SCHEDULED, FollowUpState.INVITED),
        (FollowUpState.COMPLETED, FollowUpState.DUE),
        (FollowUpState.CANCELLED, FollowUpState.DUE),
        (FollowUpState.MISSED, FollowUpState.DUE),
    ],
)
def test_illegal_transitions_are_refused_and_not_recorded(surgeon, start, to_state):
    fu = follow_up(signed_operation(surgeon), "3m")
    FollowUp.objects.filter(pk=fu.pk).update(state=start)
    fu.refresh_from_db()
    with pytest.raises(DomainError, match="cannot go from"):
        move(fu, to_state)
    fu.refresh_from_db()
    assert fu.state == start
    assert not fu.transitions.exists()


def test_every_transition_is_recorded_with_actor_and_reason(surgeon, coordinator):
    fu = follow_up(signed_operation(surgeon), "3m")
    move(fu, FollowUpState.DUE, reason="window opened")
    move(fu, FollowUpState.INVITED, actor=coordinator, reason="sent")
    rows = list(fu.transitions.values_list("from_state", "to_state", "actor__username", "reason"))
    assert rows == [("scheduled", "due", None, "window opened"), ("due", "invited", "coordinator", "sent")]
    fu.refresh_from_db()
    assert fu.state == "invited" and fu.invited_at is not None


def test_death_cancels_pending_follow_ups_and_revokes_links_but_keeps_completed(surgeon):
    operation = signed_operation(surgeon)
    three = follow_up(operation, "3m")
    services.issue_link(three)
    FollowUp.objects.filter(operation=operation, timepoint="baseline").update(state=FollowUpState.COMPLETED)
    count = services.cancel_follow_ups(operation.patient, reason=CancelReason.DECEASED, actor=surgeon)
    assert count == 3
    three.refresh_from_db()
    assert three.state == "cancelled" and three.cancel_reason == "deceased"
    assert follow_up(operation, "baseline").state == "completed"
    assert QuestionnaireLink.objects.get(follow_up=three).revoked_at is not None
    assert AuditEvent.objects.filter(
        action="proms.followup.cancelled", patient_id=str(operation.patient.public_id)
    ).exists()


def test_cancel_with_unknown_reason_names_the_allowed_values(surgeon):
    operation = signed_operation(surgeon)
    with pytest.raises(DomainError, match="deceased, consent_withdrawn"):
        services.cancel_follow_ups(operation.patient, reason="bored", actor=surgeon)
    assert not FollowUp.objects.filter(state="cancelled").exists()


def test_nothing_is_scheduled_for_a_patient_who_has_died(surgeon):
    with time_machine.travel(at(SURGERY_DAY, 18), tick=False):
        patient = builders.make_patient(actor=surgeon)
    operation = signed_operation(surgeon, patient, sign=False)
    type(patient).objects.filter(pk=patient.pk).update(deceased_on=SURGERY_DAY)
    operation.patient.refresh_from_db()
    assert services.schedule_follow_ups(operation, actor=surgeon) is None


def test_a_reoperation_closes_the_old_series_and_starts_a_new_one(surgeon):
    first = signed_operation(surgeon)
    revision = signed_operation(
        surgeon, first.patient, day=SURGERY_DAY + timedelta(days=40), kind="revision", revision_of=first
    )
    old = FollowUpSeries.objects.get(operation=first)
    assert (
        old.closed_at is not None
        and old.close_reason == "reoperation"
        and old.closed_by_operation == revision
    )
    assert set(FollowUp.objects.filter(operation=first).values_list("state", "cancel_reason")) == {
        ("cancelled", "reoperation")
    }
    assert FollowUp.objects.filter(operation=revision, state="scheduled").count() == 4
