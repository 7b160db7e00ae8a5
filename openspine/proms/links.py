"""Patient access links: a random token in the message, only its keyed hash in the database.

The portal calls :func:`resolve_link` with the token from the URL, then :func:`use_link` once the
identity check passes (or :func:`record_failed_check` when it fails).
"""

import hashlib
import hmac
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openspine.proms.models import FollowUp, QuestionnaireLink

# Lock-out after repeated failed identity checks (a security setting, not a clinical one).
MAX_FAILED_CHECKS = 5
LOCK_MINUTES = 15


def _key() -> bytes:
    # A key derived for this purpose only, so the token hash is useless without the site's secret.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"openspine.proms.questionnaire-link", hashlib.sha256
    ).digest()


def hash_token(raw_token: str) -> str:
    """Return the keyed HMAC-SHA256 of a raw token (hex), the only form that is stored."""
    return hmac.new(_key(), raw_token.encode(), hashlib.sha256).hexdigest()


def window_end(follow_up: FollowUp) -> datetime:
    """Return the last moment of the follow-up's window (end of its closing day, local time)."""
    end = datetime.combine(follow_up.window_closes_on + timedelta(days=1), time.min)
    return timezone.make_aware(end)


def issue_link(follow_up: FollowUp) -> str:
    """Create a link for ``follow_up`` and return its raw token (256 random bits); only the hash is kept.

    The link expires at the end of the window's last day. The raw token is never stored: put it in
    the message and forget it.
    """
    raw_token = secrets.token_urlsafe(32)
    QuestionnaireLink.objects.create(
        follow_up=follow_up, token_hash=hash_token(raw_token), expires_at=window_end(follow_up)
    )
    return raw_token


def resolve_link(raw_token: str) -> QuestionnaireLink | None:
    """Return the usable link for ``raw_token``, or None if unknown, expired, revoked or used.

    A locked link (too many failed identity checks) is returned: check ``link.is_locked()`` and show
    the lock-out page. The caller shows one neutral page for every None.
    """
    if not raw_token or len(raw_token) > 100:
        return None
    link = (
        QuestionnaireLink.objects.select_related("follow_up__patient")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    if link is None or link.revoked_at or link.used_at or link.expires_at <= timezone.now():
        return None
    return link


@transaction.atomic
def use_link(link: QuestionnaireLink) -> FollowUp:
    """Spend ``link`` after a passed identity check; the follow-up becomes ``opened``.

    Returns the follow-up; the portal keeps its id in the session from then on, not the token.
    """
    from openspine.proms.choices import FollowUpState
    from openspine.proms.transitions import can_move, move

    now = timezone.now()
    link = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    link.used_at = now
    link.failed_checks = 0
    link.save(update_fields=["used_at", "failed_checks", "updated_at"])
    follow_up = FollowUp.objects.select_for_update().get(pk=link.follow_up_id)
    if can_move(follow_up, FollowUpState.OPENED):
        move(follow_up, FollowUpState.OPENED, reason="link opened")
    return follow_up


@transaction.atomic
def record_failed_check(link: QuestionnaireLink) -> QuestionnaireLink:
    """Count a failed identity check; after :data:`MAX_FAILED_CHECKS` the link locks for a while."""
    link = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    link.failed_checks += 1
    if link.failed_checks >= MAX_FAILED_CHECKS:
        link.locked_until = timezone.now() + timedelta(minutes=LOCK_MINUTES)
        link.failed_checks = 0
    link.save(update_fields=["failed_checks", "locked_until", "updated_at"])
    return link


def revoke_links(follow_up: FollowUp) -> int:
    """Revoke every live link of ``follow_up`` (cancelled or completed); return how many."""
    return QuestionnaireLink.objects.filter(follow_up=follow_up, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def link_url(raw_token: str) -> str:
    """Return the absolute portal URL carrying ``raw_token`` (path owned by the portal app)."""
    return f"{settings.SITE_URL.rstrip('/')}/q/{raw_token}/"
