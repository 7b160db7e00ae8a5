"""MFA governs API tokens too; bearer failures are throttled on the shared cache (T-3, T-6, T-7; issue 9).

A bearer token must not be a way around the second factor: issuing one needs a TOTP code (or a
session that passed the MFA step), and while MFA is required a token of a user who has no
authenticator is refused with a clear answer.
"""

import json
import logging

import pyotp
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from openspine.accounts import lockout
from openspine.accounts.api import TOKEN_FAILURE_LIMIT, TOKEN_FAILURE_WINDOW_SECONDS
from openspine.accounts.models import AccountLock, ApiToken, TotpDevice
from openspine.audit.models import AuditEvent
from tests import builders

ISSUE = "/api/accounts/tokens"
PATIENTS = "/api/patients/"
LIMIT = settings.LOCKOUT_FAILURE_LIMIT
mfa_required = override_settings(MFA_REQUIRED=True)


def with_device(user) -> str:
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return secret


def grant(client, user, *, password=builders.PASSWORD, code=None, **extra):
    body = {"username": user.username, "password": password, "name": "nightly export"}
    if code is not None:
        body["code"] = code
    return client.post(ISSUE, json.dumps(body), content_type="application/json", **extra)


def bearer(client, raw, **extra):
    return client.get(PATIENTS, headers={"Authorization": f"Bearer {raw}"}, **extra)


def failures(user) -> int:
    lock = AccountLock.objects.filter(key=f"user:{user.pk}", address="127.0.0.1").first()
    return lock.failures if lock else 0


# --- using a token ------------------------------------------------------------------------------


@pytest.mark.req("T-6")
@mfa_required
def test_a_token_of_a_user_without_an_authenticator_is_refused_while_mfa_is_required(client, surgeon):
    _token, raw = ApiToken.issue(surgeon, "old script")
    response = bearer(client, raw)
    assert response.status_code == 401
    assert "authenticator" in response.json()["detail"] or "身份验证器" in response.json()["detail"]
    with_device(surgeon)
    assert bearer(client, raw).status_code == 200


@pytest.mark.req("T-6")
def test_without_mfa_required_a_token_of_a_user_without_an_authenticator_works(client, surgeon):
    _token, raw = ApiToken.issue(surgeon, "script")
    assert bearer(client, raw).status_code == 200


# --- issuing a token through the API (password grant) --------------------------------------------


@pytest.mark.req("T-3", "T-7")
def test_issuing_a_token_needs_the_totp_code_of_a_user_with_an_authenticator(client, surgeon):
    secret = with_device(surgeon)
    assert grant(client, surgeon).status_code == 401
    wrong = grant(client, surgeon, code="000000")
    assert wrong.status_code == 401 and "token" not in wrong.json()
    assert failures(surgeon) == 1  # the wrong code counts on the shared lockout
    assert not ApiToken.objects.filter(user=surgeon).exists()
    issued = grant(client, surgeon, code=pyotp.TOTP(secret).now())
    assert issued.status_code == 201
    raw = issued.json()["token"]
    assert bearer(client, raw).status_code == 200
    assert failures(surgeon) == 0  # a complete sign-in clears this address's counter
    event = AuditEvent.objects.get(action="accounts.api_token.issued")
    assert event.actor == surgeon and event.after["mfa"] == "code"


@pytest.mark.req("T-3", "T-7")
def test_wrong_codes_at_token_issue_lock_the_account_on_every_path(client, surgeon):
    secret = with_device(surgeon)
    for _ in range(LIMIT):
        assert grant(client, surgeon, code="000000").status_code == 401
    assert lockout.is_locked(surgeon, address="127.0.0.1")
    assert AuditEvent.objects.filter(action="accounts.mfa.failed", actor=surgeon).count() == LIMIT
    assert grant(client, surgeon, code=pyotp.TOTP(secret).now()).status_code == 401
    web_login = client.post("/accounts/login/", {"username": "surgeon", "password": builders.PASSWORD})
    assert web_login.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.req("T-4")
def test_wrong_password_wrong_code_and_unknown_user_answer_the_same(client, surgeon, resident):
    with_device(surgeon)
    wrong_code = grant(client, surgeon, code="000000")
    wrong_password = grant(client, resident, password="wrong password 1")
    unknown = client.post(
        ISSUE,
        json.dumps({"username": "nobody-here", "password": "x", "name": "n"}),
        content_type="application/json",
    )
    assert wrong_code.status_code == wrong_password.status_code == unknown.status_code == 401
    assert wrong_code.json() == wrong_password.json() == unknown.json()


@pytest.mark.req("T-6")
@mfa_required
def test_while_mfa_is_required_a_user_without_an_authenticator_gets_no_token(client, surgeon):
    response = grant(client, surgeon, code="123456")
    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=surgeon).exists()


def test_without_mfa_the_password_alone_issues_a_token(client, surgeon):
    issued = grant(client, surgeon)
    assert issued.status_code == 201 and issued.json()["name"] == "nightly export"
    assert bearer(client, issued.json()["token"]).status_code == 200
    assert AuditEvent.objects.get(action="accounts.api_token.issued").after["mfa"] == "none"


def test_a_role_without_api_use_gets_no_token(client, researcher):
    assert grant(client, researcher).status_code == 403
    assert not ApiToken.objects.filter(user=researcher).exists()


# --- issuing a token on the page ---------------------------------------------------------------------


def verified(client, user):
    client.force_login(user)
    session = client.session
    session["mfa_verified"] = True
    session.save()
    return client


@pytest.mark.req("T-6")
@mfa_required
def test_the_page_issues_a_token_in_an_mfa_verified_session_and_shows_it_once(client, surgeon):
    with_device(surgeon)
    page = verified(client, surgeon).post(reverse("accounts:token_list"), {"name": "ward laptop"})
    assert page.status_code == 200
    raw = page.context["raw_token"]
    assert raw and raw in page.content.decode()
    assert bearer(Client(), raw).status_code == 200
    again = client.get(reverse("accounts:token_list"))
    assert raw not in again.content.decode() and "ward laptop" in again.content.decode()
    assert AuditEvent.objects.get(action="accounts.api_token.issued").after["mfa"] == "session"


@pytest.mark.req("T-6", "T-7")
def test_the_page_asks_for_a_code_when_the_session_did_not_pass_the_second_factor(client, surgeon):
    secret = with_device(surgeon)  # MFA is optional here, but this user has an authenticator
    client.force_login(surgeon)
    refused = client.post(reverse("accounts:token_list"), {"name": "ward laptop", "code": "000000"})
    assert refused.status_code == 200 and "code" in refused.context["form"].errors
    assert not ApiToken.objects.filter(user=surgeon).exists() and failures(surgeon) == 1
    right = {"name": "ward laptop", "code": pyotp.TOTP(secret).now()}
    issued = client.post(reverse("accounts:token_list"), right)
    assert issued.context["raw_token"]


def test_a_token_can_be_revoked_by_its_owner_only(client, surgeon, resident):
    token, raw = ApiToken.issue(surgeon, "script")
    client.force_login(resident)
    assert client.post(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 404
    client.force_login(surgeon)
    assert client.post(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(Client(), raw).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.api_token.revoked", actor=surgeon).count() == 1


# --- throttling bearer failures --------------------------------------------------------------------


@pytest.mark.req("T-4")
def test_bearer_failures_are_throttled_per_address(client, surgeon, caplog):
    _token, raw = ApiToken.issue(surgeon, "script")
    for n in range(TOKEN_FAILURE_LIMIT):
        assert bearer(client, f"guess-{n}", REMOTE_ADDR="203.0.113.9").status_code == 401
    caplog.set_level(logging.INFO, logger="openspine.security")
    throttled = bearer(client, raw, REMOTE_ADDR="203.0.113.9")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= TOKEN_FAILURE_WINDOW_SECONDS
    assert throttled.json()["detail"]
    assert "accounts.token.throttled" in caplog.text
    assert bearer(client, raw, REMOTE_ADDR="198.51.100.7").status_code == 200


@pytest.mark.req("T-4")
def test_a_failing_token_is_throttled_from_every_address(client, surgeon):
    token, raw = ApiToken.issue(surgeon, "leaked and revoked")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    for n in range(TOKEN_FAILURE_LIMIT):
        bearer(client, raw, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert bearer(client, raw, REMOTE_ADDR="198.51.100.200").status_code == 429
    _token, good = ApiToken.issue(surgeon, "script")
    assert bearer(client, good, REMOTE_ADDR="198.51.100.200").status_code == 200
