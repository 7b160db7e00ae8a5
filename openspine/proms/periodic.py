"""Scheduled follow-up work, run by ``manage.py run_periodic`` from cron.

Tasks register with :func:`register`; :func:`run_all` runs each one, reports a failure and carries
on with the next. Every task is safe to run twice at once and catches up after downtime: it picks
rows by date ("window opened on or before today", not "today"), re-reads each row locked before
changing it, and relies on the outbox's unique key for messages.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from openspine.core import idempotency
from openspine.proms import messaging
from openspine.proms.baseline import baseline_closes_on
from openspine.proms.choices import (
    PENDING_STATES,
    CancelReason,
    FollowUpState,
    MessageKind,
    MessageStatus,
)
from openspine.proms.models import FollowUp, Message, PhoneTask
from openspine.proms.services import cancel_follow_ups, stop_chasing
from openspine.proms.transitions import can_move, move

logger = logging.getLogger(__name__)

Task = Callable[[date], int]
_tasks: list[tuple[str, Task]] = []


def register(name: str) -> Callable[[Task], Task]:
    """Register a periodic task ``task(today) -> count`` under ``name`` (idempotent)."""

    def decorator(task: Task) -> Task:
        if name not in dict(_tasks):
            _tasks.append((name, task))
        return task

    return decorator


@dataclass
class Report:
    """What one run did: a count per task and the names of the tasks that failed."""

    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{name}={count}" for name, count in self.counts.items()]
        parts.append(
            f"failures={len(self.failures)}" + (f" ({', '.join(self.failures)})" if self.failures else "")
        )
        return " ".join(parts)


def run_all(today: date | None = None) -> Report:
    """Run every registered task for ``today``; a failing task is logged and the others still run."""
    today = today or timezone.localdate()
    report = Report()
    for name, task in _tasks:
        try:
            report.counts[name] = task(today)
        except Exception:  # noqa: BLE001 (one broken task must not stop the others)
            logger.exception("periodic task %s failed", name)
            report.failures.append(name)
    return report


def _move_locked(pk: int, expected: tuple, to_state: str, reason: str) -> bool:
    """Move one follow-up if it is still in an ``expected`` state once locked; True if moved."""
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=pk)
        if follow_up.state not in expected or not can_move(follow_up, to_state):
            return False
        move(follow_up, to_state, reason=reason)
        if to_state == FollowUpState.MISSED:
            stop_chasing(follow_up)
        return True


@register("cancelled_deceased")
def cancel_for_deceased(today: date) -> int:
    """Cancel pending follow-ups of patients who have died."""
    patients = {fu.patient for fu in FollowUp.objects.pending().filter(patient__deceased_on__isnull=False)}
    return sum(cancel_follow_ups(p, reason=CancelReason.DECEASED, actor=None) for p in patients)


@register("cancelled_consent")
def cancel_for_withdrawn_consent(today: date) -> int:
    """Cancel pending follow-ups of series started with contact consent that has since been withdrawn."""
    rows = FollowUp.objects.pending().filter(
        series__contact_consent_at_start=True, patient__contact_consent=False
    )
    patients = {fu.patient for fu in rows.select_related("patient")}
    return sum(cancel_follow_ups(p, reason=CancelReason.CONSENT_WITHDRAWN, actor=None) for p in patients)


@register("baseline_windows")
def close_baseline_windows(today: date) -> int:
    """End each open pre-operative baseline's window on its operation day once one is recorded.

    Before the operation is signed, the window of a baseline opened at admission ends at discharge
    or after :data:`~openspine.proms.baseline.BASELINE_MAX_DAYS`; a recorded operation (signed or
    not) ends it on the operation day, and a discharge recorded later ends it then. Runs before
    ``missed`` so that a closed window is marked missed in the same run.
    """
    rows = (
        FollowUp.objects.pending()
        .filter(is_baseline=True, series__isnull=True)
        .select_related("admission")
        .annotate(operated_on=Min("admission__operations__performed_on"))
    )
    changed = 0
    for follow_up in rows:
        closes = baseline_closes_on(follow_up.admission, operated_on=follow_up.operated_on)
        if closes != follow_up.window_closes_on:
            changed += FollowUp.objects.filter(pk=follow_up.pk, series__isnull=True).update(
                window_closes_on=closes, updated_at=timezone.now()
            )
    return changed


@register("missed")
def mark_missed(today: date) -> int:
    """Mark missed every unfinished follow-up whose window closed before today."""
    pks = FollowUp.objects.pending().filter(window_closes_on__lt=today).values_list("pk", flat=True)
    return sum(_move_locked(pk, PENDING_STATES, FollowUpState.MISSED, "window closed") for pk in list(pks))


@register("due")
def open_windows(today: date) -> int:
    """Make due every scheduled follow-up whose window is open today."""
    rows = FollowUp.objects.filter(
        state=FollowUpState.SCHEDULED, window_opens_on__lte=today, window_closes_on__gte=today
    )
    pks = list(rows.values_list("pk", flat=True))
    return sum(_move_locked(pk, (FollowUpState.SCHEDULED,), FollowUpState.DUE, "window opened") for pk in pks)


def _queue_step(pk: int, today: date) -> bool:
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().select_related("patient").get(pk=pk)
        if not messaging.may_contact(follow_up):
            return False
        step = messaging.next_step(follow_up, today)
        if step is None:
            return False
        kind = MessageKind.INVITATION if step == 0 else MessageKind.REMINDER
        return messaging.queue(follow_up, kind, step) is not None


@register("messages")
def queue_invitations_and_reminders(today: date) -> int:
    """Queue the invitation or the next reminder of every open follow-up (sent after commit)."""
    rows = FollowUp.objects.open().filter(
        is_baseline=False, patient__contact_consent=True, patient__deceased_on__isnull=True
    )
    return sum(_queue_step(pk, today) for pk in list(rows.values_list("pk", flat=True)))


@register("phone_tasks")
def create_phone_tasks(today: date) -> int:
    """Give a coordinator a call for each open follow-up still unanswered after the reminder ladder."""
    # Invited on or before (today - PHONE_TASK_DAY): the whole ladder has had its chance.
    last_day = today - timedelta(days=messaging.PHONE_TASK_DAY)
    invited_before = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
    rows = FollowUp.objects.open().filter(
        phone_task__isnull=True,
        invited_at__lt=invited_before,
        patient__contact_consent=True,
        patient__deceased_on__isnull=True,
    )
    created = 0
    for follow_up in rows:
        _task, is_new = PhoneTask.objects.get_or_create(follow_up=follow_up, defaults={"due_on": today})
        created += is_new
    return created


@register("retried")
def deliver_pending_messages(today: date) -> int:
    """Deliver messages left queued (a crash before commit hooks ran) or failed but retryable."""
    # A failure is retried on a later run, not straight away in the run that saw it fail.
    retry_before = timezone.now() - messaging.RETRY_AFTER
    failed = Q(status=MessageStatus.FAILED, attempts__lt=messaging.MAX_ATTEMPTS, updated_at__lt=retry_before)
    pending = Message.objects.filter(Q(status=MessageStatus.QUEUED) | failed)
    pks = list(pending.values_list("pk", flat=True))
    return sum(messaging.deliver(pk, retry=True) == MessageStatus.SENT for pk in pks)


@register("stuck")
def count_stuck_messages(today: date) -> int:
    """Count messages left in ``sending`` for over an hour: maybe sent, so never resent automatically."""
    cutoff = timezone.now() - timedelta(hours=1)
    return Message.objects.filter(status=MessageStatus.SENDING, updated_at__lt=cutoff).count()


@register("idempotency_keys")
def purge_idempotency_keys(today: date) -> int:
    """Delete API idempotency keys past their lifetime (each holds an encrypted copy of an answer)."""
    return idempotency.purge_expired()
