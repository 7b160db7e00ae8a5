"""One failed-authentication counter per account, shared by every login path (security.md decision 1).

Every path that checks a secret calls :func:`register_failure` when the secret is wrong and
:func:`is_locked` before checking it: the web and admin login (through the authentication backend),
API tokens, the MFA step, the questionnaire identity check and signing. Only a *complete* sign-in
calls :func:`reset`; a correct password alone does not, so the MFA step cannot be brute-forced
behind it (OpenEMR PR #14110). An invalid password-reset link is not a guess at the account's
secret and does not count here (only on the address throttle below).

The counter is kept per (account, client address) so that nobody can lock a colleague out from
afar: ``LOCKOUT_FAILURE_LIMIT`` failures lock the account *from that address* for the cool-off.
Failures from all addresses together also count in a window; ``LOCKOUT_ACCOUNT_FAILURE_LIMIT`` of
them (far more than one client can make) lock the account everywhere and are reported to the
security administrator (audit event, security event, the staff page). A success clears only its own
address's counter: the attacker is elsewhere.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openspine import audit
from openspine.accounts.models import AccountLock, AccountWideLock, User
from openspine.accounts.security_log import log_event
from openspine.core import context, throttle

PATHS = frozenset({"web", "admin", "api", "mfa", "reset", "questionnaire", "sign"})
STAFF_PREFIX = "user:"


def _key(user_or_key) -> str:
    if isinstance(user_or_key, str):
        return user_or_key
    return f"{STAFF_PREFIX}{user_or_key.pk}"


def _user(user_or_key):
    return None if isinstance(user_or_key, str) else user_or_key


def _address(address: str | None) -> str:
    return (context.current().ip if address is None else address)[:45]  # the column's width


def is_locked(user_or_key, *, address: str | None = None) -> bool:
    """Return True while the account is locked everywhere, or from ``address`` (default: this client).

    Outside a request there is no client address, and any lock of the account counts.
    """
    key, now = _key(user_or_key), timezone.now()
    if AccountWideLock.objects.filter(key=key, locked_until__gt=now).exists():
        return True
    locks = AccountLock.objects.filter(key=key, locked_until__gt=now)
    address = _address(address)
    return (locks.filter(address=address) if address else locks).exists()


def seconds_locked(user_or_key, *, address: str | None = None) -> int:
    """Return how many seconds the lock of :func:`is_locked` still lasts (0 when not locked)."""
    key, now = _key(user_or_key), timezone.now()
    address = _address(address)
    locks = AccountLock.objects.filter(key=key, locked_until__gt=now)
    ends = [
        *AccountWideLock.objects.filter(key=key, locked_until__gt=now).values_list("locked_until", flat=True),
        *(locks.filter(address=address) if address else locks).values_list("locked_until", flat=True),
    ]
    return max((math.ceil((end - now).total_seconds()) for end in ends), default=0)


def locked_keys() -> set[str]:
    """Return the keys of every account now locked from some address or everywhere (for the staff page)."""
    now = timezone.now()
    return set(AccountLock.objects.filter(locked_until__gt=now).values_list("key", flat=True)) | set(
        AccountWideLock.objects.filter(locked_until__gt=now).values_list("key", flat=True)
    )


@transaction.atomic
def register_failure(user_or_key, *, path: str, address: str | None = None) -> bool:
    """Count one failed attempt on ``path`` from ``address`` (default: this client); return True if locked."""
    if path not in PATHS:
        raise ValueError(f"unknown authentication path {path!r}; allowed: {sorted(PATHS)}")
    key, address, user = _key(user_or_key), _address(address), _user(user_or_key)
    _count_from_address(key, address, user, path)
    _count_account_wide(key, user, path)
    return is_locked(user_or_key, address=address)


def _count_from_address(key: str, address: str, user, path: str) -> None:
    now = timezone.now()
    lock, _created = AccountLock.objects.select_for_update().get_or_create(key=key, address=address)
    if lock.locked_until is not None and lock.locked_until <= now:
        # The cool-off is over: the old failures no longer count.
        lock.failures, lock.locked_until = 0, None
    lock.failures += 1
    lock.last_failure_at, lock.last_path = now, path
    audit.record(None, "accounts.login.failed", user, after={"path": path, "failures": lock.failures})
    log_event("accounts.login.failed", user=user, path=path, failures=lock.failures)
    if lock.locked_until is None and lock.failures >= settings.LOCKOUT_FAILURE_LIMIT:
        lock.locked_until = now + timedelta(seconds=settings.LOCKOUT_COOLOFF_SECONDS)
        audit.record(None, "accounts.login.locked", user, after={"path": path, "until": lock.locked_until})
        log_event("accounts.login.locked", user=user, path=path)
    lock.save()


def _count_account_wide(key: str, user, path: str) -> None:
    now = timezone.now()
    wide, _created = AccountWideLock.objects.select_for_update().get_or_create(
        key=key, defaults={"window_started_at": now}
    )
    if now - wide.window_started_at > timedelta(seconds=settings.LOCKOUT_ACCOUNT_WINDOW_SECONDS):
        wide.failures, wide.window_started_at = 0, now
    wide.failures += 1
    wide.last_failure_at, wide.last_path = now, path
    over_limit = wide.failures >= settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT
    if over_limit and (wide.locked_until is None or wide.locked_until <= now):
        # Still over the limit in this window after a cool-off: every further failure locks again.
        wide.locked_until = now + timedelta(seconds=settings.LOCKOUT_COOLOFF_SECONDS)
        _report_attack(key, user, path, wide)
    wide.save()


def _addresses_in_window(key: str, since: datetime) -> int:
    return AccountLock.objects.filter(key=key, last_failure_at__gte=since).count()


def _report_attack(key: str, user, path: str, wide: AccountWideLock) -> None:
    addresses = _addresses_in_window(wide.key, wide.window_started_at)
    details = {"path": path, "failures": wide.failures, "addresses": addresses, "until": wide.locked_until}
    audit.record(None, "accounts.login.locked_everywhere", user, after=details)
    # A questionnaire key names a patient: the log says only what kind of account it is.
    kind = "staff" if key.startswith(STAFF_PREFIX) else "questionnaire"
    log_event(
        "accounts.login.locked_everywhere",
        user=user,
        level=logging.WARNING,
        account=kind,
        path=path,
        failures=wide.failures,
        addresses=addresses,
    )


def reset(user_or_key, *, address: str | None = None) -> None:
    """Clear the counter of ``address`` (default: this client) after a complete, successful sign-in."""
    AccountLock.objects.filter(key=_key(user_or_key), address=_address(address)).delete()


def clear(user_or_key) -> None:
    """Clear every counter of the account, from every address and account-wide (security admin)."""
    key = _key(user_or_key)
    AccountLock.objects.filter(key=key).delete()
    AccountWideLock.objects.filter(key=key).delete()


@dataclass(frozen=True)
class Attack:
    """A staff account with more failed sign-ins in the window than one client could make."""

    user: User
    failures: int
    addresses: int
    locked_until: datetime | None


def accounts_under_attack() -> list[Attack]:
    """Return staff accounts failing from many places: over the per-address limit in the window, or locked.

    Questionnaire keys are left out: they name patients, and the staff page shows none.
    """
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.LOCKOUT_ACCOUNT_WINDOW_SECONDS)
    rows = AccountWideLock.objects.filter(key__startswith=STAFF_PREFIX).filter(
        Q(locked_until__gt=now)
        | Q(window_started_at__gte=window_start, failures__gt=settings.LOCKOUT_FAILURE_LIMIT)
    )
    users = User.objects.in_bulk([int(row.key.removeprefix(STAFF_PREFIX)) for row in rows])
    attacks = [
        Attack(
            user=users[int(row.key.removeprefix(STAFF_PREFIX))],
            failures=row.failures,
            addresses=_addresses_in_window(row.key, row.window_started_at),
            locked_until=row.locked_until if row.locked_until and row.locked_until > now else None,
        )
        for row in rows
        if int(row.key.removeprefix(STAFF_PREFIX)) in users
    ]
    return sorted(attacks, key=lambda attack: -attack.failures)


# Per-address throttling is separate from the per-account counter (T-4): many failures from one
# address slow that address down without locking the accounts it guessed at. The counts are in the
# shared cache, per client address (behind a trusted proxy, the real client's).
IP_FAILURE_LIMIT = 20
IP_WINDOW_SECONDS = 10 * 60


def _hit_address(key: str, event: str) -> None:
    if throttle.hit(key, IP_FAILURE_LIMIT, IP_WINDOW_SECONDS) and throttle.count(key) == IP_FAILURE_LIMIT:
        log_event(event, level=logging.WARNING, failures=IP_FAILURE_LIMIT)


def address_throttled(address: str) -> bool:
    """Return True while ``address`` has had too many failed sign-ins in the current window."""
    return throttle.blocked(f"signin:addr:{address}", IP_FAILURE_LIMIT)


def register_address_failure(address: str) -> None:
    """Count one failed sign-in from ``address``; throttle the address at the limit (no audit event)."""
    _hit_address(f"signin:addr:{address}", "accounts.login.ip_throttled")


def reset_link_throttled(address: str) -> bool:
    """Return True while ``address`` has opened too many invalid password-reset links in the window."""
    return throttle.blocked(f"reset:addr:{address}", IP_FAILURE_LIMIT)


def register_reset_link_failure(address: str) -> None:
    """Count one invalid reset link from ``address``: it slows token guessing, never locks an account."""
    _hit_address(f"reset:addr:{address}", "accounts.reset.ip_throttled")
