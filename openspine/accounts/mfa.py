"""TOTP second factor for staff (T-6, T-7): codes are single-use, failures count toward lockout."""

import secrets

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from openspine import audit
from openspine.accounts import lockout
from openspine.accounts.models import BackupCode, TotpDevice
from openspine.accounts.security_log import log_event
from openspine.core.errors import DomainError

SESSION_VERIFIED = "mfa_verified"
SESSION_PENDING_SECRET = "mfa_pending_secret"  # noqa: S105 (a session key name)
BACKUP_CODE_COUNT = 10
STEP_SECONDS = 30


def required() -> bool:
    """Return True when every staff session must pass the second factor (production default)."""
    return bool(getattr(settings, "MFA_REQUIRED", False))


def has_device(user) -> bool:
    """Return True when ``user`` has a confirmed authenticator (a device exists only once confirmed)."""
    return TotpDevice.objects.filter(user=user).exists()


def governs(user) -> bool:
    """Return True when the second factor applies to ``user``: it is required, or they set one up."""
    return required() or has_device(user)


def is_verified(request) -> bool:
    return bool(request.session.get(SESSION_VERIFIED))


class SecondFactorRefused(DomainError):
    """The second factor was needed and is missing or wrong; the caller decides how much to say."""


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="OpenSpine")


def matching_step(secret: str, code: str, *, after_step: int = 0) -> int | None:
    """Return the time step of ``code`` (now or one step either side) if it is later than ``after_step``."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(timezone.now().timestamp()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > after_step and constant_time_compare(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _backup_hash(code: str) -> str:
    return salted_hmac("openspine.accounts.backup-code", code.strip().lower().replace("-", "")).hexdigest()


@transaction.atomic
def enrol(user, secret: str, code: str) -> list[str] | None:
    """Confirm a new authenticator with a first code; return fresh backup codes, or None if wrong.

    The caller has already checked the password again (T-7). Replacing a device voids old codes.
    """
    step = matching_step(secret, code)
    if step is None:
        lockout.register_failure(user, path="mfa")
        return None
    TotpDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": step}
    )
    BackupCode.objects.filter(user=user).delete()
    codes = [secrets.token_hex(5) for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(BackupCode(user=user, code_hash=_backup_hash(c)) for c in codes)
    audit.record(user, "accounts.mfa.enrolled", user)
    log_event("accounts.mfa.enrolled", user=user)
    return codes


@transaction.atomic
def verify(user, code: str) -> bool:
    """Check a TOTP or backup code once; a wrong code counts toward the account's lockout."""
    if lockout.is_locked(user):
        return False
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None:
        step = matching_step(device.secret, code, after_step=device.last_used_step)
        if step is not None:
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    backup = BackupCode.objects.filter(
        user=user, used_at__isnull=True, code_hash=_backup_hash(code or "")
    ).first()
    if backup is not None:
        backup.used_at = timezone.now()
        backup.save(update_fields=["used_at"])
        audit.record(user, "accounts.mfa.backup_code_used", user)
        return True
    audit.record(user, "accounts.mfa.failed", user)
    log_event("accounts.mfa.failed", user=user)
    lockout.register_failure(user, path="mfa")
    return False
