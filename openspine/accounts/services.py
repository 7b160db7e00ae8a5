"""Account changes: sessions, roles, disabling. Each runs in one transaction with an audit event."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine import audit
from openspine.accounts import lockout, mfa
from openspine.accounts.choices import Role
from openspine.accounts.models import ApiToken, User, UserSession
from openspine.accounts.roles import can
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


TOKEN_NAME_MAX = 80


def issue_api_token(
    user: User, name: str, *, actor, code: str = "", mfa_verified: bool = False
) -> tuple[ApiToken, str]:
    """Issue a bearer token to ``user`` and return it with its raw value, shown once and never stored.

    A token must not be a way around the second factor (T-6): where it governs ``user`` (MFA is
    required, or the user has an authenticator) the token needs a valid TOTP or backup code, or a
    session that already passed the MFA step (``mfa_verified``). While MFA is required a user with
    no authenticator gets none. A wrong code counts on the shared lockout (through
    :func:`openspine.accounts.mfa.verify`), which is why only the issue itself is atomic.
    """
    if not can(user, "api.use"):
        raise PermissionDenied
    name = (name or "").strip()
    if not name or len(name) > TOKEN_NAME_MAX:
        raise ValidationError(
            {"name": _("Give the token a name of 1 to %(max)d characters.") % {"max": TOKEN_NAME_MAX}}
        )
    factor = _second_factor(user, code, mfa_verified=mfa_verified)
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        audit.record(actor, "accounts.api_token.issued", token, after={"name": name, "mfa": factor})
        log_event("accounts.api_token.issued", user=actor, target_user_id=user.pk, mfa=factor)
    return token, raw


def _second_factor(user: User, code: str, *, mfa_verified: bool) -> str:
    """Return how the second factor was met ("none", "session" or "code"), or raise SecondFactorRefused."""
    if not mfa.governs(user):
        return "none"
    if mfa_verified:
        return "session"
    if not mfa.has_device(user):
        raise mfa.SecondFactorRefused(
            _("Set up an authenticator app on your account before issuing a token.")
        )
    if not (code or "").strip():
        # No code at all is not a guess: refused, but not counted on the lockout.
        raise mfa.SecondFactorRefused(_("Enter the code from your authenticator app."))
    if not mfa.verify(user, code):
        raise mfa.SecondFactorRefused(_("That code is not valid. Codes can be used only once."))
    return "code"


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke ``token`` now; a later use of it is refused and counts as a failed sign-in of its owner."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "accounts.api_token.revoked", token, after={"name": token.name})
        log_event("accounts.api_token.revoked", user=actor, target_user_id=token.user_id)
    return token
