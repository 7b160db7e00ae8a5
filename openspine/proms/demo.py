"""A realistic follow-up history for the demo department (synthetic; called by ``seed_demo``).

Trajectories are demo shapes, not clinical claims: a patient has a severity between 0 (best) and 1
(worst), about 0.45 before surgery (ODI around 45). Most patients improve (ODI around 20 at 12
months), a minority barely changes. Item answers are drawn around the severity, then scored with
spinescores like real answers. Response rates fall with time, some patients never answer after
the baseline, and some answers are taken by phone. Follow-ups whose window is open today stay
open, with the messages and phone tasks they would have had, so the worklist is alive.

Written in bulk (one query per table and batch), not through the per-row services, so thousands
of follow-ups seed in seconds; the rows are those the services would have written.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

import spinescores
from openspine import audit
from openspine.audit.services import jsonable
from openspine.proms import messaging
from openspine.proms.choices import (
    CallOutcome,
    CancelReason,
    Channel,
    MessageKind,
    MessageStatus,
    PhoneTaskState,
    ResponseMode,
)
from openspine.proms.choices import (
    FollowUpState as S,
)
from openspine.proms.models import (
    DeliveryLog,
    FollowUp,
    FollowUpSeries,
    FollowUpTransition,
    Message,
    PhoneCallLog,
    PhoneTask,
    QuestionnaireResponse,
)
from openspine.proms.periodic import close_baseline_windows
from openspine.proms.services import schedule_follow_ups
from openspine.surgery.choices import OperationStatus

# Share of patients answering at each timepoint (falls with time, as registries report).
RESPONSE_RATE = {"baseline": 0.92, "3m": 0.8, "12m": 0.68, "24m": 0.52}
NEVER_RESPONDS_AFTER_BASELINE = 0.12
NOT_IMPROVING = 0.25
# Fraction of the baseline severity lost by improving patients, per timepoint.
GAIN = {"3m": 0.45, "12m": 0.56, "24m": 0.54}
# Scale of each instrument's items relative to the patient's severity (pain runs higher than ODI).
SEVERITY_SCALE = {"nrs_back": 1.35, "nrs_leg": 1.45, "nrs_neck": 1.35, "nrs_arm": 1.45, "eq5d5l": 0.9}
# Instruments whose item values grow with better health (the others grow with worse health).
ITEMS_HIGHER_IS_BETTER = {"srs22r", "mjoa", "joa_cervical_1975", "joa_cervical_1994", "eq_vas"}
BATCH = 500
# Windows opened this recently stay "scheduled": the first run_periodic opens them and sends their
# invitations, as it would have done on those days.
LEFT_FOR_RUN_PERIODIC_DAYS = 2


@dataclass
class Patient:
    """What the seeder decides once per patient."""

    rng: object
    severity: float
    improves: bool
    answers_later: bool


@dataclass
class Plan:
    """Rows to write, collected in memory."""

    follow_ups: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    logs: list = field(default_factory=list)  # (message index, status, at)
    tasks: list = field(default_factory=list)
    calls: list = field(default_factory=list)  # (task index, call)


def _aware(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def answers_for(rng, code: str, severity: float) -> dict:
    """Draw item answers of ``code`` around ``severity`` (0 best, 1 worst)."""
    answers = {}
    scale = SEVERITY_SCALE.get(code, 1.0)
    for item in spinescores.get(code).INSTRUMENT.items:
        s = _clip(severity * scale + rng.gauss(0, 0.12))
        worse_is_higher = code not in ITEMS_HIGHER_IS_BETTER
        if item.kind == "integer":
            low, high = item.minimum or 0, item.maximum or 100
            fraction = s if worse_is_higher else 1 - s
            answers[item.id] = int(round(low + fraction * (high - low)))
            continue
        values = sorted(option.value for option in item.options)
        index = round(s * (len(values) - 1))
        answers[item.id] = values[index] if worse_is_higher else values[-1 - index]
        if item.not_applicable_allowed and rng.random() < 0.12:
            answers[item.id] = "na"
    if code == "nass":
        answers["satisfaction"] = 1 + min(3, int(severity * 6 + rng.random()))
    return answers


def _severity_at(person: Patient, timepoint: str, rng) -> float:
    if timepoint == "baseline":
        return person.severity
    gain = GAIN.get(timepoint, 0.5) if person.improves else rng.uniform(-0.05, 0.15)
    return _clip(person.severity * (1 - gain) + rng.gauss(0, 0.05))


def _move(plan, fu, to_state, at, reason, actor=None):
    plan.transitions.append(
        FollowUpTransition(
            follow_up=fu, from_state=fu.state, to_state=to_state, at=at, actor=actor, reason=reason
        )
    )
    fu.state, fu.state_changed_at = to_state, at
    if to_state == S.INVITED and fu.invited_at is None:
        fu.invited_at = at
    if to_state == S.COMPLETED:
        fu.completed_at = at


def _contactable(fu) -> bool:
    return bool(fu.patient.contact_consent and fu.patient.phone and not fu.is_baseline)


def _send(plan, fu, kind, step, at):
    plan.messages.append(
        Message(
            follow_up=fu,
            channel=Channel.SMS,
            kind=kind,
            step=step,
            language=fu.patient.preferred_language,
            status=MessageStatus.SENT,
            attempts=1,
            sent_at=at,
        )
    )
    plan.logs.append((len(plan.messages) - 1, at))


def _chase(plan, fu, opened_on: date, until: date, coordinator):
    """Invite and remind from ``opened_on`` up to ``until`` (exclusive); phone task after the ladder."""
    if not _contactable(fu):
        return
    invited = _aware(opened_on, 9, 5)
    _move(plan, fu, S.INVITED, invited, "invitation sent")
    _send(plan, fu, MessageKind.INVITATION, 0, invited)
    for step, day in enumerate(messaging.LADDER_DAYS[1:], start=1):
        if opened_on + timedelta(days=day) < until:
            _send(plan, fu, MessageKind.REMINDER, step, _aware(opened_on + timedelta(days=day), 9, 5))
    call_on = opened_on + timedelta(days=messaging.PHONE_TASK_DAY)
    if call_on < until:
        plan.tasks.append(PhoneTask(follow_up=fu, due_on=call_on, state=PhoneTaskState.OPEN))
        if coordinator is not None:
            call = PhoneCallLog(
                caller=coordinator, outcome=CallOutcome.NO_ANSWER, called_at=_aware(call_on, 15)
            )
            plan.calls.append((len(plan.tasks) - 1, call))


def _respond(rng, plan, fu, person, at, mode, coordinator):
    severity = _severity_at(person, fu.timepoint, rng)
    for code in fu.instruments:
        answers = answers_for(rng, code, severity)
        options = {"value_set": "cn"} if code == "eq5d5l" else {}
        result = spinescores.score(code, answers, **options)
        plan.responses.append(
            QuestionnaireResponse(
                follow_up=fu,
                instrument=code,
                instrument_version=result.version,
                value_set=options.get("value_set", ""),
                language=fu.patient.preferred_language,
                answers=answers,
                value=result.value,
                result=jsonable(result.to_dict()),
                mode=mode,
                completed_at=at,
                entered_by=None if mode == ResponseMode.SELF else coordinator,
            )
        )
    _move(
        plan,
        fu,
        S.COMPLETED,
        at,
        f"all questionnaires answered ({mode})",
        None if mode == "self" else coordinator,
    )
    fu.completion_mode = mode


def _will_answer(rng, fu, person) -> bool:
    if not fu.is_baseline and not person.answers_later:
        return False
    rate = RESPONSE_RATE.get(fu.timepoint, 0.5)
    if not fu.is_baseline and not _contactable(fu):
        rate *= 0.5  # without messages only a clinic visit brings answers
    return rng.random() < rate


def _mode(rng, fu) -> str:
    if fu.is_baseline or not _contactable(fu):
        return ResponseMode.CLINIC  # in hospital, or at a clinic visit for patients we may not contact
    roll = rng.random()
    return ResponseMode.SELF if roll < 0.78 else ResponseMode.PHONE if roll < 0.95 else ResponseMode.CLINIC


def _plan_one(rng, plan, fu, person, today, coordinator):
    if fu.window_opens_on > today - timedelta(days=LEFT_FOR_RUN_PERIODIC_DAYS):
        return
    plan.follow_ups.append(fu)
    opened_on = fu.window_opens_on
    _move(plan, fu, S.DUE, _aware(opened_on, 0, 5), "window opened")
    window_open_today = fu.window_closes_on >= today
    delay = min(int(rng.expovariate(1 / 5)), (fu.window_closes_on - opened_on).days)
    answer_on = opened_on + timedelta(days=delay)
    if _will_answer(rng, fu, person) and answer_on < today:
        mode = _mode(rng, fu)
        if mode == ResponseMode.SELF:
            _chase(plan, fu, opened_on, answer_on + timedelta(days=1), coordinator)
        _respond(
            rng,
            plan,
            fu,
            person,
            _aware(answer_on, rng.randint(10, 21), rng.randint(0, 59)),
            mode,
            coordinator,
        )
        return
    _chase(plan, fu, opened_on, min(today, fu.window_closes_on + timedelta(days=1)), coordinator)
    if not window_open_today:
        _move(plan, fu, S.MISSED, _aware(fu.window_closes_on + timedelta(days=1), 0, 5), "window closed")


def _persons(rng_for, follow_ups) -> dict:
    persons = {}
    for fu in follow_ups:
        if fu.patient_id not in persons:
            rng = rng_for(fu.patient)
            persons[fu.patient_id] = Patient(
                rng=rng,
                severity=_clip(rng.gauss(0.45, 0.13), 0.08, 0.9),
                improves=rng.random() > NOT_IMPROVING,
                answers_later=rng.random() > NEVER_RESPONDS_AFTER_BASELINE,
            )
    return persons


UPDATED_FIELDS = (
    "state",
    "state_changed_at",
    "invited_at",
    "completed_at",
    "completion_mode",
    "cancel_reason",
)


def _update_follow_ups(follow_ups) -> None:
    # One prepared UPDATE run many times: Django's bulk_update builds a CASE per field and row,
    # which takes minutes for tens of thousands of rows.
    fields = [FollowUp._meta.get_field(name) for name in UPDATED_FIELDS]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {connection.ops.quote_name(FollowUp._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608  # nosec B608
    rows = [
        [f.get_db_prep_save(getattr(fu, f.attname), connection) for f in fields] + [fu.pk]
        for fu in follow_ups
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _bulk_create(objs, *, model) -> None:
    model.objects.bulk_create(objs, batch_size=BATCH)


def write_history(plan: Plan, *, insert=_bulk_create, update: bool = True) -> None:
    """Write the rows of ``plan``; ``update=False`` when its follow-ups are not saved yet.

    ``insert(objs, model=...)`` writes new rows and sets their ids (``bulk_create`` by default;
    the demo seeder passes its faster writer).
    """
    if update:
        _update_follow_ups(plan.follow_ups)
    insert(plan.transitions, model=FollowUpTransition)
    insert(plan.responses, model=QuestionnaireResponse)
    insert(plan.messages, model=Message)
    logs = [
        DeliveryLog(message=plan.messages[i], at=at, backend="demo", status="sent") for i, at in plan.logs
    ]
    insert(logs, model=DeliveryLog)
    for task in plan.tasks:
        if task.follow_up.state != S.INVITED and task.follow_up.state != S.OPENED:
            task.state = (
                PhoneTaskState.DONE if task.follow_up.state == S.COMPLETED else PhoneTaskState.CANCELLED
            )
    insert(plan.tasks, model=PhoneTask)
    for index, call in plan.calls:
        call.task = plan.tasks[index]
    insert([call for _i, call in plan.calls], model=PhoneCallLog)


def _cancel_for_deceased(plan: Plan, today: date) -> None:
    for fu in plan.follow_ups:
        died = fu.patient.deceased_on
        if died and fu.state not in (S.COMPLETED, S.MISSED, S.CANCELLED):
            _move(plan, fu, S.CANCELLED, _aware(min(died + timedelta(days=1), today)), "deceased")
            fu.cancel_reason = CancelReason.DECEASED


@transaction.atomic
def seed_follow_up_history(rng, operations, *, today: date) -> int:
    """Give ``operations`` (signed) their follow-up history up to ``today``; return the follow-up count.

    ``rng`` is one generator for every patient, or a callable returning each patient's own
    generator (the demo seeder's, so a patient's history does not depend on the other patients).

    Schedules missing series of signed operations first (idempotent; each adopts the baseline its
    admission opened, due from admission to the operation day), then plays each follow-up whose
    window has opened: answered (self, phone or clinic), chased with invitations, reminders and
    phone tasks, missed after its window, or left open when its window includes today. Only follow-ups still
    ``scheduled`` are touched, so running it twice changes nothing the second time. The counts of
    what was written go to the audit event ``proms.history.seeded``.
    """
    operations = list(operations)
    have_series = set(
        FollowUpSeries.objects.filter(operation__in=operations).values_list("operation_id", flat=True)
    )
    for operation in operations:
        # Drafts get no series (as in the app); their stay's baseline waits for the signature.
        if operation.pk not in have_series and operation.status == OperationStatus.SIGNED:
            schedule_follow_ups(operation, actor=None)
    # Baselines of stays whose operation is still a draft end on the operation day, as run_periodic
    # would have done; then they are played like the others.
    close_baseline_windows(today)
    draft_baselines = Q(series__isnull=True, admission__operations__in=operations)
    follow_ups = list(
        FollowUp.objects.filter(Q(operation__in=operations) | draft_baselines, state=S.SCHEDULED)
        .distinct()
        .select_related("patient")
        # The same order on every database (SQLite sorts missing operations first, PostgreSQL last).
        .order_by(F("operation_id").asc(nulls_first=True), "due_on", "pk")
    )
    plan = play_history(rng, follow_ups, today=today, coordinator=coordinator())
    write_history(plan)
    record_history(plan)
    return FollowUp.objects.filter(operation__in=operations).count()


def coordinator():
    """Return the coordinator who makes the demo's phone calls (the first one), or None."""
    return get_user_model().objects.filter(role="coordinator").order_by("pk").first()


def play_history(rng, follow_ups, *, today: date, coordinator) -> Plan:
    """Decide the history of ``follow_ups`` (scheduled, in the order given) and return it, unwritten.

    ``rng`` as for :func:`seed_follow_up_history`. The follow-ups' states change in memory.
    """
    rng_for = rng if callable(rng) else (lambda patient: rng)
    persons = _persons(rng_for, follow_ups)
    plan = Plan()
    for fu in follow_ups:
        person = persons[fu.patient_id]
        _plan_one(person.rng, plan, fu, person, today, coordinator)
    _cancel_for_deceased(plan, today)
    return plan


def record_history(plan: Plan) -> None:
    """Audit what a played history wrote, as counts (event ``proms.history.seeded``)."""
    counts = {
        "follow_ups": len(plan.follow_ups),
        "responses": len(plan.responses),
        "messages": len(plan.messages),
        "phone_tasks": len(plan.tasks),
    }
    audit.record(None, "proms.history.seeded", None, after=counts)
