"""The pre-operative baseline: opened at admission, adopted by the operation when it is signed.

The rule (issue 5, "a baseline questionnaire is due from admission until the operation"):

- **Opened** when a stay and a spine diagnosis both exist, whichever is recorded second: an
  admission of a patient who already has a diagnosis (the latest one is used), or a diagnosis
  linked to an admission. One baseline per admission. It follows the current version of the
  protocol of that diagnosis's disease area (the whole-area protocol: the procedures are not known
  yet); it is due, and its window opens, on the admission day.
- **Window end** while no operation is known: the discharge day if one is recorded, otherwise
  :data:`BASELINE_MAX_DAYS` after admission. As soon as an operation of the stay is recorded (even
  unsigned) the periodic task :func:`openspine.proms.periodic.close_baseline_windows` moves the end
  to the operation day, so answers given after surgery are never taken as a baseline.
- **Adopted** when the operation is signed: :func:`openspine.proms.services.schedule_follow_ups`
  moves it into the operation's series (no second baseline), closes the window on the operation
  day, and, if nobody has answered yet, aligns its questionnaires with the operation's protocol
  (a procedure-group protocol may ask different ones). Its state and answers are kept.
- **Not opened** for a patient who has died or whose latest decision on follow-up contact is a
  refusal or a withdrawal; a withdrawal later cancels it with the rest (``cancel_follow_ups``).
  A patient never asked is still offered the baseline in hospital, as after surgery.
- Baselines are answered on the ward or in clinic: ``run_periodic`` never sends them by SMS or
  e-mail and never makes phone tasks for them (they are never invited).
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery

from openspine import audit
from openspine.patients.choices import ConsentKind
from openspine.proms.choices import OPEN_STATES, FollowUpState
from openspine.proms.models import FollowUp, ProtocolVersion, Timepoint

# A local operational choice, not a clinical one: how long a baseline stays open when neither the
# operation nor the discharge is recorded, so a forgotten stay does not keep it open for ever.
BASELINE_MAX_DAYS = 30


def baseline_timepoint(disease_area: str) -> Timepoint | None:
    """Return the baseline timepoint of the current version of ``disease_area``'s protocol (one query)."""
    latest = (
        ProtocolVersion.objects.filter(protocol=OuterRef("version__protocol"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        Timepoint.objects.filter(
            is_baseline=True,
            version__protocol__disease_area=disease_area,
            version__protocol__procedure_group="",
            version__protocol__active=True,
            version__number=Subquery(latest),
        )
        .select_related("version")
        .first()
    )


def baseline_closes_on(admission, *, operated_on: date | None = None) -> date:
    """Return the last day of a baseline window: the operation day, else discharge, else the cap."""
    if operated_on is not None:
        closes = operated_on
    else:
        closes = admission.admitted_on + timedelta(days=BASELINE_MAX_DAYS)
        if admission.discharged_on is not None:
            closes = min(closes, admission.discharged_on)
    return max(closes, admission.admitted_on)


def contact_refused(patient) -> bool:
    """Return True if the patient's latest decision on follow-up contact is a refusal or withdrawal."""
    if patient.contact_consent:
        return False
    latest = (
        patient.consents.filter(kind=ConsentKind.FOLLOW_UP_CONTACT).order_by("-decided_at", "-id").first()
    )
    return latest is not None and not latest.granted


def ask_timepoint(follow_up: FollowUp, timepoint: Timepoint, region) -> list[str]:
    """Set the timepoint's protocol version, label and codes resolved for the region; name the fields."""
    from openspine.proms.services import resolve_codes

    follow_up.protocol_version = timepoint.version
    follow_up.timepoint = timepoint.label
    follow_up.instruments = resolve_codes(timepoint.instruments, region)
    follow_up.clinician_tasks = resolve_codes(timepoint.clinician_tasks, region)
    return ["protocol_version", "timepoint", "instruments", "clinician_tasks"]


def new_baseline(patient, admission, diagnosis, timepoint: Timepoint) -> FollowUp:
    """Return the unsaved baseline follow-up of an admission, open from admission day (2.1)."""
    follow_up = FollowUp(
        patient=patient,
        department_id=patient.department_id,
        admission=admission,
        diagnosis=diagnosis,
        is_baseline=True,
        due_on=admission.admitted_on,
        window_opens_on=admission.admitted_on,
        window_closes_on=baseline_closes_on(admission),
    )
    ask_timepoint(follow_up, timepoint, diagnosis)
    return follow_up


def _unanswered(follow_up: FollowUp) -> bool:
    if follow_up.state == FollowUpState.SCHEDULED:
        return True  # nothing can be answered before the window opens
    return follow_up.state in OPEN_STATES and not follow_up.responses.exists()


@transaction.atomic
def schedule_baseline(admission, diagnosis, *, actor) -> FollowUp | None:
    """Open the pre-operative baseline of ``admission`` under ``diagnosis``'s protocol; return it.

    Idempotent: an admission has one baseline. When it was opened from an older diagnosis and a
    diagnosis of this very stay arrives before anyone answered, it follows the new diagnosis.
    Returns None when no baseline is opened (see the module docstring).
    """
    existing = (
        # PostgreSQL cannot lock the nullable side of the join: lock the follow-up row only.
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("diagnosis")
        .filter(admission=admission, is_baseline=True)
        .first()
    )
    if existing is not None:
        _follow_stay_diagnosis(existing, admission, diagnosis, actor=actor)
        return existing
    patient = admission.patient
    if patient.deceased_on or contact_refused(patient):
        return None
    timepoint = baseline_timepoint(diagnosis.disease_area)
    if timepoint is None:
        return None
    follow_up = new_baseline(patient, admission, diagnosis, timepoint)
    follow_up.save()
    audit.record(
        actor,
        "proms.followup.scheduled",
        follow_up,
        after={"timepoint": follow_up.timepoint, "window_closes_on": follow_up.window_closes_on},
        patient=patient,
    )
    return follow_up


def _follow_stay_diagnosis(follow_up: FollowUp, admission, diagnosis, *, actor) -> None:
    opened_from_this_stay = follow_up.diagnosis and follow_up.diagnosis.admission_id == admission.pk
    if opened_from_this_stay or diagnosis.admission_id != admission.pk or follow_up.series_id:
        return
    timepoint = baseline_timepoint(diagnosis.disease_area)
    if timepoint is None or not _unanswered(follow_up):
        return
    follow_up.diagnosis = diagnosis
    fields = ["diagnosis", "updated_at", *ask_timepoint(follow_up, timepoint, diagnosis)]
    follow_up.save(update_fields=fields)
    audit.record(actor, "proms.followup.updated", follow_up, after={"diagnosis": str(diagnosis.public_id)})


def adopt_baseline(series, operation, timepoint: Timepoint) -> FollowUp | None:
    """Move the stay's pre-operative baseline into ``series``; return it, or None if there is none.

    The window now closes on the operation day. An unanswered baseline asks what ``timepoint``
    (the series' baseline) asks; an answered one keeps its questionnaires and answers. The caller's
    ``proms.followupseries.created`` audit event names the adopted baseline.
    """
    follow_up = (
        FollowUp.objects.select_for_update()
        .filter(admission_id=operation.admission_id, is_baseline=True, series__isnull=True)
        .first()
    )
    if follow_up is None:
        return None
    follow_up.series, follow_up.operation = series, operation
    follow_up.window_closes_on = max(follow_up.window_opens_on, operation.performed_on)
    fields = ["series", "operation", "window_closes_on", "updated_at"]
    if _unanswered(follow_up):
        fields += ask_timepoint(follow_up, timepoint, operation)
    follow_up.save(update_fields=fields)
    return follow_up
