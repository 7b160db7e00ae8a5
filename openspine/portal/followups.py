"""The portal's narrow view of the follow-up engine (``openspine.proms``).

Views use only these functions, so a change in proms touches one file here.
"""

import hmac
import math

from django.db import transaction
from django.utils import timezone

from openspine import audit
from openspine.accounts import lockout
from openspine.proms import links as proms_links
from openspine.proms.choices import OPEN_STATES
from openspine.proms.models import QuestionnaireLink


def resolve(raw_token: str):
    """Return the usable link for ``raw_token``, or None (unknown, expired, revoked, used)."""
    return proms_links.resolve_link(raw_token)


def token_matches(link, raw_token: str) -> bool:
    """Return True if ``raw_token`` is the token of ``link`` (a spent link reopened in its own session)."""
    if link is None or not raw_token or len(raw_token) > 100:
        return False
    return hmac.compare_digest(proms_links.hash_token(raw_token), link.token_hash)


def get_link(link_id):
    """Return the link with this id whatever its state, or None."""
    if link_id is None:
        return None
    return QuestionnaireLink.objects.select_related("follow_up__patient").filter(pk=link_id).first()


def is_open(link) -> bool:
    """Return True while the patient may still answer through ``link``.

    A link is spent (``used_at``) once the identity check passes; from then on the session, not
    the token, carries the patient, until the link expires or is revoked or the follow-up closes.
    """
    if link is None or link.revoked_at is not None or link.expires_at <= timezone.now():
        return False
    return link.follow_up.state in OPEN_STATES


def patient_of(link):
    return link.follow_up.patient


def instrument_codes(link) -> list[str]:
    """Return the codes of the patient-reported instruments the follow-up asks for, in order."""
    return list(link.follow_up.instruments)


def _lockout_key(link) -> str:
    # The patient is the "account" of the portal: failures on any of their links add up.
    return f"questionnaire:patient:{link.follow_up.patient.public_id}"


def is_locked(link) -> bool:
    """Return True while identity checks on ``link`` are refused (shared lockout, T-3 and T-31)."""
    return lockout.is_locked(_lockout_key(link)) or link.is_locked()


def seconds_locked(link) -> int:
    """Return how long identity checks on ``link`` stay refused, in seconds (for Retry-After)."""
    remaining = lockout.seconds_locked(_lockout_key(link))
    if link.is_locked():
        remaining = max(remaining, math.ceil((link.locked_until - timezone.now()).total_seconds()))
    return remaining


def record_check_failure(link) -> bool:
    """Count one failed identity check in the account-wide lockout counter; return True if now locked."""
    return lockout.register_failure(_lockout_key(link), path="questionnaire")


def record_check_success(link) -> None:
    """Spend ``link`` after a correct identity check and clear the counter; the follow-up is ``opened``."""
    with transaction.atomic():
        proms_links.use_link(link)
        lockout.reset(_lockout_key(link))
        audit.record(None, "portal.identity.verified", link, patient=link.follow_up.patient)


def submit(link, answers_by_code: dict, language: str) -> None:
    """Record one response per instrument; the follow-up completes with the last one."""
    from openspine.proms import services as proms_services

    with transaction.atomic():
        for code, answers in answers_by_code.items():
            proms_services.record_response(link.follow_up, code, answers, mode="self", language=language)


def recovery(patient) -> dict:
    """Return the patient's own score series for the thank-you chart."""
    from openspine.proms import services as proms_services

    return proms_services.recovery_series(patient)
