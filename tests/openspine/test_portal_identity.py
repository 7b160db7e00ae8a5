"""The identity check before anything personal is shown, and its lock-out (T-31)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from openspine.accounts.models import AccountLock
from openspine.audit.models import AuditEvent
from openspine.proms.models import QuestionnaireLink
from tests.openspine.test_portal_support import identity, open_follow_up, portal_session, post

pytestmark = [pytest.mark.django_db, pytest.mark.req("T-31")]


def _start(client, patient, surgeon):
    follow_up, token = open_follow_up(patient, actor=surgeon)
    client.get(reverse("portal:link_open", args=[token]))
    return follow_up


def _key(patient):
    return f"questionnaire:patient:{patient.public_id}"


def _wrong(patient):
    return {"birth_year": str(patient.birth_date.year + 1), "phone_last4": patient.phone[-4:]}


def test_identity_form_asks_birth_year_and_phone_digits_and_shows_nothing_personal(client, patient, surgeon):
    _start(client, patient, surgeon)
    response = client.get(reverse("portal:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="birth_year"' in page and 'name="phone_last4"' in page
    for secret in (patient.name, patient.mrn, patient.phone, patient.national_id, patient.phone[-4:], "1965"):
        assert secret not in page


def test_correct_answers_open_the_questionnaire_and_spend_the_link(client, patient, surgeon):
    follow_up = _start(client, patient, surgeon)
    key_before = client.session.session_key
    response = post(client, reverse("portal:home"), identity(patient))
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("portal:question", args=[1])
    assert portal_session(client)["verified"] is True
    assert client.session.session_key != key_before
    link = QuestionnaireLink.objects.get(follow_up=follow_up)
    follow_up.refresh_from_db()
    assert link.used_at is not None and follow_up.state == "opened"
    assert AuditEvent.objects.filter(action="portal.identity.verified").count() == 1


def test_wrong_answers_are_refused_with_one_message_and_counted(client, patient, surgeon):
    _start(client, patient, surgeon)
    response = post(client, reverse("portal:home"), _wrong(patient))
    assert response.status_code == 200
    assert "do not match" in response.content.decode() or "不一致" in response.content.decode()
    assert portal_session(client)["verified"] is False
    assert AccountLock.objects.get(key=_key(patient)).failures == 1
    failed = AuditEvent.objects.get(action="accounts.login.failed")
    assert failed.after == {"path": "questionnaire", "failures": 1}
    assert client.get(reverse("portal:question", args=[1]))["Location"] == reverse("portal:home")


def test_malformed_answers_are_not_counted_as_guesses(client, patient, surgeon):
    _start(client, patient, surgeon)
    response = post(client, reverse("portal:home"), {"birth_year": "19x5", "phone_last4": "12"})
    assert response.status_code == 200
    assert not AccountLock.objects.filter(key=_key(patient)).exists()


def test_five_wrong_answers_lock_the_link_for_the_cooloff_even_for_right_answers(client, patient, surgeon):
    follow_up = _start(client, patient, surgeon)
    for _ in range(settings.LOCKOUT_FAILURE_LIMIT - 1):
        assert post(client, reverse("portal:home"), _wrong(patient)).status_code == 200
    locked = post(client, reverse("portal:home"), _wrong(patient))
    assert locked.status_code == 429
    cooloff_seconds = settings.LOCKOUT_COOLOFF_SECONDS
    assert cooloff_seconds - 60 < int(locked["Retry-After"]) <= cooloff_seconds
    lock = AccountLock.objects.get(key=_key(patient))
    cooloff = timedelta(seconds=settings.LOCKOUT_COOLOFF_SECONDS)
    assert lock.locked_until > timezone.now() + cooloff - timedelta(minutes=1)
    assert post(client, reverse("portal:home"), identity(patient)).status_code == 429
    assert portal_session(client)["verified"] is False
    assert AuditEvent.objects.filter(action="accounts.login.locked").count() == 1
    assert QuestionnaireLink.objects.get(follow_up=follow_up).used_at is None

    with time_machine.travel(timezone.now() + cooloff + timedelta(seconds=1)):
        assert post(client, reverse("portal:home"), identity(patient)).status_code == 302
    assert portal_session(client)["verified"] is True


def test_a_new_session_on_the_same_link_shares_the_lock(client, patient, surgeon):
    follow_up, token = open_follow_up(patient, actor=surgeon)
    for _ in range(settings.LOCKOUT_FAILURE_LIMIT):
        client.get(reverse("portal:link_open", args=[token]))
        post(client, reverse("portal:home"), _wrong(patient))
    client.cookies.clear()
    client.get(reverse("portal:link_open", args=[token]))
    assert post(client, reverse("portal:home"), identity(patient)).status_code == 429


@pytest.mark.req("T-59")
def test_posts_without_the_session_token_or_from_another_site_are_refused(client, patient, surgeon):
    follow_up = _start(client, patient, surgeon)
    no_token = client.post(reverse("portal:home"), identity(patient))
    wrong_token = client.post(reverse("portal:home"), {**identity(patient), "portal_token": "x" * 43})
    cross_site = post(client, reverse("portal:home"), identity(patient), HTTP_SEC_FETCH_SITE="cross-site")
    assert [r.status_code for r in (no_token, wrong_token, cross_site)] == [403, 403, 403]
    assert portal_session(client)["verified"] is False
    assert QuestionnaireLink.objects.get(follow_up=follow_up).used_at is None
    assert post(client, reverse("portal:home"), identity(patient)).status_code == 302


@pytest.mark.req("T-3")
def test_a_correct_answer_clears_the_shared_counter(client, patient, surgeon):
    _start(client, patient, surgeon)
    post(client, reverse("portal:home"), _wrong(patient))
    assert post(client, reverse("portal:home"), identity(patient)).status_code == 302
    assert not AccountLock.objects.filter(key=_key(patient)).exists()


def test_another_link_of_the_same_patient_is_locked_too(client, patient, surgeon):
    _start(client, patient, surgeon)
    for _ in range(settings.LOCKOUT_FAILURE_LIMIT):
        post(client, reverse("portal:home"), _wrong(patient))
    from openspine.proms import services as proms_services

    follow_up = patient.follow_ups.get(timepoint="3m")
    client.cookies.clear()
    client.get(reverse("portal:link_open", args=[proms_services.issue_link(follow_up)]))
    assert post(client, reverse("portal:home"), identity(patient)).status_code == 429
