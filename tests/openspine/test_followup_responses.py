"""Answers: scored with spinescores, raw answers kept, one response per instrument, completion."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.core.errors import DomainError
from openspine.proms import instruments, services
from openspine.proms.models import QuestionnaireResponse
from openspine.proms.transitions import move
from tests.openspine.test_followup_engine import SURGERY_DAY, at, follow_up, signed_operation


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def in_the_3_month_window():
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=61)), tick=False):
        yield


def open_follow_up(surgeon, timepoint="3m"):
    fu = follow_up(signed_operation(surgeon), timepoint)
    move(fu, "due")
    return fu


ODI_40 = {item: 2 for item in instruments.spinescores.get("odi").INSTRUMENT.item_ids}
EQ5D = {"mobility": 2, "self_care": 1, "usual_activities": 2, "pain_discomfort": 3, "anxiety_depression": 1}


def test_a_response_stores_raw_answers_version_value_set_and_score(surgeon):
    fu = open_follow_up(surgeon)
    odi = services.record_response(fu, "odi", ODI_40, mode="self", language="zh-hans")
    eq = services.record_response(fu, "eq5d5l", EQ5D, mode="self", language="zh-hans")
    odi.refresh_from_db()
    assert (odi.value, odi.instrument_version, odi.answers["lifting"]) == (40.0, "odi@2.1a", 2)
    assert odi.result["interpretation"] == "moderate"
    assert eq.value_set == "cn" and eq.instrument_version.startswith("eq5d5l@cn")
    assert AuditEvent.objects.filter(action="proms.questionnaireresponse.created").count() == 2


def test_double_submission_creates_one_response(surgeon):
    fu = open_follow_up(surgeon)
    first = services.record_response(fu, "odi", ODI_40, mode="self", language="zh-hans")
    again = services.record_response(fu, "odi", {**ODI_40, "lifting": 5}, mode="self", language="zh-hans")
    assert again.pk == first.pk and again.answers["lifting"] == 2
    assert QuestionnaireResponse.objects.count() == 1


def test_the_last_instrument_completes_the_follow_up_with_the_mode(surgeon, coordinator):
    fu = open_follow_up(surgeon)
    answers = {"odi": ODI_40, "eq5d5l": EQ5D, "eq_vas": {"vas": 70}, "nass": {"satisfaction": 2}}
    for code in fu.instruments:
        data = answers.get(code) or {"pain": 4}
        services.record_response(fu, code, data, mode="phone", language="en", actor=coordinator)
    fu.refresh_from_db()
    assert fu.state == "completed" and fu.completion_mode == "phone" and fu.completed_at
    assert fu.transitions.last().actor == coordinator
    assert QuestionnaireResponse.objects.filter(entered_by=coordinator).count() == len(fu.instruments)


def test_answers_the_scorer_refuses_are_rejected_naming_the_item(surgeon):
    fu = open_follow_up(surgeon)
    with pytest.raises(DomainError, match="lifting"):
        services.record_response(fu, "odi", {**ODI_40, "lifting": 9}, mode="self", language="zh-hans")
    assert not QuestionnaireResponse.objects.exists()


def test_an_instrument_not_in_the_follow_up_is_refused(surgeon):
    fu = open_follow_up(surgeon)
    with pytest.raises(DomainError, match="ndi is not asked"):
        services.record_response(fu, "ndi", {}, mode="self", language="zh-hans")


def test_bad_mode_and_language_name_the_allowed_values(surgeon):
    fu = open_follow_up(surgeon)
    with pytest.raises(DomainError, match="self, phone, clinic"):
        services.record_response(fu, "odi", ODI_40, mode="fax", language="zh-hans")
    with pytest.raises(DomainError, match="zh-hans, en"):
        services.record_response(fu, "odi", ODI_40, mode="self", language="fr")


def test_a_scheduled_or_cancelled_follow_up_takes_no_answers(surgeon):
    fu = follow_up(signed_operation(surgeon), "12m")
    with pytest.raises(DomainError, match="takes no answers"):
        services.record_response(fu, "odi", ODI_40, mode="self", language="zh-hans")


def test_staff_may_enter_a_late_paper_questionnaire_for_a_missed_follow_up(surgeon, coordinator):
    fu = open_follow_up(surgeon)
    move(fu, "missed")
    with pytest.raises(DomainError):
        services.record_response(fu, "odi", ODI_40, mode="self", language="zh-hans")
    services.record_response(fu, "odi", ODI_40, mode="clinic", language="zh-hans", actor=coordinator)
    assert fu.responses.count() == 1


def test_recovery_series_lists_scores_per_instrument_oldest_first(surgeon):
    operation = signed_operation(surgeon)
    baseline = follow_up(operation, "baseline")
    move(baseline, "due")
    services.record_response(
        baseline, "odi", {k: 3 for k in ODI_40}, mode="clinic", language="zh-hans", actor=surgeon
    )
    three = follow_up(operation, "3m")
    move(three, "due")
    services.record_response(three, "odi", ODI_40, mode="self", language="zh-hans")
    series = services.recovery_series(operation.patient)
    assert [(label, value) for label, _day, value in series["odi"]] == [("baseline", 60.0), ("3m", 40.0)]


def test_parse_answers_types_values_and_names_bad_items():
    assert instruments.parse_answers("odi", {"lifting": "2", "sex_life": "na", "walking": ""}) == {
        "lifting": 2,
        "sex_life": "na",
    }
    assert instruments.parse_answers("eq_vas", {"vas": "70"}) == {"vas": 70}
    with pytest.raises(DomainError, match="vas: 170"):
        instruments.parse_answers("eq_vas", {"vas": "170"})
    with pytest.raises(DomainError, match="lifting: x"):
        instruments.parse_answers("odi", {"lifting": "x"})
