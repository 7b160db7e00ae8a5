"""The questionnaire link: token exchange, the neutral 410 page, brute force, headers (T-26..T-30)."""

import json
import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openspine.audit.models import AuditEvent
from openspine.portal import throttle
from openspine.portal.session import SESSION_KEY
from openspine.proms import services as proms_services
from openspine.proms.choices import CancelReason
from openspine.proms.models import QuestionnaireLink
from tests.openspine.test_portal_support import answer_all, open_follow_up, post, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _open(client, token):
    return client.get(reverse("portal:link_open", args=[token]))


@pytest.mark.req("T-30")
def test_token_is_traded_for_a_session_and_dropped_from_the_url(client, patient, surgeon):
    follow_up, token = open_follow_up(patient, actor=surgeon)
    client.get(reverse("core:health"))
    before = client.session.session_key
    response = _open(client, token)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert token not in response["Location"]
    session = client.session
    assert session[SESSION_KEY]["link"] == follow_up.links.get().pk
    assert token not in json.dumps(dict(session))
    assert session.session_key != before
    assert AuditEvent.objects.filter(action="portal.link.opened").exists()


@pytest.mark.req("T-30")
def test_portal_pages_forbid_referrer_and_cache_and_third_party_origins(client, patient, surgeon):
    _, token = open_follow_up(patient, actor=surgeon)
    for response in (_open(client, token), client.get(reverse("portal:home")), _open(client, "x" * 43)):
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
        csp = response["Content-Security-Policy"]
        assert "http" not in csp and "*" not in csp and "'unsafe-inline'" not in csp
        assert "script-src 'self'" in csp


def _gone_bodies(client, patient, surgeon, django_user_model):
    bodies = {}
    _, expired = open_follow_up(patient, actor=surgeon)
    QuestionnaireLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    bodies["expired"] = _open(client, expired)

    other = builders_patient(surgeon)
    follow_up, used = open_follow_up(other, actor=surgeon)
    patient_phone = Client()
    verified_client(patient_phone, other, used)
    answer_all(patient_phone, follow_up)
    post(patient_phone, reverse("portal:review"))
    bodies["used"] = _open(client, used)

    third = builders_patient(surgeon)
    _, revoked = open_follow_up(third, actor=surgeon)
    proms_services.cancel_follow_ups(third, reason=CancelReason.CONSENT_WITHDRAWN, actor=surgeon)
    bodies["revoked"] = _open(client, revoked)
    bodies["unknown"] = _open(client, "A" * 43)
    return bodies


def builders_patient(surgeon):
    from tests import builders

    return builders.make_patient(actor=surgeon)


@pytest.mark.req("T-28")
def test_expired_used_revoked_and_unknown_links_get_the_same_410_bytes(
    client, patient, surgeon, django_user_model
):
    bodies = _gone_bodies(client, patient, surgeon, django_user_model)
    assert {name: r.status_code for name, r in bodies.items()} == dict.fromkeys(bodies, 410)
    contents = {r.content for r in bodies.values()}
    assert len(contents) == 1
    page = contents.pop().decode()
    assert patient.name not in page and patient.mrn not in page and patient.phone not in page
    assert "csrfmiddlewaretoken" not in page
    assert AuditEvent.objects.filter(action="portal.link.refused").count() == 4


@pytest.mark.req("T-26")
def test_raw_token_never_reaches_the_log_or_the_audit_trail(client, patient, surgeon, caplog):
    _, token = open_follow_up(patient, actor=surgeon)
    with caplog.at_level(logging.DEBUG):
        _open(client, token)
        _open(client, token[:-1] + "x")
    assert token not in caplog.text and token[:-1] not in caplog.text
    for event in AuditEvent.objects.all():
        assert token[:20] not in json.dumps([event.before, event.after, event.reason, event.object_id])


@pytest.mark.req("T-29")
def test_more_than_20_invalid_tokens_from_one_ip_get_429_and_a_security_event(
    client, patient, surgeon, caplog
):
    _, token = open_follow_up(patient, actor=surgeon)
    for n in range(throttle.INVALID_TOKEN_LIMIT):
        assert _open(client, f"guess{n:038d}").status_code == 410
    with caplog.at_level(logging.WARNING, logger="openspine.security"):
        blocked = _open(client, "guess-one-too-many-000000000000000000000000")
        blocked_valid = _open(client, token)
    assert blocked.status_code == 429 and blocked_valid.status_code == 429
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "openspine.security"]
    assert [e["event"] for e in events[-2:]] == ["portal.token.throttled"] * 2
    assert events[-1]["request_id"] and events[-1]["ip"] == "127.0.0.1"


@pytest.mark.req("T-29")
def test_another_ip_is_not_throttled(client, patient, surgeon):
    _, token = open_follow_up(patient, actor=surgeon)
    for n in range(throttle.INVALID_TOKEN_LIMIT):
        _open(client, f"guess{n:038d}")
    response = client.get(reverse("portal:link_open", args=[token]), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def test_portal_without_a_session_shows_the_neutral_page(client):
    assert client.get(reverse("portal:home")).status_code == 410
    assert client.get(reverse("portal:question", args=[1])).status_code == 410
    assert client.get(reverse("portal:thanks")).status_code == 410


@pytest.mark.req("T-28")
def test_the_neutral_page_does_not_depend_on_language_or_an_earlier_session(client, patient, surgeon):
    from django.test import Client

    english_browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    english_browser.cookies["django_language"] = "en"
    _, token = open_follow_up(patient, actor=surgeon)
    verified_client(client, patient, token)  # this browser now holds a portal session
    assert (
        client.get(reverse("portal:link_open", args=["B" * 43])).content
        == english_browser.get(reverse("portal:link_open", args=["C" * 43])).content
    )
