"""The demo follow-up history: plausible, open follow-ups this week, idempotent."""

import random
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.proms.demo import answers_for, seed_follow_up_history
from openspine.proms.models import FollowUp, Message, QuestionnaireResponse
from tests import builders
from tests.openspine.test_followup_engine import at, signed_operation

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def operations(surgeon, coordinator):
    rng = random.Random(7)
    days = [TODAY - timedelta(days=rng.randint(3, 800)) for _ in range(24)]
    days += [TODAY - timedelta(days=90 + offset) for offset in range(-3, 4)]  # 3-month due this week
    with time_machine.travel(at(TODAY - timedelta(days=900)), tick=False):
        patients = [
            builders.make_patient(actor=surgeon, contact_consent=i % 6 != 0) for i in range(len(days))
        ]
    return [signed_operation(surgeon, patient, day=day) for patient, day in zip(patients, days, strict=True)]


def test_seeded_history_is_plausible_and_leaves_the_worklist_alive(operations):
    with time_machine.travel(at(TODAY), tick=False):
        total = seed_follow_up_history(random.Random(1), operations, today=TODAY)
    assert total == FollowUp.objects.count() == 4 * len(operations)
    counts = AuditEvent.objects.get(action="proms.history.seeded").after
    assert counts["follow_ups"] > 40 and counts["responses"] > 100 and counts["messages"] > 20
    states = {fu.state for fu in FollowUp.objects.all()}
    assert {"completed", "missed", "scheduled"} <= states
    assert (
        FollowUp.objects.open()
        .filter(due_on__range=(TODAY - timedelta(days=3), TODAY + timedelta(days=3)))
        .exists()
    )
    assert (
        QuestionnaireResponse.objects.filter(mode="phone").exists()
        or QuestionnaireResponse.objects.filter(mode="clinic").exists()
    )
    baseline = [
        r.value
        for r in QuestionnaireResponse.objects.filter(instrument="odi", follow_up__timepoint="baseline")
    ]
    later = [
        r.value for r in QuestionnaireResponse.objects.filter(instrument="odi", follow_up__timepoint="12m")
    ]
    assert 35 <= sum(baseline) / len(baseline) <= 55
    if later:
        assert sum(later) / len(later) < sum(baseline) / len(baseline) - 10
    # Nobody who answered was reminded afterwards.
    for fu in FollowUp.objects.filter(state="completed", completion_mode="self"):
        assert not Message.objects.filter(follow_up=fu, sent_at__gt=fu.completed_at).exists()


def test_seeding_twice_changes_nothing(operations):
    with time_machine.travel(at(TODAY), tick=False):
        seed_follow_up_history(random.Random(1), operations, today=TODAY)
        responses = QuestionnaireResponse.objects.count()
        seed_follow_up_history(random.Random(1), operations, today=TODAY)
    assert QuestionnaireResponse.objects.count() == responses
    last = AuditEvent.objects.filter(action="proms.history.seeded").order_by("-pk").first().after
    assert last == {"follow_ups": 0, "responses": 0, "messages": 0, "phone_tasks": 0}


def test_answers_are_drawn_around_the_severity():
    rng = random.Random(3)
    from spinescores import score

    mild = [score("odi", answers_for(rng, "odi", 0.1)).value for _ in range(50)]
    severe = [score("odi", answers_for(rng, "odi", 0.7)).value for _ in range(50)]
    assert sum(mild) / 50 < 25 < 50 < sum(severe) / 50
