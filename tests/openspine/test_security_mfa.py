"""TOTP second factor: enforced for staff, single-use codes, backup codes, audited enrolment (T-6, T-7)."""

import pyotp
import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from openspine.accounts import lockout
from openspine.accounts.models import AccountLock, ApiToken, BackupCode, TotpDevice
from openspine.audit.models import AuditEvent
from tests import builders

VERIFY = "/accounts/mfa/"
ENROL = "/accounts/mfa/enrol/"

pytestmark = pytest.mark.usefixtures("mfa_on")


@pytest.fixture
def mfa_on():
    with override_settings(MFA_REQUIRED=True):
        yield


def password_login(user) -> Client:
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": builders.PASSWORD}
        ).status_code
        == 302
    )
    return client


def with_device(user) -> str:
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.mark.req("T-6")
@pytest.mark.parametrize("url", ["/", "/patients/", "/accounts/sessions/", "/admin/", "/accounts/audit/"])
def test_staff_without_an_authenticator_reach_only_enrolment(surgeon, url):
    client = password_login(surgeon)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == ENROL
    assert client.get(ENROL).status_code == 200


@pytest.mark.req("T-6")
def test_staff_with_an_authenticator_must_verify_before_any_page(surgeon):
    secret = with_device(surgeon)
    client = password_login(surgeon)
    assert client.get("/patients/")["Location"] == VERIFY
    assert client.get(ENROL)["Location"] == VERIFY  # no way around the factor by re-enrolling
    assert client.post(VERIFY, {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/patients/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.mfa.verified", actor=surgeon).exists()


@pytest.mark.req("T-6")
def test_mfa_off_in_development_leaves_login_as_is(surgeon):
    with override_settings(MFA_REQUIRED=False):
        assert password_login(surgeon).get("/patients/").status_code == 200


@pytest.mark.req("T-7")
def test_a_code_cannot_be_used_twice(surgeon):
    secret = with_device(surgeon)
    with time_machine.travel(timezone.now(), tick=False):
        code = pyotp.TOTP(secret).now()
        first, second = password_login(surgeon), password_login(surgeon)
        assert first.post(VERIFY, {"code": code}).status_code == 302
        replay = second.post(VERIFY, {"code": code})
    assert replay.status_code == 200 and "code" in replay.context["form"].errors
    assert second.get("/patients/")["Location"] == VERIFY
    assert AccountLock.objects.get(key=f"user:{surgeon.pk}").failures == 1


@pytest.mark.req("T-7")
def test_wrong_codes_count_toward_lockout_and_end_the_session(surgeon):
    with_device(surgeon)
    client = password_login(surgeon)
    for _ in range(5):
        client.post(VERIFY, {"code": "123456"})
    assert lockout.is_locked(surgeon)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.mfa.failed", actor=surgeon).count() == 5


@pytest.mark.req("T-7")
def test_enrolment_needs_the_password_again_and_is_audited(surgeon):
    client = password_login(surgeon)
    page = client.get(ENROL)
    secret = page.context["secret"]
    code = pyotp.TOTP(secret).now()
    refused = client.post(ENROL, {"password": "not my password", "code": code})
    assert "password" in refused.context["form"].errors
    assert not TotpDevice.objects.filter(user=surgeon).exists()
    done = client.post(ENROL, {"password": builders.PASSWORD, "code": code})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert TotpDevice.objects.get(user=surgeon).secret == secret
    assert AuditEvent.objects.filter(action="accounts.mfa.enrolled", actor=surgeon).count() == 1
    stored = list(BackupCode.objects.filter(user=surgeon).values_list("code_hash", flat=True))
    assert not set(done.context["codes"]) & set(stored)  # only keyed hashes are stored
    assert client.get("/patients/").status_code == 200


@pytest.mark.req("T-7")
def test_backup_codes_work_once(surgeon):
    client = password_login(surgeon)
    secret = client.get(ENROL).context["secret"]
    codes = client.post(ENROL, {"password": builders.PASSWORD, "code": pyotp.TOTP(secret).now()}).context[
        "codes"
    ]
    other = password_login(surgeon)
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 302
    again = password_login(surgeon)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert BackupCode.objects.filter(user=surgeon, used_at__isnull=False).count() == 1


@pytest.mark.req("T-6")
def test_api_tokens_need_no_session_factor_but_an_authenticator(client, surgeon):
    # The token was issued with the second factor; each call need not repeat it, but while MFA is
    # required a user without an authenticator cannot use a token to bypass it.
    _token, raw = ApiToken.issue(surgeon, "script")
    assert client.get("/api/patients/", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    with_device(surgeon)
    assert client.get("/api/patients/", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


@pytest.mark.req("T-6")
@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("https://evil.example/phish", "/"), ("//evil.example", "/"), ("/patients/", "/patients/")],
)
def test_mfa_step_redirects_only_inside_the_site(surgeon, next_url, expected):
    secret = with_device(surgeon)
    client = password_login(surgeon)
    response = client.post(f"{VERIFY}?next={next_url}", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == expected
