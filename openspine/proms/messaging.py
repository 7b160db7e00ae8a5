"""Invitations and reminders: an outbox with at-most-once delivery through a pluggable backend.

A message row is unique per (follow-up, kind, ladder step, resend number), so queuing twice queues
once. :func:`deliver` claims a queued row by switching it to ``sending`` in its own committed
update *before* calling the backend: a crash after the gateway accepted the message leaves it in
``sending``, which is never retried automatically, so nobody gets the same text twice. Every
attempt is written to the delivery log (without the text, which carries a token).

Messages say only the hospital name, a link and the closing date: no name, diagnosis or operation.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from openspine.proms.choices import OPEN_STATES, Channel, FollowUpState, MessageKind, MessageStatus
from openspine.proms.links import issue_link, link_url
from openspine.proms.models import DeliveryLog, FollowUp, Message

logger = logging.getLogger(__name__)

# Reminder ladder (a local operational choice): invitation on day 0, reminders on days 3 and 7
# after it, then a coordinator's phone task on day 10.
LADDER_DAYS = (0, 3, 7)
PHONE_TASK_DAY = 10
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)

# Only these placeholders may appear in a message; nothing else about the patient is available.
ALLOWED_PLACEHOLDERS = frozenset({"hospital", "link", "closes_on"})

TEMPLATES = {
    MessageKind.INVITATION: _(
        "%(hospital)s: your follow-up questionnaire is ready. Please answer it by %(closes_on)s: %(link)s"
    ),
    MessageKind.REMINDER: _(
        "%(hospital)s: a reminder that your follow-up questionnaire is open until %(closes_on)s: %(link)s"
    ),
}
SUBJECT = _("%(hospital)s: follow-up questionnaire")


class Backend:
    """Interface of a message backend; an SMS gateway implements :meth:`send` and raises on failure."""

    def send(self, *, channel: str, to: str, subject: str, body: str) -> str:
        """Hand one message to the channel; return a short gateway reference for the log."""
        raise NotImplementedError


# Messages sent by the MemoryBackend, for tests (a list of dicts).
outbox: list[dict] = []


class MemoryBackend(Backend):
    """Keep messages in :data:`outbox` (tests)."""

    def send(self, *, channel, to, subject, body):
        outbox.append({"channel": channel, "to": to, "subject": subject, "body": body})
        return f"memory-{len(outbox)}"


class ConsoleBackend(Backend):
    """Print messages and append them to ``var/outbox/messages.log`` (development and demo)."""

    def send(self, *, channel, to, subject, body):
        directory = Path(settings.VAR_DIR) / "outbox"
        directory.mkdir(parents=True, exist_ok=True)
        line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {channel} to ...{to[-4:]}: {body}\n"
        with open(directory / "messages.log", "a", encoding="utf-8") as handle:
            handle.write(line)
        print(line, end="")  # noqa: T201 (the console backend's purpose)
        return "console"


def get_backend() -> Backend:
    """Return an instance of ``settings.MESSAGE_BACKEND``."""
    return import_string(settings.MESSAGE_BACKEND)()


def render(kind: str, language: str, **values) -> tuple[str, str]:
    """Return (subject, body) of a ``kind`` message in ``language``; refuse non-allow-listed values."""
    extra = set(values) - ALLOWED_PLACEHOLDERS
    if extra:
        raise ValueError(f"placeholders not allowed in messages: {sorted(extra)}")
    with translation.override(language):
        context = dict(values)
        if "closes_on" in context:
            context["closes_on"] = formats.date_format(context["closes_on"], "SHORT_DATE_FORMAT")
        return str(SUBJECT) % context, str(TEMPLATES[kind]) % context


def channel_for(patient) -> str | None:
    """Return the channel to reach ``patient`` (SMS to the mobile phone), or None."""
    return Channel.SMS if patient.phone else None


def may_contact(follow_up: FollowUp) -> bool:
    """True if messages may go out for ``follow_up``: consent, alive, reachable, open, not baseline.

    The baseline is collected in hospital before surgery, so it is never chased by message.
    """
    patient = follow_up.patient
    return (
        patient.contact_consent
        and not patient.deceased_on
        and channel_for(patient) is not None
        and follow_up.state in OPEN_STATES
        and not follow_up.is_baseline
    )


def queue(follow_up: FollowUp, kind: str, step: int, *, resend: int = 0, actor=None) -> Message | None:
    """Queue one message unless its dedupe key exists; deliver it after commit. Return it or None."""
    if not may_contact(follow_up):
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                follow_up=follow_up,
                channel=channel_for(follow_up.patient),
                kind=kind,
                step=step,
                resend=resend,
                language=follow_up.patient.preferred_language,
                requested_by=actor,
            )
    except IntegrityError:
        return None  # already queued by an earlier or concurrent run
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def queue_resend(follow_up: FollowUp, *, actor) -> Message:
    """Queue a coordinator's extra invitation (resend number = previous + 1)."""
    last = follow_up.messages.filter(kind=MessageKind.INVITATION).aggregate(n=Max("resend"))["n"] or 0
    message = queue(follow_up, MessageKind.INVITATION, 0, resend=last + 1, actor=actor)
    if message is None:
        from openspine.core.errors import DomainError

        raise DomainError(
            _(
                "No message can go out: the patient has no contact consent or no mobile number, "
                "or the follow-up is closed."
            )
        )
    return message


def _claim(message_id: int, *, retry: bool) -> bool:
    # A single UPDATE is atomic: of two concurrent runs only one moves the row to "sending".
    claimable = Q(status=MessageStatus.QUEUED)
    if retry:
        claimable |= Q(status=MessageStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
    return bool(
        Message.objects.filter(claimable, pk=message_id).update(
            status=MessageStatus.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
    )


def deliver(message_id: int, *, retry: bool = False) -> str:
    """Send one queued (or, with ``retry``, failed) message at most once; return its final status."""
    if not _claim(message_id, retry=retry):
        return "claimed-elsewhere"
    message = Message.objects.select_related("follow_up__patient").get(pk=message_id)
    follow_up = message.follow_up
    backend = get_backend()
    backend_name = type(backend).__name__
    if not may_contact(follow_up):
        # The reminder stop rule: answered, cancelled or consent gone since it was queued.
        return _finish(
            message, MessageStatus.SKIPPED, backend_name, "follow-up no longer open or contactable"
        )
    try:
        with transaction.atomic():
            raw_token = issue_link(follow_up)
        subject, body = render(
            message.kind,
            message.language,
            hospital=settings.HOSPITAL_NAME,
            link=link_url(raw_token),
            closes_on=follow_up.window_closes_on,
        )
        reference = backend.send(
            channel=message.channel, to=follow_up.patient.phone, subject=subject, body=body
        )
    except Exception as exc:  # noqa: BLE001 (any gateway failure is logged and retried later)
        logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
        return _finish(message, MessageStatus.FAILED, backend_name, type(exc).__name__)
    return _finish(message, MessageStatus.SENT, backend_name, str(reference)[:300])


@transaction.atomic
def _finish(message: Message, status: str, backend_name: str, detail: str) -> str:
    now = timezone.now()
    message.status = status
    message.sent_at = now if status == MessageStatus.SENT else None
    message.save(update_fields=["status", "sent_at", "updated_at"])
    DeliveryLog.objects.create(message=message, at=now, backend=backend_name, status=status, detail=detail)
    if status == MessageStatus.SENT:
        from openspine.proms.transitions import can_move, move

        follow_up = FollowUp.objects.select_for_update().get(pk=message.follow_up_id)
        if follow_up.state == FollowUpState.DUE and can_move(follow_up, FollowUpState.INVITED):
            move(follow_up, FollowUpState.INVITED, reason=f"{message.kind} sent", at=now)
    return status


def next_step(follow_up: FollowUp, today) -> int | None:
    """Return the ladder step due for ``follow_up`` on ``today`` and not yet queued, or None."""
    queued = set(follow_up.messages.filter(resend=0).values_list("step", flat=True))
    if 0 not in queued:
        return 0
    if follow_up.invited_at is None:
        return None
    invited_on = timezone.localtime(follow_up.invited_at).date()
    due = [step for step, day in enumerate(LADDER_DAYS) if invited_on + timedelta(days=day) <= today]
    missing = [step for step in due if step not in queued]
    # After downtime only the latest due reminder goes out: two texts at once help nobody.
    return max(missing) if missing and max(missing) > max(queued) else None
