"""Account changes: sessions, roles, disabling. Each runs in one transaction with an audit event."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine import audit
from openspine.accounts import lockout
from openspine.accounts.choices import Role
from openspine.accounts.models import User, UserSession
from openspine.accounts.security_log import log_event
from openspine.core import context
from openspine.core.errors import DomainError


def _drop_sessions(sessions) -> int:
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    sessions.delete()
    return len(keys)


def record_session(user, request) -> UserSession:
    """Remember a new signed-in session so its owner can see and end it."""
    return UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": (context.current().ip or getattr(request, "META", {}).get("REMOTE_ADDR", ""))[:45],
            "user_agent": getattr(request, "META", {}).get("HTTP_USER_AGENT", "")[:200],
            "last_seen_at": timezone.now(),
        },
    )[0]


def enforce_session_limit(user, *, keep_key: str) -> int:
    """End the oldest sessions beyond ``OPENSPINE_MAX_SESSIONS`` (0 = no limit); return how many."""
    limit = getattr(settings, "OPENSPINE_MAX_SESSIONS", 0)
    if not limit:
        return 0
    others = UserSession.objects.filter(user=user).exclude(session_key=keep_key).order_by("-last_seen_at")
    surplus = UserSession.objects.filter(pk__in=list(others.values_list("pk", flat=True)[limit - 1 :]))
    count = _drop_sessions(surplus)
    if count:
        audit.record(user, "accounts.user.sessions_ended", user, after={"count": count, "reason": "limit"})
    return count


@transaction.atomic
def end_session(user_session: UserSession, *, actor) -> None:
    """End one session now: its row in the session store is deleted, so the cookie is worthless."""
    audit.record(
        actor, "accounts.session.ended", user_session.user, after={"session": str(user_session.public_id)}
    )
    _drop_sessions(UserSession.objects.filter(pk=user_session.pk))


@transaction.atomic
def end_all_sessions(user: User, *, actor, except_key: str | None = None) -> int:
    """End every session of ``user`` (except ``except_key``, the caller's own, when given)."""
    sessions = UserSession.objects.filter(user=user)
    if except_key:
        sessions = sessions.exclude(session_key=except_key)
    count = _drop_sessions(sessions)
    audit.record(actor, "accounts.user.sessions_ended", user, after={"count": count})
    log_event("accounts.user.sessions_ended", user=actor, target_user_id=user.pk, count=count)
    return count


def _refuse_self(user: User, actor) -> None:
    if actor is not None and user.pk == actor.pk:
        raise DomainError(
            _("Nobody may change their own role or account status; ask another security administrator.")
        )


@transaction.atomic
def grant_role(user: User, role: str, *, actor, reason: str = "") -> User:
    """Give ``user`` the role ``role`` (replacing the old one); never to oneself."""
    _refuse_self(user, actor)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of: %(roles)s.") % {"roles": ", ".join(Role.values)}})
    before = {"role": user.role}
    user.role = role
    user.save(update_fields=["role"])
    audit.record(
        actor, "accounts.user.role_granted", user, before=before, after={"role": role}, reason=reason
    )
    log_event("accounts.user.role_granted", user=actor, target_user_id=user.pk, role=role)
    return user


@transaction.atomic
def set_user_active(user: User, active: bool, *, actor, reason: str = "") -> User:
    """Disable or re-enable an account; disabling ends all of its sessions at once (T-12)."""
    _refuse_self(user, actor)
    before = {"is_active": user.is_active}
    user.is_active = active
    if active:
        user.reactivated_at = timezone.now()  # a dormant account gets a fresh start
    user.save(update_fields=["is_active", "reactivated_at"])
    verb = "enabled" if active else "disabled"
    audit.record(
        actor, f"accounts.user.{verb}", user, before=before, after={"is_active": active}, reason=reason
    )
    log_event(f"accounts.user.{verb}", user=actor, target_user_id=user.pk)
    if not active:
        _drop_sessions(UserSession.objects.filter(user=user))
    return user


@transaction.atomic
def unlock_user(user: User, *, actor, reason: str = "") -> User:
    """Clear every failed sign-in counter of ``user`` before the cool-off ends (audited)."""
    lockout.clear(user)
    audit.record(actor, "accounts.user.unlocked", user, reason=reason)
    log_event("accounts.user.unlocked", user=actor, target_user_id=user.pk)
    return user
