"""Sign-off re-authentication with the second factor (T-42) and tamper detection of signed records (T-43)."""

import hashlib
import json
from io import StringIO

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from openspine.accounts import lockout, mfa
from openspine.accounts.models import AccountLock, ApiToken, TotpDevice
from openspine.audit.models import AuditEvent
from openspine.surgery import services
from openspine.surgery.models import Operation, Signature
from tests import builders


@pytest.fixture
def operation(patient, surgeon):
    return builders.make_operation(patient, actor=surgeon)


@pytest.fixture
def secret(surgeon):
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=surgeon, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.fixture
def verified_client(client_for, surgeon):
    """A session that has already passed the MFA step: signing must still ask for a code."""
    client = client_for(surgeon)
    session = client.session
    session["mfa_verified"] = True
    session.save()
    return client


@pytest.fixture
def api(client):
    def call(user, path, payload):
        _token, raw = ApiToken.issue(user, "t")
        return client.post(
            f"/api/surgery{path}",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return call


def _sign_url(operation):
    return reverse("surgery:operation_sign", args=[operation.public_id])


def _failures(user) -> int:
    lock = AccountLock.objects.filter(key=f"user:{user.pk}").first()
    return lock.failures if lock else 0


def _assert_unsigned(operation, reason):
    operation.refresh_from_db()
    assert operation.status == "draft" and not operation.signatures.exists()
    event = AuditEvent.objects.filter(action="surgery.operation.sign_failed").latest("pk")
    assert event.after["reason"] == reason and event.object_id == str(operation.public_id)


# T-42: the page --------------------------------------------------------------------------------------


@pytest.mark.req("T-42")
def test_sign_page_asks_for_code_only_when_the_signer_has_mfa(client_for, surgeon, operation):
    page = client_for(surgeon).get(_sign_url(operation)).content.decode()
    assert 'name="password"' in page and 'name="code"' not in page
    TotpDevice.objects.create(user=surgeon, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    page = client_for(surgeon).get(_sign_url(operation)).content.decode()
    assert 'name="password"' in page and 'name="code"' in page and 'autocomplete="one-time-code"' in page


@pytest.mark.req("T-42")
@override_settings(MFA_REQUIRED=True)
def test_page_signs_with_password_and_current_code_inside_verified_session(
    verified_client, surgeon, operation, secret
):
    response = verified_client.post(
        _sign_url(operation), {"password": builders.PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.status == "signed"
    assert operation.signatures.get().signer == surgeon
    assert AuditEvent.objects.filter(action="surgery.operation.signed", actor=surgeon).exists()


@pytest.mark.req("T-42")
@override_settings(MFA_REQUIRED=True)
def test_page_refuses_password_alone_inside_verified_session(verified_client, surgeon, operation, secret):
    response = verified_client.post(_sign_url(operation), {"password": builders.PASSWORD})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    operation.refresh_from_db()
    assert operation.status == "draft" and not operation.signatures.exists()


@pytest.mark.req("T-42")
def test_page_refuses_wrong_code_audits_and_counts_toward_lockout(
    verified_client, surgeon, operation, secret
):
    response = verified_client.post(_sign_url(operation), {"password": builders.PASSWORD, "code": "000000"})
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    _assert_unsigned(operation, "code")
    lock = AccountLock.objects.get(key=f"user:{surgeon.pk}")
    assert lock.failures == 1 and lock.last_path == "sign"


@pytest.mark.req("T-42")
def test_page_wrong_password_counts_toward_lockout(verified_client, surgeon, operation, secret):
    response = verified_client.post(
        _sign_url(operation), {"password": "wrong", "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 400 and "password" in response.context["form"].errors
    _assert_unsigned(operation, "password")
    assert _failures(surgeon) == 1


@pytest.mark.req("T-42")
def test_page_refuses_a_code_already_used(verified_client, surgeon, patient, operation, secret):
    code = pyotp.TOTP(secret).now()
    first = verified_client.post(_sign_url(operation), {"password": builders.PASSWORD, "code": code})
    assert first.status_code == 302
    second_operation = builders.make_operation(patient, actor=surgeon)
    again = verified_client.post(_sign_url(second_operation), {"password": builders.PASSWORD, "code": code})
    assert again.status_code == 400 and "code" in again.context["form"].errors
    _assert_unsigned(second_operation, "code")
    assert _failures(surgeon) == 1


@pytest.mark.req("T-42")
def test_code_used_to_sign_in_cannot_sign(verified_client, surgeon, operation, secret):
    code = pyotp.TOTP(secret).now()
    assert mfa.verify(surgeon, code)  # the MFA step of the sign-in used this code
    response = verified_client.post(_sign_url(operation), {"password": builders.PASSWORD, "code": code})
    assert response.status_code == 400
    _assert_unsigned(operation, "code")


@pytest.mark.req("T-42")
@pytest.mark.req("T-3")
def test_wrong_codes_lock_the_account_on_every_path(
    settings, verified_client, client, surgeon, operation, secret
):
    for _ in range(settings.LOCKOUT_FAILURE_LIMIT):
        verified_client.post(_sign_url(operation), {"password": builders.PASSWORD, "code": "000000"})
    assert lockout.is_locked(surgeon)
    assert AuditEvent.objects.filter(action="accounts.login.locked", after__path="sign").exists()
    # Locked: even the right password and code do not sign, and the code is not spent.
    response = verified_client.post(
        _sign_url(operation), {"password": builders.PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 400
    _assert_unsigned(operation, "locked")
    assert TotpDevice.objects.get(user=surgeon).last_used_step == 0
    # The same counter refuses the web login.
    client.logout()
    login = client.post("/accounts/login/", {"username": surgeon.username, "password": builders.PASSWORD})
    assert login.status_code != 302 and "_auth_user_id" not in client.session


@pytest.mark.req("T-42")
def test_without_mfa_password_alone_still_signs(client_for, surgeon, operation, settings):
    settings.MFA_REQUIRED = False
    response = client_for(surgeon).post(_sign_url(operation), {"password": builders.PASSWORD})
    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.status == "signed"


# T-42: the API ---------------------------------------------------------------------------------------


@pytest.mark.req("T-42")
def test_api_signs_with_password_and_code(api, surgeon, operation, secret):
    path = f"/operations/{operation.public_id}/sign"
    response = api(surgeon, path, {"password": builders.PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response.json()["signer_name"] == str(surgeon)
    operation.refresh_from_db()
    assert operation.status == "signed"


@pytest.mark.req("T-42")
def test_api_refuses_missing_wrong_and_reused_code(api, surgeon, patient, operation, secret):
    path = f"/operations/{operation.public_id}/sign"
    missing = api(surgeon, path, {"password": builders.PASSWORD})
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "code"
    _assert_unsigned(operation, "code")
    wrong = api(surgeon, path, {"password": builders.PASSWORD, "code": "123456"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "code"
    assert _failures(surgeon) == 2
    code = pyotp.TOTP(secret).now()
    assert api(surgeon, path, {"password": builders.PASSWORD, "code": code}).status_code == 200
    other = builders.make_operation(patient, actor=surgeon)
    reused = api(
        surgeon, f"/operations/{other.public_id}/sign", {"password": builders.PASSWORD, "code": code}
    )
    assert reused.status_code == 422 and reused.json()["detail"][0]["field"] == "code"
    _assert_unsigned(other, "code")
    assert _failures(surgeon) == 3


@pytest.mark.req("T-42")
@override_settings(MFA_REQUIRED=True)
def test_api_refuses_signing_without_authenticator_when_mfa_required(api, surgeon, operation):
    # Since issue 9 the bearer token itself is refused: it would otherwise bypass the second factor.
    path = f"/operations/{operation.public_id}/sign"
    response = api(surgeon, path, {"password": builders.PASSWORD, "code": "123456"})
    assert response.status_code == 401 and "身份验证器" in response.json()["detail"]
    operation.refresh_from_db()
    assert operation.status == "draft" and not operation.signatures.exists()


@pytest.mark.req("T-42")
def test_api_without_mfa_password_alone_still_signs(api, surgeon, operation, settings):
    settings.MFA_REQUIRED = False
    response = api(surgeon, f"/operations/{operation.public_id}/sign", {"password": builders.PASSWORD})
    assert response.status_code == 200
    operation.refresh_from_db()
    assert operation.status == "signed"


# T-43: tamper detection ------------------------------------------------------------------------------


def _run_verify():
    out = StringIO()
    try:
        call_command("verify_signatures", stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@pytest.mark.req("T-43")
def test_verify_signatures_reports_a_record_changed_by_sql(surgeon, patient, operation):
    services.sign_operation(operation, actor=surgeon)
    untouched = builders.make_operation(patient, actor=surgeon)
    services.sign_operation(untouched, actor=surgeon)
    output, error = _run_verify()
    assert error is None and str(operation.public_id) not in output

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Operation._meta.db_table} SET blood_loss_ml = %s WHERE id = %s",  # noqa: S608
            [5000, operation.pk],
        )

    output, error = _run_verify()
    assert error is not None
    assert str(operation.public_id) in output and str(untouched.public_id) not in output
    event = AuditEvent.objects.get(action="surgery.operation.tamper_detected")
    assert event.object_id == str(operation.public_id)


@pytest.mark.req("T-43")
def test_verify_signatures_ignores_amended_records(surgeon, operation):
    services.sign_operation(operation, actor=surgeon)
    services.update_operation(
        operation,
        actor=surgeon,
        expected_version=operation.version,
        reason="Blood loss corrected",
        blood_loss_ml=300,
    )
    output, error = _run_verify()
    assert error is None and str(operation.public_id) not in output


def _plain_sha256(operation) -> str:
    """What anyone who can read the code can recompute: SHA-256 of the record's canonical JSON."""
    text = json.dumps(
        services.record_content(operation), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.req("T-43")
def test_verify_signatures_catches_an_sql_edit_with_a_recomputed_hash(surgeon, patient, operation):
    signature = services.sign_operation(operation, actor=surgeon)
    untouched = builders.make_operation(patient, actor=surgeon)
    services.sign_operation(untouched, actor=surgeon)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Operation._meta.db_table} SET blood_loss_ml = %s WHERE id = %s",  # noqa: S608
            [5000, operation.pk],
        )
        cursor.execute(
            f"UPDATE {Signature._meta.db_table} SET content_hash = %s WHERE id = %s",  # noqa: S608
            [_plain_sha256(operation), signature.pk],
        )
    output, error = _run_verify()
    assert error is not None
    assert str(operation.public_id) in output and str(untouched.public_id) not in output


@pytest.mark.req("T-43")
def test_a_seal_copied_from_another_signature_does_not_verify(surgeon, patient, operation):
    """The keyed seal binds the operation, signer, meaning and time, so it cannot be moved."""
    signature = services.sign_operation(operation, actor=surgeon)
    twin = builders.make_operation(patient, actor=surgeon)
    other = services.sign_operation(twin, actor=surgeon)
    assert services.verify_signature(other) and services.verify_signature(signature)
    copied = {name: getattr(signature, name) for name in ("content_hash", "key_id", "mac")}
    Signature.objects.filter(pk=other.pk).update(**copied, signed_at=signature.signed_at)
    other.refresh_from_db()
    assert not services.verify_signature(other)


@pytest.mark.req("T-43")
def test_verify_signatures_catches_a_signature_voided_by_sql_to_hide_an_edit(surgeon, operation):
    signature = services.sign_operation(operation, actor=surgeon)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Operation._meta.db_table} SET blood_loss_ml = %s WHERE id = %s",  # noqa: S608
            [5000, operation.pk],
        )
    Signature.objects.filter(pk=signature.pk).update(invalidated_at=timezone.now())
    output, error = _run_verify()
    assert error is not None and str(operation.public_id) in output
