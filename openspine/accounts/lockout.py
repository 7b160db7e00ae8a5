"""One failed-authentication counter per account, shared by every login path (security.md decision 1).

Every path that checks a secret calls :func:`register_failure` when the secret is wrong and
:func:`is_locked` before checking it: the web and admin login (through the authentication backend),
API tokens, the MFA step, the password-reset confirmation and the questionnaire identity check. Only
a *complete* sign-in calls :func:`reset`; a correct password alone does not, so the MFA step cannot
be brute-forced behind it (OpenEMR PR #14110).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openspine import audit
from openspine.accounts.models import AccountLock
from openspine.accounts.security_log import log_event
from openspine.core import throttle

PATHS = frozenset({"web", "admin", "api", "mfa", "reset", "questionnaire", "sign"})


def _key(user_or_key) -> str:
    if isinstance(user_or_key, str):
        return user_or_key
    return f"user:{user_or_key.pk}"


def _user(user_or_key):
    return None if isinstance(user_or_key, str) else user_or_key


def is_locked(user_or_key) -> bool:
    """Return True while the account is in its cool-off period."""
    locked_until = (
        AccountLock.objects.filter(key=_key(user_or_key)).values_list("locked_until", flat=True).first()
    )
    return locked_until is not None and locked_until > timezone.now()


def locked_keys() -> set[str]:
    """Return the keys of every account now in its cool-off period (for the staff page)."""
    return set(AccountLock.objects.filter(locked_until__gt=timezone.now()).values_list("key", flat=True))


@transaction.atomic
def register_failure(user_or_key, *, path: str) -> bool:
    """Count one failed attempt on ``path``; lock the account at the limit. Return True if now locked."""
    if path not in PATHS:
        raise ValueError(f"unknown authentication path {path!r}; allowed: {sorted(PATHS)}")
    now = timezone.now()
    lock, _created = AccountLock.objects.select_for_update().get_or_create(key=_key(user_or_key))
    if lock.locked_until is not None and lock.locked_until <= now:
        # The cool-off is over: the old failures no longer count.
        lock.failures, lock.locked_until = 0, None
    lock.failures += 1
    lock.last_failure_at, lock.last_path = now, path
    user = _user(user_or_key)
    audit.record(None, "accounts.login.failed", user, after={"path": path, "failures": lock.failures})
    log_event("accounts.login.failed", user=user, path=path, failures=lock.failures)
    newly_locked = lock.locked_until is None and lock.failures >= settings.LOCKOUT_FAILURE_LIMIT
    if newly_locked:
        lock.locked_until = now + timedelta(seconds=settings.LOCKOUT_COOLOFF_SECONDS)
        audit.record(None, "accounts.login.locked", user, after={"path": path, "until": lock.locked_until})
        log_event("accounts.login.locked", user=user, path=path)
    lock.save()
    return lock.locked_until is not None and lock.locked_until > now


def reset(user_or_key) -> None:
    """Clear the counter after a complete, successful sign-in."""
    AccountLock.objects.filter(key=_key(user_or_key)).delete()


# Per-address throttling is separate from the per-account counter (T-4): many failures from one
# address slow that address down without locking the accounts it guessed at. The counts are in the
# shared cache, per client address (behind a trusted proxy, the real client's).
IP_FAILURE_LIMIT = 20
IP_WINDOW_SECONDS = 10 * 60


def _address_key(address: str) -> str:
    return f"signin:addr:{address}"


def address_throttled(address: str) -> bool:
    """Return True while ``address`` has had too many failed sign-ins in the current window."""
    return throttle.blocked(_address_key(address), IP_FAILURE_LIMIT)


def register_address_failure(address: str) -> None:
    """Count one failed sign-in from ``address``; throttle the address at the limit (no audit event)."""
    if throttle.hit(_address_key(address), IP_FAILURE_LIMIT, IP_WINDOW_SECONDS) and (
        throttle.count(_address_key(address)) == IP_FAILURE_LIMIT
    ):
        log_event("accounts.login.ip_throttled", failures=IP_FAILURE_LIMIT)
