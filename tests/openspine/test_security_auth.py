"""Authentication: hashing, the shared lockout counter, enumeration, resets, expiry (security.md A)."""

import json
import logging
import re
from datetime import timedelta
from unittest import mock

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from openspine.accounts import lockout, services
from openspine.accounts.models import AccountLock, ApiToken, TotpDevice, User, UserSession
from openspine.audit.models import AuditEvent
from tests import builders

PASSWORD = builders.PASSWORD
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = settings.LOCKOUT_FAILURE_LIMIT
HERE = "127.0.0.1"  # the test client's REMOTE_ADDR: the lockout counts per (account, client address)
ELSEWHERE = "198.51.100.7"


def login(client, username, password, url=LOGIN):
    return client.post(url, {"username": username, "password": password})


def api_get(client, raw_token):
    return client.get("/api/patients/", headers={"Authorization": f"Bearer {raw_token}"})


def reset_url(user, token=None):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/password/reset/{uid}/{token or default_token_generator.make_token(user)}/"


def enrol_totp(user) -> str:
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return secret


def fail_once(path, client, user):
    """Make one failed attempt for ``user`` on the named login path."""
    if path == "web":
        login(client, user.username, "wrong password 1")
    elif path == "admin":
        login(client, user.username, "wrong password 1", url=ADMIN_LOGIN)
    elif path == "api":
        token, raw = ApiToken.issue(user, "revoked")
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        assert api_get(client, raw).status_code == 401
    elif path == "mfa":
        client.force_login(user)
        client.post("/accounts/mfa/", {"code": "000000"})
    elif path == "questionnaire":
        # The portal's identity check calls the same function (T-31).
        lockout.register_failure(user, path="questionnaire", address=HERE)


@pytest.mark.req("T-1")
@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_passwords_are_stored_with_argon2id_and_pbkdf2_is_upgraded_on_login(client, department):
    new = builders.make_user(role="surgeon", username="newbie", department=department)
    assert new.password.startswith("argon2$argon2id$")
    legacy = builders.make_user(role="surgeon", username="legacy", department=department)
    User.objects.filter(pk=legacy.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert login(client, "legacy", PASSWORD).status_code == 302
    legacy.refresh_from_db()
    assert legacy.password.startswith("argon2$argon2id$")


@pytest.mark.req("T-2")
def test_five_failures_lock_the_account_for_the_cool_off_then_login_works(client, surgeon):
    for _ in range(LIMIT):
        assert login(client, "surgeon", "wrong password 1").status_code == 200
    refused = login(client, "surgeon", PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert (
        AuditEvent.objects.filter(action="accounts.login.failed", object_id=str(surgeon.pk)).count() == LIMIT
    )
    assert AuditEvent.objects.filter(action="accounts.login.locked", object_id=str(surgeon.pk)).count() == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.LOCKOUT_COOLOFF_SECONDS + 1)):
        assert login(client, "surgeon", PASSWORD).status_code == 302
    assert not AccountLock.objects.filter(key=f"user:{surgeon.pk}", address=HERE).exists()
    assert AuditEvent.objects.filter(action="accounts.login.succeeded", actor=surgeon).exists()


@pytest.mark.req("T-2")
def test_a_success_resets_the_counter(client, surgeon):
    for _ in range(LIMIT - 1):
        login(client, "surgeon", "wrong password 1")
    assert login(client, "surgeon", PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        login(client, "surgeon", "wrong password 1")
    assert not lockout.is_locked(surgeon)


@pytest.mark.req("T-3")
@pytest.mark.parametrize("path", ["web", "admin", "api", "mfa", "questionnaire"])
@override_settings(MFA_REQUIRED=True)
def test_failures_on_any_path_lock_the_account_on_every_path(client, surgeon, path):
    enrol_totp(surgeon)
    for _ in range(LIMIT):
        fail_once(path, client, surgeon)
    assert lockout.is_locked(surgeon, address=HERE)
    assert not lockout.is_locked(surgeon, address=ELSEWHERE)  # 5 failures lock it from this client only
    client.logout()
    # Refused on every path now, even with the right secret.
    assert login(client, "surgeon", PASSWORD).status_code == 200
    assert login(client, "surgeon", PASSWORD, url=ADMIN_LOGIN).status_code == 200
    _token, raw = ApiToken.issue(surgeon, "valid")
    assert api_get(client, raw).status_code == 401
    response = client.get(reset_url(surgeon), follow=True)
    assert b"no longer valid" in response.content or response.context["validlink"] is False
    assert lockout.is_locked("questionnaire-key") is False


@pytest.mark.req("T-3")
@override_settings(MFA_REQUIRED=True)
def test_failures_on_different_paths_add_up_to_one_counter(client, surgeon):
    enrol_totp(surgeon)
    for path in ["web", "admin", "api", "mfa", "questionnaire"][:LIMIT]:
        assert not lockout.is_locked(surgeon, address=HERE)
        fail_once(path, client, surgeon)
    assert lockout.is_locked(surgeon, address=HERE)
    assert AccountLock.objects.get(key=f"user:{surgeon.pk}", address=HERE).failures == LIMIT


@pytest.mark.req("T-3", "T-7")
@override_settings(MFA_REQUIRED=True)
def test_correct_password_does_not_reset_the_counter_before_the_mfa_step(client, surgeon):
    enrol_totp(surgeon)
    for _ in range(LIMIT - 2):
        login(client, "surgeon", "wrong password 1")
    assert login(client, "surgeon", PASSWORD).status_code == 302
    assert AccountLock.objects.get(key=f"user:{surgeon.pk}").failures == LIMIT - 2
    client.post("/accounts/mfa/", {"code": "000000"})
    client.post("/accounts/mfa/", {"code": "000001"})
    assert lockout.is_locked(surgeon, address=HERE)
    assert "_auth_user_id" not in client.session  # the half-signed-in session ended


@pytest.mark.req("T-3")
def test_a_valid_api_token_of_a_locked_account_is_refused(client, surgeon):
    _token, raw = ApiToken.issue(surgeon, "script")
    assert api_get(client, raw).status_code == 200
    for _ in range(LIMIT):
        lockout.register_failure(surgeon, path="web", address=HERE)
    assert api_get(client, raw).status_code == 401


def _normalised(response, username):
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return body.replace(username, "USERNAME")


@pytest.mark.req("T-4")
def test_locked_unknown_and_wrong_password_look_the_same(client, surgeon, resident):
    for _ in range(LIMIT):
        lockout.register_failure(resident, path="web", address=HERE)
    wrong = login(client, "surgeon", "wrong password 1")
    unknown = login(client, "nobody-here", "wrong password 1")
    locked = login(client, "resident", PASSWORD)
    assert wrong.status_code == unknown.status_code == locked.status_code == 200
    assert (
        _normalised(wrong, "surgeon")
        == _normalised(unknown, "nobody-here")
        == _normalised(locked, "resident")
    )


@pytest.mark.req("T-4")
def test_unknown_user_still_pays_for_a_password_hash(client, surgeon):
    with mock.patch.object(User, "set_password", autospec=True) as hashing:
        login(client, "nobody-here", "wrong password 1")
    assert hashing.call_count == 1
    assert not AccountLock.objects.filter(key__startswith="user:").exists()  # no account to count against


@pytest.mark.req("T-5")
def test_reset_request_answers_the_same_for_known_and_unknown_addresses(client, surgeon):
    User.objects.filter(pk=surgeon.pk).update(email="surgeon@example.org")
    known = client.post("/accounts/password/reset/", {"email": "surgeon@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["surgeon@example.org"]


@pytest.mark.req("T-10")
def test_reset_link_is_single_use_and_expires_after_one_hour(client, surgeon):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    new_password = "Kestrel-Harbour-7781"
    url = reset_url(surgeon)
    set_url = client.get(url)["Location"]
    response = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    surgeon.refresh_from_db()
    assert surgeon.check_password(new_password)
    assert AuditEvent.objects.filter(action="accounts.password.reset", actor=surgeon).exists()
    replay = client.get(url, follow=True)
    assert replay.context["validlink"] is False
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        late = reset_url(surgeon)
        traveller.shift(3599)
        assert client.get(late, follow=True).context["validlink"] is True
        traveller.shift(2)
        assert client.get(late, follow=True).context["validlink"] is False


@pytest.mark.req("T-10", "T-6")
@override_settings(MFA_REQUIRED=True)
def test_after_a_reset_the_next_login_still_needs_the_second_factor(client, surgeon):
    enrol_totp(surgeon)
    new_password = "Kestrel-Harbour-7781"
    set_url = client.get(reset_url(surgeon))["Location"]
    client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert login(client, "surgeon", new_password).status_code == 302
    assert client.get("/patients/")["Location"] == "/accounts/mfa/"


@pytest.mark.req("T-11")
def test_no_accounts_exist_after_migrate(db):
    assert User.objects.count() == 0


@pytest.mark.req("T-12")
def test_expired_account_cannot_log_in_and_loses_its_session(client, surgeon):
    client.force_login(surgeon)
    key = client.session.session_key
    User.objects.filter(pk=surgeon.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/patients/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert login(client, "surgeon", PASSWORD).status_code == 200


@pytest.mark.req("T-12")
def test_disabling_an_account_ends_every_session_at_once(client, surgeon, secadmin):
    client.force_login(surgeon)
    key = client.session.session_key
    services.set_user_active(surgeon, False, actor=secadmin, reason="left the hospital")
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=surgeon).exists()
    response = client.get("/patients/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.get(action="accounts.user.disabled").reason == "left the hospital"


@pytest.mark.req("T-12")
def test_an_account_unused_for_90_days_cannot_log_in_until_re_enabled(client, surgeon, secadmin):
    assert settings.OPENSPINE_DORMANT_DAYS == 90
    long_ago = timezone.now() - timedelta(days=91)
    User.objects.filter(pk=surgeon.pk).update(last_login=long_ago, date_joined=long_ago)
    assert login(client, "surgeon", PASSWORD).status_code == 200
    surgeon.refresh_from_db()
    services.set_user_active(surgeon, True, actor=secadmin, reason="back from leave")
    assert login(client, "surgeon", PASSWORD).status_code == 302


@pytest.mark.req("T-4")
def test_many_failures_from_one_address_throttle_it_without_locking_accounts(client, surgeon):
    for n in range(lockout.IP_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="203.0.113.9")
    throttled = client.post(LOGIN, {"username": "surgeon", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert throttled.status_code == 200 and "_auth_user_id" not in client.session
    assert not lockout.is_locked(surgeon, address="203.0.113.9")
    other = client.post(LOGIN, {"username": "surgeon", "password": PASSWORD}, REMOTE_ADDR=ELSEWHERE)
    assert other.status_code == 302


# --- issue 9: nobody can lock a staff account from afar -------------------------------------------


@pytest.mark.req("T-3", "T-4")
def test_invalid_reset_links_do_not_count_against_the_account(client, surgeon):
    for _ in range(LIMIT * 2):
        response = client.get(reset_url(surgeon, token="x"), follow=True)
        assert response.context["validlink"] is False
    assert not AccountLock.objects.filter(key=f"user:{surgeon.pk}").exists()
    assert not lockout.is_locked(surgeon)
    assert login(client, "surgeon", PASSWORD).status_code == 302


@pytest.mark.req("T-4")
def test_invalid_reset_links_are_throttled_per_address(client, surgeon):
    for _ in range(lockout.IP_FAILURE_LIMIT):
        client.get(reset_url(surgeon, token="x"), REMOTE_ADDR="203.0.113.9")
    # From that address even a genuine link is refused for the window; elsewhere it works.
    throttled = client.get(reset_url(surgeon), REMOTE_ADDR="203.0.113.9", follow=True)
    assert throttled.context["validlink"] is False
    genuine = client.get(reset_url(surgeon), REMOTE_ADDR=ELSEWHERE, follow=True)
    assert genuine.context["validlink"] is True
    assert not lockout.is_locked(surgeon)


@pytest.mark.req("T-2", "T-4")
def test_failures_from_one_address_lock_the_account_only_from_that_address(client, surgeon):
    for _ in range(LIMIT):
        client.post(LOGIN, {"username": "surgeon", "password": "wrong password 1"}, REMOTE_ADDR="203.0.113.9")
    refused = client.post(LOGIN, {"username": "surgeon", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert lockout.is_locked(surgeon, address="203.0.113.9")
    assert not lockout.is_locked(surgeon, address=ELSEWHERE)
    elsewhere = client.post(LOGIN, {"username": "surgeon", "password": PASSWORD}, REMOTE_ADDR=ELSEWHERE)
    assert elsewhere.status_code == 302


def _fail_from_many_addresses(client, user, count, network="203.0.113"):
    """Make ``count`` failed sign-ins, fewer than the per-address limit from each address."""
    per_address = LIMIT - 1
    for n in range(count):
        address = f"{network}.{n // per_address + 1}"
        client.post(LOGIN, {"username": user.username, "password": "wrong password 1"}, REMOTE_ADDR=address)


@pytest.mark.req("T-3", "T-64")
def test_the_account_wide_limit_locks_everywhere_and_is_reported(client, surgeon, secadmin, caplog):
    wide = settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT
    assert wide >= 10 * LIMIT
    caplog.set_level(logging.INFO, logger="openspine.security")
    _fail_from_many_addresses(client, surgeon, wide - 1)
    assert not lockout.is_locked(surgeon, address=ELSEWHERE)
    _fail_from_many_addresses(client, surgeon, 1)
    assert lockout.is_locked(surgeon, address=ELSEWHERE)
    refused = client.post(LOGIN, {"username": "surgeon", "password": PASSWORD}, REMOTE_ADDR=ELSEWHERE)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    # Reported to the security administrator: an audit event, a security event and the staff page.
    addresses = -(-(wide - 1) // (LIMIT - 1))
    event = AuditEvent.objects.get(action="accounts.login.locked_everywhere")
    assert event.object_id == str(surgeon.pk)
    assert event.after["failures"] == wide and event.after["addresses"] == addresses
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "openspine.security"]
    alarm = [e for e in logged if e["event"] == "accounts.login.locked_everywhere"]
    assert len(alarm) == 1 and alarm[0]["user_id"] == surgeon.pk and alarm[0]["failures"] == wide
    page = client_for_secadmin(client, secadmin).get(reverse("accounts:staff_list"))
    assert [(a.user, a.failures, a.addresses) for a in page.context["under_attack"]] == [
        (surgeon, wide, addresses)
    ]
    body = page.content.decode()
    assert "under attack" in body or "遭受攻击" in body


def client_for_secadmin(client, secadmin):
    client.force_login(secadmin)
    return client


@pytest.mark.req("T-3")
def test_the_account_wide_count_ends_with_its_window_and_unlock_clears_it(client, surgeon, secadmin):
    wide = settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT
    _fail_from_many_addresses(client, surgeon, wide - 1)
    later = timezone.now() + timedelta(seconds=settings.LOCKOUT_ACCOUNT_WINDOW_SECONDS + 1)
    with time_machine.travel(later):
        _fail_from_many_addresses(client, surgeon, 1)
        assert not lockout.is_locked(surgeon, address=ELSEWHERE)
        _fail_from_many_addresses(client, surgeon, wide - 1, network="192.0.2")
        assert lockout.is_locked(surgeon, address=ELSEWHERE)
        services.unlock_user(surgeon, actor=secadmin, reason="attack blocked at the firewall")
        assert not lockout.is_locked(surgeon, address=ELSEWHERE)
        assert not lockout.is_locked(surgeon, address="203.0.113.1")


@pytest.mark.req("T-2")
def test_a_success_clears_only_the_counter_of_its_own_address(client, surgeon):
    for _ in range(LIMIT - 1):
        client.post(LOGIN, {"username": "surgeon", "password": "wrong password 1"}, REMOTE_ADDR="203.0.113.9")
    assert client.post(LOGIN, {"username": "surgeon", "password": PASSWORD}).status_code == 302
    assert AccountLock.objects.get(key=f"user:{surgeon.pk}", address="203.0.113.9").failures == LIMIT - 1
    assert not AccountLock.objects.filter(key=f"user:{surgeon.pk}", address=HERE).exists()
