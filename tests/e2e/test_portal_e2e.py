"""A patient answers the 3-month questionnaire on a phone, in Chinese, and sees their recovery."""

import re

import pytest
from django.conf import settings
from django.test import Client

import spinescores
from openspine.proms import services as proms_services
from openspine.proms.choices import FollowUpState
from openspine.proms.models import QuestionnaireResponse
from openspine.proms.transitions import move
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = "/tmp/openspine-portal-e2e"  # noqa: S108 (development screenshots, nothing secret)


def _follow_up_with_link(surgeon):
    patient = builders.make_patient(actor=surgeon, preferred_language="zh-hans")
    operation = builders.make_operation(patient, actor=surgeon)
    series = proms_services.schedule_follow_ups(operation, actor=surgeon)
    baseline = series.follow_ups.get(timepoint="baseline")
    move(baseline, FollowUpState.DUE)
    odi = dict.fromkeys(spinescores.get("odi").INSTRUMENT.item_ids, 3)
    proms_services.record_response(baseline, "odi", odi, mode="clinic", language="zh-hans", actor=surgeon)
    proms_services.record_response(
        baseline, "nrs_back", {"pain": 7}, mode="clinic", language="zh-hans", actor=surgeon
    )
    follow_up = series.follow_ups.get(timepoint="3m")
    move(follow_up, FollowUpState.DUE)
    return patient, baseline, follow_up, proms_services.issue_link(follow_up)


def _log_in(page, live_server, user):
    """Give the browser a staff session (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _answer_current_screen(page, screen):
    if page.locator("input[type=number]").count():
        page.fill("input[type=number]", "75")
    elif page.locator(".p-tile").count():
        page.locator(".p-tile").nth(2).click()  # pain 2 of 10
    else:
        page.locator(".p-choice").nth(1 if screen % 2 else 0).click()
    page.locator("form.p-question button[type=submit]").click()


def test_patient_answers_on_a_phone_in_chinese_and_sees_the_recovery_chart(live_server, phone, department):
    surgeon = builders.make_user(role="surgeon", username="e2e_surgeon", department=department)
    coordinator = builders.make_user(role="coordinator", username="e2e_coordinator", department=department)
    patient, baseline, follow_up, token = _follow_up_with_link(surgeon)
    page = phone

    page.goto(f"{live_server.url}/q/{token}/")
    assert token not in page.url and page.url.endswith("/q/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("input[name=birth_year]", str(patient.birth_date.year))
    page.fill("input[name=phone_last4]", patient.phone[-4:])
    page.screenshot(path=f"{SCREENSHOTS}-1-identity.png", full_page=True)
    page.locator("form.p-form button[type=submit]").click()

    counter = page.locator(".p-count").inner_text()
    total = int(counter.split("/")[1])
    assert counter.replace(" ", "") == f"1/{total}"
    for screen in range(1, total + 1):
        assert re.search(rf"/q/step/{screen}/$", page.url), page.url
        if screen == 11:  # the back-pain scale
            page.screenshot(path=f"{SCREENSHOTS}-2-pain.png", full_page=True)
        _answer_current_screen(page, screen)

    assert page.url.endswith("/q/review/")
    page.locator("form.p-send button[type=submit]").click()
    assert page.url.endswith("/q/thanks/")
    assert page.locator("svg polyline").count() >= 2  # ODI and back pain over time
    assert "谢谢" in page.locator("h1").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}-3-thanks.png", full_page=True)
    assert patient.name not in page.content()

    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.COMPLETED and follow_up.completion_mode == "self"
    answered = set(
        QuestionnaireResponse.objects.filter(follow_up=follow_up).values_list("instrument", flat=True)
    )
    assert {"odi", "nrs_back", "nrs_leg", "eq5d5l"} <= answered == set(follow_up.instruments)
    assert QuestionnaireResponse.objects.get(follow_up=follow_up, instrument="odi").language == "zh-hans"

    # The coordinator's worklist no longer lists it among the open follow-ups; its page says completed.
    _log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/followup/")
    assert page.locator(f"#fu-{baseline.public_id}").count() == 1
    assert page.locator(f"#fu-{follow_up.public_id}").count() == 0
    page.goto(f"{live_server.url}/followup/{follow_up.public_id}/")
    assert page.locator("h1 .state-completed").count() == 1
    page.screenshot(path=f"{SCREENSHOTS}-4-coordinator.png", full_page=True)
