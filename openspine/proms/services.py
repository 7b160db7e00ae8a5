"""Every change to follow-ups: protocols, scheduling, cancellation, answers and phone calls.

Each service runs in one transaction, writes an audit event, and leaves message sending to
``transaction.on_commit`` (see :mod:`openspine.proms.messaging`). The portal uses
:func:`record_response` and :func:`recovery_series` here, and :mod:`openspine.proms.links`.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import spinescores
from openspine import audit
from openspine.audit.services import jsonable
from openspine.core import levels
from openspine.core.errors import DomainError
from openspine.patients.choices import Language
from openspine.proms import defaults
from openspine.proms.choices import (
    OPEN_STATES,
    PENDING_STATES,
    CallOutcome,
    CancelReason,
    FollowUpState,
    MessageStatus,
    PhoneTaskState,
    ResponseMode,
    SeriesCloseReason,
)
from openspine.proms.links import issue_link, resolve_link, revoke_links  # noqa: F401 (re-exported for the portal)
from openspine.proms.models import (
    FollowUp,
    FollowUpSeries,
    Message,
    PhoneCallLog,
    PhoneTask,
    Protocol,
    ProtocolVersion,
    QuestionnaireResponse,
    Timepoint,
)
from openspine.proms.transitions import can_move, move

# Cervical levels run C0..C7 (indices 0-7) on the level scale.
LAST_CERVICAL_INDEX = levels.LABELS.index("C7")

# ---------------------------------------------------------------------------------------------
# Protocols


def load_default_protocols(*, actor=None) -> int:
    """Create the §15 default protocols that do not exist yet; return how many were created.

    Idempotent: an existing protocol for a disease area (even an edited one) is left alone.
    """
    created = 0
    with transaction.atomic():
        for area, group, name, timepoints in defaults.DEFAULT_PROTOCOLS:
            protocol, is_new = Protocol.objects.get_or_create(
                disease_area=area, procedure_group=group, defaults={"name": name}
            )
            if is_new or not protocol.versions.exists():
                _add_version(protocol, timepoints, actor=actor, note="proms.md §15 defaults")
                created += 1
    return created


def _add_version(protocol: Protocol, timepoints: list[dict], *, actor, note: str) -> ProtocolVersion:
    last = protocol.versions.order_by("-number").first()
    version = ProtocolVersion.objects.create(
        protocol=protocol, number=(last.number + 1) if last else 1, note=note, created_by=actor
    )
    for position, data in enumerate(timepoints):
        timepoint = Timepoint(version=version, position=position, **data)
        _check_codes(timepoint.instruments + timepoint.clinician_tasks)
        timepoint.full_clean(exclude=["version"])
        timepoint.save()
    audit.record(
        actor, "proms.protocolversion.created", version, after={"number": version.number, "note": note}
    )
    return version


def _check_codes(codes: list[str]) -> None:
    known = {instrument.code for instrument in spinescores.catalog()}
    for entry in codes:
        for code in entry.split("|"):
            if code not in known:
                raise DomainError(
                    _("%(code)s is not a known instrument; use one of: %(allowed)s.")
                    % {"code": code, "allowed": ", ".join(sorted(known))}
                )


@transaction.atomic
def revise_protocol(protocol: Protocol, timepoints: list[dict], *, actor, note: str) -> ProtocolVersion:
    """Save an edit of ``protocol`` as a new version; existing follow-ups keep their version."""
    if not note.strip():
        raise DomainError(_("Give a change note for the new protocol version."))
    return _add_version(protocol, timepoints, actor=actor, note=note)


def protocol_for(operation) -> Protocol | None:
    """Return the protocol for ``operation``: its procedure group's if one exists, else its area's."""
    codes = operation.procedures.values_list("code", flat=True)
    return protocol_for_procedures(operation.diagnosis.disease_area, codes)


def protocol_for_procedures(area: str, codes) -> Protocol | None:
    """Return the protocol for an operation in ``area`` with procedure ``codes`` (see protocol_for)."""
    from openspine.surgery.choices import procedure_group

    groups = {procedure_group(code) for code in codes}
    candidates = Protocol.objects.filter(disease_area=area, active=True)
    specific = [p for p in candidates if p.procedure_group and p.procedure_group in groups]
    if specific:
        return sorted(specific, key=lambda p: p.procedure_group)[0]
    return candidates.filter(procedure_group="").first()


# ---------------------------------------------------------------------------------------------
# Scheduling and cancellation


def resolve_codes(codes: list[str], operation) -> list[str]:
    """Resolve ``a|b`` alternatives by the operated region: the second for cervical operations."""
    cervical = operation.level_from is not None and operation.level_from <= LAST_CERVICAL_INDEX
    resolved = []
    for entry in codes:
        options = entry.split("|")
        code = options[1] if cervical and len(options) > 1 else options[0]
        if code not in resolved:
            resolved.append(code)
    return resolved


def follow_up_dates(timepoint: Timepoint, operation) -> tuple[date, date, date]:
    """Return (due, window opens, window closes) of ``timepoint`` for ``operation``."""
    if timepoint.is_baseline:
        admitted = operation.admission.admitted_on
        return admitted, admitted, operation.performed_on
    day = operation.performed_on
    return (
        day + timedelta(days=timepoint.offset_days),
        day + timedelta(days=timepoint.window_start_days),
        day + timedelta(days=timepoint.window_end_days),
    )


@transaction.atomic
def schedule_follow_ups(operation, *, actor) -> FollowUpSeries | None:
    """Create the follow-up series of a signed ``operation`` under its protocol's current version.

    The pre-operative baseline opened at admission (:mod:`openspine.proms.baseline`) is adopted,
    its window now closing on the operation day; a baseline is created only if there is none.
    Idempotent (a re-signed operation keeps its series). A later operation in the same disease area,
    or a revision, closes the patient's open series and cancels its pending follow-ups. Nothing is
    scheduled for a patient who has died. States start at ``scheduled``; ``run_periodic`` opens them.
    """
    from openspine.proms.baseline import adopt_baseline

    existing = FollowUpSeries.objects.filter(operation=operation).first()
    if existing is not None:
        return existing
    patient = operation.patient
    if patient.deceased_on:
        return None
    protocol = protocol_for(operation)
    if protocol is None and load_default_protocols(actor=None):
        protocol = protocol_for(operation)
    version = protocol.current_version if protocol else None
    if version is None:
        return None
    _close_previous_series(operation, actor=actor)
    series = FollowUpSeries.objects.create(
        patient=patient,
        operation=operation,
        protocol_version=version,
        contact_consent_at_start=patient.contact_consent,
    )
    adopted = None
    for timepoint in version.timepoints.all():
        if timepoint.is_baseline and adopted is None:
            adopted = adopt_baseline(series, operation, timepoint)
            if adopted is not None:
                continue  # the baseline opened at admission joins the series
        _create_follow_up(series, timepoint, operation)
    after = {"protocol": str(protocol), "version": version.number}
    if adopted is not None:
        after["adopted_baseline"] = str(adopted.public_id)
    audit.record(actor, "proms.followupseries.created", series, after=after, patient=patient)
    return series


def _create_follow_up(series: FollowUpSeries, timepoint: Timepoint, operation) -> FollowUp:
    follow_up = build_follow_up(series, timepoint, operation)
    follow_up.save()
    return follow_up


def build_follow_up(series: FollowUpSeries, timepoint: Timepoint, operation) -> FollowUp:
    """Return the unsaved follow-up of ``timepoint`` in ``series`` that scheduling creates."""
    due_on, opens_on, closes_on = follow_up_dates(timepoint, operation)
    return FollowUp(
        patient=operation.patient,
        department_id=operation.patient.department_id,
        operation=operation,
        series=series,
        protocol_version=series.protocol_version,
        timepoint=timepoint.label,
        is_baseline=timepoint.is_baseline,
        instruments=resolve_codes(timepoint.instruments, operation),
        clinician_tasks=resolve_codes(timepoint.clinician_tasks, operation),
        due_on=due_on,
        window_opens_on=opens_on,
        window_closes_on=closes_on,
    )


def _close_previous_series(operation, *, actor) -> None:
    area = operation.diagnosis.disease_area
    open_series = FollowUpSeries.objects.select_for_update().filter(
        patient=operation.patient, closed_at__isnull=True
    )
    for series in open_series.select_related("protocol_version__protocol"):
        revised = operation.revision_of_id and operation.revision_of_id == series.operation_id
        if not revised and series.protocol_version.protocol.disease_area != area:
            continue
        series.closed_at = timezone.now()
        series.close_reason = SeriesCloseReason.REOPERATION
        series.closed_by_operation = operation
        series.save(update_fields=["closed_at", "close_reason", "closed_by_operation", "updated_at"])
        for follow_up in series.follow_ups.select_for_update().filter(state__in=PENDING_STATES):
            _cancel(follow_up, CancelReason.REOPERATION, actor=actor)
        audit.record(actor, "proms.followupseries.closed", series, after={"reason": "reoperation"})


def _cancel(follow_up: FollowUp, reason: str, *, actor, note: str = "") -> None:
    move(follow_up, FollowUpState.CANCELLED, actor=actor, reason=note or reason)
    follow_up.cancel_reason = reason
    follow_up.save(update_fields=["cancel_reason", "updated_at"])
    stop_chasing(follow_up)


def stop_chasing(follow_up: FollowUp) -> None:
    """Revoke links, drop unsent messages and close the phone task of a finished follow-up."""
    revoke_links(follow_up)
    Message.objects.filter(
        follow_up=follow_up, status__in=[MessageStatus.QUEUED, MessageStatus.FAILED]
    ).update(status=MessageStatus.SKIPPED)
    PhoneTask.objects.filter(follow_up=follow_up, state=PhoneTaskState.OPEN).update(
        state=PhoneTaskState.DONE if follow_up.state == FollowUpState.COMPLETED else PhoneTaskState.CANCELLED,
        closed_at=timezone.now(),
    )


@transaction.atomic
def cancel_follow_ups(patient, *, reason: str, actor, note: str = "") -> int:
    """Cancel every pending follow-up of ``patient`` (death, consent withdrawn, lost to contact).

    Links are revoked and unsent messages dropped. Returns the number cancelled.
    """
    if reason not in CancelReason.values:
        raise DomainError(
            _("%(value)s is not a cancel reason; use one of: %(allowed)s.")
            % {"value": reason, "allowed": ", ".join(CancelReason.values)}
        )
    pending = FollowUp.objects.select_for_update().filter(patient=patient, state__in=PENDING_STATES)
    count = 0
    for follow_up in pending:
        _cancel(follow_up, reason, actor=actor, note=note)
        count += 1
    if count:
        audit.record(
            actor, "proms.followup.cancelled", patient, after={"reason": reason, "count": count}, reason=note
        )
    return count


# ---------------------------------------------------------------------------------------------
# Responses


def _score_options(code: str, follow_up: FollowUp) -> dict:
    if code == "eq5d5l":
        return {"value_set": "cn"}
    if code == "zcq":
        return {"post_treatment": not follow_up.is_baseline}
    return {}


def _check_can_answer(follow_up: FollowUp, code: str, *, mode: str, language: str, actor) -> None:
    if mode not in ResponseMode.values:
        raise DomainError(
            _("%(value)s is not a mode; use one of: %(allowed)s.")
            % {"value": mode, "allowed": ", ".join(ResponseMode.values)}
        )
    if language not in Language.values:
        raise DomainError(
            _("%(value)s is not a language; use one of: %(allowed)s.")
            % {"value": language, "allowed": ", ".join(Language.values)}
        )
    if code not in follow_up.all_codes:
        raise DomainError(
            _("%(code)s is not asked at this follow-up; it asks: %(allowed)s.")
            % {"code": code, "allowed": ", ".join(follow_up.all_codes)}
        )
    late_entry_by_staff = follow_up.state == FollowUpState.MISSED and actor is not None
    clinician_score = code in follow_up.clinician_tasks and follow_up.state == FollowUpState.COMPLETED
    if follow_up.state not in OPEN_STATES and not late_entry_by_staff and not clinician_score:
        raise DomainError(
            _("This follow-up is %(state)s and takes no answers.") % {"state": follow_up.get_state_display()}
        )


def _scored(code: str, answers: dict, follow_up: FollowUp):
    options = _score_options(code, follow_up)
    try:
        return spinescores.score(code, answers, **options), options
    except spinescores.SpinescoresError as exc:
        raise DomainError(_("The answers were not accepted: %(error)s") % {"error": exc}) from exc


@transaction.atomic
def record_response(
    follow_up: FollowUp, code: str, answers: dict, *, mode: str, language: str, actor=None
) -> QuestionnaireResponse:
    """Score and store one questionnaire of ``follow_up``; return the stored response.

    The raw answers are kept with the instrument version, the value set and the language. A second
    submission of the same instrument (double tap, two tabs) returns the first response unchanged.
    When the last patient questionnaire of the follow-up is in, the follow-up is completed and the
    chasing stops (links revoked, unsent reminders dropped, phone task closed). ``actor`` is the
    staff member entering on the patient's behalf (``mode`` phone or clinic), None for the patient.
    Raises DomainError for an unknown code, a closed follow-up or answers the scorer refuses.
    """
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    existing = follow_up.responses.filter(instrument=code).first()
    if existing is not None:
        return existing
    _check_can_answer(follow_up, code, mode=mode, language=language, actor=actor)
    result, options = _scored(code, answers, follow_up)
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(
                follow_up=follow_up,
                instrument=code,
                instrument_version=result.version,
                value_set=options.get("value_set", ""),
                language=language,
                answers=dict(answers),
                value=result.value,
                result=jsonable(result.to_dict()),
                mode=mode,
                completed_at=timezone.now(),
                entered_by=actor,
            )
    except IntegrityError:
        return follow_up.responses.get(instrument=code)
    audit.record(
        actor,
        "proms.questionnaireresponse.created",
        response,
        after={"instrument": code, "value": result.value, "mode": mode},
        patient=follow_up.patient,
    )
    _complete_if_done(follow_up, mode=mode, actor=actor)
    return response


def _complete_if_done(follow_up: FollowUp, *, mode: str, actor) -> None:
    answered = set(follow_up.responses.values_list("instrument", flat=True))
    if not set(follow_up.instruments) <= answered or not can_move(follow_up, FollowUpState.COMPLETED):
        return
    move(follow_up, FollowUpState.COMPLETED, actor=actor, reason=f"all questionnaires answered ({mode})")
    follow_up.completion_mode = mode
    follow_up.save(update_fields=["completion_mode", "updated_at"])
    stop_chasing(follow_up)


def recovery_series(patient) -> dict[str, list[tuple[str, date, float]]]:
    """Return the patient's scores over time for the thank-you chart.

    ``{"odi": [("baseline", date(2026, 1, 5), 46.0), ("3m", ...)], "nrs_back": [...]}``: one list per
    instrument, oldest first, scored responses of non-cancelled follow-ups only.
    """
    responses = (
        QuestionnaireResponse.objects.filter(follow_up__patient=patient, value__isnull=False)
        .exclude(follow_up__state=FollowUpState.CANCELLED)
        .select_related("follow_up")
        .order_by("completed_at")
    )
    series = defaultdict(list)
    for response in responses:
        day = timezone.localtime(response.completed_at).date()
        series[response.instrument].append((response.follow_up.timepoint, day, response.value))
    return dict(series)


# ---------------------------------------------------------------------------------------------
# Coordinator actions


@transaction.atomic
def resend_invitation(follow_up: FollowUp, *, actor) -> Message:
    """Queue one more invitation for an open follow-up (a coordinator's click); sent after commit."""
    from openspine.proms import messaging

    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.state not in OPEN_STATES:
        raise DomainError(
            _("Only an open follow-up can be resent; this one is %(state)s.")
            % {"state": follow_up.get_state_display()}
        )
    message = messaging.queue_resend(follow_up, actor=actor)
    audit.record(
        actor, "proms.message.queued", follow_up, after={"kind": message.kind, "resend": message.resend}
    )
    return message


@transaction.atomic
def log_phone_call(follow_up: FollowUp, *, outcome: str, actor, note: str = "") -> PhoneCallLog:
    """Record a coordinator's call about ``follow_up``; a wrong number or a refusal closes the task."""
    if outcome not in CallOutcome.values:
        raise DomainError(
            _("%(value)s is not a call outcome; use one of: %(allowed)s.")
            % {"value": outcome, "allowed": ", ".join(CallOutcome.values)}
        )
    task, _created = PhoneTask.objects.select_for_update().get_or_create(
        follow_up=follow_up, defaults={"due_on": timezone.localdate()}
    )
    call = PhoneCallLog.objects.create(task=task, caller=actor, outcome=outcome, note=note)
    if outcome in (CallOutcome.WRONG_NUMBER, CallOutcome.REFUSED) and task.state == PhoneTaskState.OPEN:
        task.state = PhoneTaskState.DONE
        task.closed_at = timezone.now()
        task.save(update_fields=["state", "closed_at", "updated_at"])
    audit.record(actor, "proms.phonecall.logged", follow_up, after={"outcome": outcome}, reason=note)
    return call
