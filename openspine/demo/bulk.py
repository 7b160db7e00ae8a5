"""Write planned demo patients with a few bulk inserts per table, as the services would have written them.

The services write one patient in about eighty queries; this writer writes a batch of patients in
a few queries per table. It keeps what makes the data trustworthy:

* **Validation.** Every row goes through the services' own checks that need no query
  (``clean_fields`` and ``clean``: :meth:`Patient.clean_values`, ``validate_operation``, the
  consent and exam builders). What those checks would ask the database row by row (is this
  hospital number, national ID or admission number taken?) is asked once per batch.
* **Derived data.** Identifiers are encrypted and their blind indexes, the hospital-number key and
  the keyed name tokens are computed by the same field code and ``name_token_terms``, so a bulk
  patient is found by name, hospital number, national ID and phone like any other.
* **Audit.** One audit event per created record, with the service's action, object, actor and
  snapshot, in the service's order for each patient; chained and HMAC-sealed in Python and
  bulk-inserted by :func:`openspine.audit.services.record_many`, which anchors the new stream
  heads after commit. ``verify_audit`` checks them like any other event. On PostgreSQL the
  row-capture triggers fire for every inserted row, as they do for the services.
* **Signatures.** Signed operations carry the content hash of what was stored and the keyed seal
  of ``surgery/signing.py``; ``verify_signatures`` checks them.
* **Follow-up scheduling** follows :mod:`openspine.proms.baseline` and
  :func:`openspine.proms.services.schedule_follow_ups` step by step (baseline at the diagnosis,
  re-pointed by a revision stay's own diagnosis, adopted at signing; a revision closes the
  earlier series and cancels its pending follow-ups). The equivalence test of the two paths
  (``tests/openspine/test_seed_bulk.py``) compares every table row by row.

Protocols and their timepoints are read once per writer. The demo never records a death or a
refusal of contact, so the baseline's "not for the deceased or refusing" rule never applies here.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from openspine.audit.services import record_many, snapshot
from openspine.demo.rows import insert
from openspine.patients.choices import ConsentKind
from openspine.patients.models import (
    Admission,
    ConsentRecord,
    Diagnosis,
    Patient,
    PatientNameToken,
    name_token,
    name_token_terms,
)
from openspine.patients.services import build_consent_record
from openspine.proms import demo as history
from openspine.proms.baseline import baseline_closes_on, baseline_timepoint
from openspine.proms.choices import CancelReason, SeriesCloseReason
from openspine.proms.choices import FollowUpState as S
from openspine.proms.models import FollowUp, FollowUpSeries, FollowUpTransition
from openspine.proms.services import build_follow_up, protocol_for_procedures, resolve_codes
from openspine.sci.models import IsncsciExam
from openspine.sci.services import build_exam
from openspine.surgery import signing
from openspine.surgery.choices import OperationStatus, SignatureMeaning
from openspine.surgery.models import (
    Complication,
    Implant,
    Operation,
    OperationProcedure,
    OperationTeamMember,
    Signature,
)
from openspine.surgery.services import (
    content_hash_before_save,
    operation_summary,
    signing_meaning,
    validate_operation,
)

BATCH = 1000
_NO_QUERY = {"validate_unique": False, "validate_constraints": False}


class Events:
    """Audit events of a batch, kept in each patient's service order (stay, step) until written."""

    def __init__(self):
        self.rows = []

    def add(self, plan, stay: int, step: int, actor, action: str, obj, **values):
        self.rows.append(
            (
                (plan.index, stay, step, len(self.rows)),
                {"actor": actor, "action": action, "obj": obj, **values},
            )
        )

    def write(self) -> int:
        events = [event for _key, event in sorted(self.rows, key=lambda row: row[0])]
        self.rows = []
        return record_many(events)


# Steps of one stay, in the order the services record them.
ADMISSION, BASELINE_AT_ADMISSION, DIAGNOSIS, BASELINE, OPERATION, SIGNED, CLOSED, SERIES, COMPLICATION = (
    range(9)
)


class BulkWriter:
    """Write batches of :class:`openspine.demo.plan.PatientPlan` with bulk inserts."""

    def __init__(self, staff, today, rng_for):
        self.staff, self.today, self.rng_for = staff, today, rng_for
        self.seeder = staff.seeder
        self.coordinator = history.coordinator()
        self._baselines, self._protocols, self._timepoints = {}, {}, {}

    # --- reference data, read once -----------------------------------------------------------
    def baseline_of(self, area):
        if area not in self._baselines:
            self._baselines[area] = baseline_timepoint(area)
        return self._baselines[area]

    def protocol_of(self, area, codes):
        key = (area, frozenset(codes))
        if key not in self._protocols:
            protocol = protocol_for_procedures(area, codes)
            version = protocol.current_version if protocol else None
            self._protocols[key] = (protocol, version)
            if version is not None and version.pk not in self._timepoints:
                self._timepoints[version.pk] = list(version.timepoints.all())
        return self._protocols[key]

    # --- the batch ---------------------------------------------------------------------------
    def write(self, plans) -> tuple[list, int]:
        """Write ``plans`` (patients not yet in the database) and their follow-up history.

        Returns the (stay plan, Operation) pairs and the number of follow-ups of the operations.
        """
        events = Events()
        patients = self._patients(plans, events)
        stays = [(plan, n, stay) for plan in plans for n, stay in enumerate(plan.stays)]
        admissions = self._admissions(stays, patients, events)
        diagnoses = self._diagnoses(stays, patients, admissions, events)
        baselines = self._baselines_for(stays, patients, admissions, diagnoses, events)
        operations = self._operations(stays, patients, admissions, diagnoses, events)
        series, follow_ups, cancelled = self._schedule(stays, operations, baselines, events)
        self._complications(stays, operations, events)
        played = self._play(follow_ups, operations)
        # Parents first; saved parents fill their children's foreign keys.
        insert(series, model=FollowUpSeries)
        insert(follow_ups, model=FollowUp)
        insert(cancelled, model=FollowUpTransition)
        history.write_history(played, insert=insert, update=False)
        events.write()
        history.record_history(played)
        written = [(stay, operations[(plan.index, n)]) for plan, n, stay in stays]
        return written, sum(1 for fu in follow_ups if fu.operation_id is not None)

    def _play(self, follow_ups, operations):
        """Play the follow-up history in memory before the follow-ups are written (no update after).

        As seed_follow_up_history: draft stays' baselines first end on the operation day (what
        run_periodic's close_baseline_windows does), then every still scheduled follow-up is played
        in operation order.
        """
        operated_on = {op.admission_id: op.performed_on for op in operations.values()}
        for fu in follow_ups:
            if fu.is_baseline and fu.series is None and fu.state == S.SCHEDULED:
                fu.window_closes_on = baseline_closes_on(
                    fu.admission, operated_on=operated_on[fu.admission.pk]
                )
        scheduled = [fu for fu in follow_ups if fu.state == S.SCHEDULED]
        scheduled.sort(key=lambda fu: (fu.operation.pk if fu.operation else 0, fu.due_on))
        return history.play_history(self.rng_for, scheduled, today=self.today, coordinator=self.coordinator)

    def _patients(self, plans, events) -> dict:
        patients = {}
        for plan in plans:
            patient = Patient(department=self.seeder.department, **plan.patient)
            _valid(patient, patient.clean_values, exclude=["department"])
            patients[plan.index] = patient
        insert(patients.values(), model=Patient)
        tokens = [
            PatientNameToken(patient_id=patient.pk, token=name_token(term))
            for patient in patients.values()
            for term in sorted(name_token_terms(patient.name))
        ]
        insert(tokens, model=PatientNameToken)
        for plan in plans:
            events.add(
                plan,
                -1,
                0,
                self.seeder,
                "patients.patient.created",
                patients[plan.index],
                after=snapshot(patients[plan.index]),
            )
        self._consents(plans, patients, events)
        return patients

    def _consents(self, plans, patients, events) -> None:
        consenting = [plan for plan in plans if plan.contact_consent]
        records = []
        for plan in consenting:
            patient = patients[plan.index]
            record = build_consent_record(patient, ConsentKind.FOLLOW_UP_CONTACT, True, actor=self.seeder)
            _valid(record, record.clean, exclude=["patient", "recorded_by"])
            records.append(record)
        insert(records, model=ConsentRecord)
        # As record_consent does: a plain column update, so the patient's version does not move.
        ids = [patients[plan.index].pk for plan in consenting]
        Patient.objects.filter(pk__in=ids).update(contact_consent=True)
        for plan, record in zip(consenting, records, strict=True):
            patients[plan.index].contact_consent = True
            after = snapshot(record)
            events.add(
                plan,
                -1,
                1,
                self.seeder,
                "patients.consent.recorded",
                record,
                after=after,
                patient=record.patient,
            )

    def _admissions(self, stays, patients, events) -> dict:
        admissions = {}
        for plan, n, stay in stays:
            admission = Admission(patient=patients[plan.index], **stay.admission)
            _valid(admission, admission.clean, exclude=["patient"])
            admissions[(plan.index, n)] = admission
        numbers = [a.admission_number for a in admissions.values()]
        taken = Admission.objects.filter(admission_number__in=numbers).values_list(
            "admission_number", flat=True
        )
        if taken:
            raise ValidationError(
                {"admission_number": f"admission numbers already registered: {', '.join(taken)}"}
            )
        insert(admissions.values(), model=Admission)
        for plan, n, _stay in stays:
            admission = admissions[(plan.index, n)]
            events.add(
                plan,
                n,
                ADMISSION,
                self.seeder,
                "patients.admission.created",
                admission,
                after=snapshot(admission),
            )
        return admissions

    def _diagnoses(self, stays, patients, admissions, events) -> dict:
        diagnoses = {}
        for plan, n, stay in stays:
            admission = admissions[(plan.index, n)]
            diagnosis = Diagnosis(patient=patients[plan.index], admission=admission, **stay.diagnosis)
            _valid(diagnosis, diagnosis.clean, exclude=["patient", "admission"])
            diagnoses[(plan.index, n)] = diagnosis
        insert(diagnoses.values(), model=Diagnosis)
        for plan, n, _stay in stays:
            diagnosis = diagnoses[(plan.index, n)]
            events.add(
                plan,
                n,
                DIAGNOSIS,
                self.seeder,
                "patients.diagnosis.created",
                diagnosis,
                after=snapshot(diagnosis),
            )
        return diagnoses

    def _baselines_for(self, stays, patients, admissions, diagnoses, events) -> dict:
        """Open each stay's pre-operative baseline as proms.baseline.schedule_baseline does.

        A first stay opens it with its diagnosis. A later stay opens it at admission with the
        patient's latest diagnosis (the earlier stay's), then its own diagnosis re-points it.
        """
        baselines = {}
        for plan, n, _stay in stays:
            admission = admissions[(plan.index, n)]
            opened_with = diagnoses[(plan.index, n - 1)] if n else diagnoses[(plan.index, n)]
            timepoint = self.baseline_of(opened_with.disease_area)
            if timepoint is None:
                continue
            follow_up = FollowUp(
                patient=patients[plan.index],
                admission=admission,
                diagnosis=opened_with,
                is_baseline=True,
                due_on=admission.admitted_on,
                window_opens_on=admission.admitted_on,
                window_closes_on=baseline_closes_on(admission),
            )
            _ask(follow_up, timepoint, opened_with)
            after = {"timepoint": follow_up.timepoint, "window_closes_on": follow_up.window_closes_on}
            step = BASELINE_AT_ADMISSION if n else BASELINE
            events.add(
                plan,
                n,
                step,
                self.seeder,
                "proms.followup.scheduled",
                follow_up,
                after=after,
                patient=follow_up.patient,
            )
            own = diagnoses[(plan.index, n)]
            own_timepoint = self.baseline_of(own.disease_area)
            if n and own_timepoint is not None:
                follow_up.diagnosis = own
                _ask(follow_up, own_timepoint, own)
                after = {"diagnosis": str(own.public_id)}
                events.add(plan, n, BASELINE, self.seeder, "proms.followup.updated", follow_up, after=after)
            baselines[(plan.index, n)] = follow_up
        return baselines

    def _operations(self, stays, patients, admissions, diagnoses, events) -> dict:
        operations, children = {}, {}
        # Index operations first: a revision names the operation it revises.
        for wave in (False, True):
            batch = []
            for plan, n, stay in stays:
                if bool(n) != wave:
                    continue
                key = (plan.index, n)
                surgeon = stay.operation["primary_surgeon"]
                operation = Operation(
                    patient=patients[plan.index],
                    admission=admissions[key],
                    diagnosis=diagnoses[key],
                    created_by=surgeon,
                    revision_of=operations[(plan.index, 0)] if n else None,
                    **stay.operation,
                )
                children[key] = validate_operation(operation, stay.procedures, stay.team, stay.implants)
                operations[key] = operation
                batch.append(operation)
            insert(batch, model=Operation)
        self._children(operations, children)
        for plan, n, _stay in stays:
            operation = operations[(plan.index, n)]
            after = operation_summary(operation, *children[(plan.index, n)])
            events.add(
                plan,
                n,
                OPERATION,
                operation.primary_surgeon,
                "surgery.operation.created",
                operation,
                after=after,
            )
        self._sign(stays, operations, children, events)
        return operations

    def _children(self, operations, children) -> None:
        procedures, team, implants = [], [], []
        for key, operation in operations.items():
            codes, members, rows = children[key]
            procedures += [OperationProcedure(operation=operation, code=code) for code in codes]
            team += [OperationTeamMember(operation=operation, user=user, role=role) for user, role in members]
            for implant in rows:
                implant.operation = operation
            implants += rows
        insert(procedures, model=OperationProcedure)
        insert(team, model=OperationTeamMember)
        insert(implants, model=Implant)

    def _sign(self, stays, operations, children, events) -> None:
        """Sign as sign_operation does: content hash, keyed seal, status signed, version + 1."""
        signatures, signed = [], []
        for plan, n, stay in stays:
            if not stay.signed:
                continue
            operation = operations[(plan.index, n)]
            actor = operation.primary_surgeon
            meaning = signing_meaning(operation, actor, SignatureMeaning.AUTHOR)
            signature = Signature(
                operation=operation,
                signer=actor,
                signer_name=str(actor),
                meaning=meaning,
                signed_at=timezone.now(),
                content_hash=content_hash_before_save(operation, *children[(plan.index, n)]),
            )
            signature.key_id, signature.mac = signing.seal(
                operation_id=operation.public_id,
                signer_id=signature.signer_id,
                signer_name=signature.signer_name,
                meaning=meaning,
                signed_at=signature.signed_at,
                content_hash=signature.content_hash,
            )
            signatures.append(signature)
            signed.append(operation)
            after = {
                "status": OperationStatus.SIGNED,
                "meaning": meaning,
                "content_hash": signature.content_hash,
            }
            before = {"status": operation.status}
            events.add(
                plan, n, SIGNED, actor, "surgery.operation.signed", operation, before=before, after=after
            )
        insert(signatures, model=Signature)
        now = timezone.now()
        for operation in signed:
            operation.status, operation.version, operation.updated_at = (
                OperationStatus.SIGNED,
                operation.version + 1,
                now,
            )
        Operation.objects.filter(pk__in=[o.pk for o in signed]).update(
            status=OperationStatus.SIGNED, version=F("version") + 1, updated_at=now
        )

    def _schedule(self, stays, operations, baselines, events) -> tuple[list, list, list]:
        """Create the series of each signed operation as schedule_follow_ups does, then write them."""
        series_rows, follow_ups, transitions = [], list(baselines.values()), []
        open_series = {}
        for plan, n, stay in stays:
            if not stay.signed:
                continue
            operation = operations[(plan.index, n)]
            actor = operation.primary_surgeon
            protocol, version = self.protocol_of(operation.diagnosis.disease_area, stay.procedures)
            if version is None:
                continue
            previous = open_series.pop(plan.index, None)
            if previous is not None:
                transitions += self._close(previous, operation, actor)
                events.add(
                    plan,
                    n,
                    CLOSED,
                    actor,
                    "proms.followupseries.closed",
                    previous,
                    after={"reason": "reoperation"},
                )
            series = FollowUpSeries(
                patient=operation.patient,
                operation=operation,
                protocol_version=version,
                contact_consent_at_start=operation.patient.contact_consent,
            )
            series.members = []
            adopted = None
            for timepoint in self._timepoints[version.pk]:
                baseline = baselines.get((plan.index, n))
                if timepoint.is_baseline and adopted is None and baseline is not None:
                    adopted = _adopt(baseline, series, operation, timepoint)
                    series.members.append(adopted)
                    continue
                follow_up = build_follow_up(series, timepoint, operation)
                series.members.append(follow_up)
                follow_ups.append(follow_up)
            after = {"protocol": str(protocol), "version": version.number}
            if adopted is not None:
                after["adopted_baseline"] = str(adopted.public_id)
            events.add(
                plan,
                n,
                SERIES,
                actor,
                "proms.followupseries.created",
                series,
                after=after,
                patient=operation.patient,
            )
            series_rows.append(series)
            open_series[plan.index] = series
        return series_rows, follow_ups, transitions

    def _close(self, series, operation, actor) -> list:
        """Close ``series`` for a reoperation and cancel its pending follow-ups (all still scheduled)."""
        now = timezone.now()
        series.closed_at, series.close_reason, series.closed_by_operation = (
            now,
            SeriesCloseReason.REOPERATION,
            operation,
        )
        transitions = []
        for follow_up in series.members:
            transitions.append(
                FollowUpTransition(
                    follow_up=follow_up,
                    from_state=follow_up.state,
                    to_state=S.CANCELLED,
                    at=now,
                    actor=actor,
                    reason=CancelReason.REOPERATION,
                )
            )
            follow_up.state, follow_up.state_changed_at = S.CANCELLED, now
            follow_up.cancel_reason = CancelReason.REOPERATION
        return transitions

    def _complications(self, stays, operations, events) -> None:
        rows = []
        for plan, n, stay in stays:
            if stay.complication is None:
                continue
            operation = operations[(plan.index, n)]
            complication = Complication(operation=operation, **stay.complication)
            complication.full_clean(
                exclude=["operation", "reoperation", "public_id"], validate_constraints=False
            )
            rows.append((plan, n, complication))
        insert([c for _p, _n, c in rows], model=Complication)
        for plan, n, complication in rows:
            actor = complication.operation.primary_surgeon
            events.add(
                plan,
                n,
                COMPLICATION,
                actor,
                "surgery.complication.added",
                complication,
                after=snapshot(complication),
            )

    def write_exams(self, written) -> int:
        """Record the planned ISNCSCI exams of ``written`` (stay, operation) pairs as record_exam does."""
        exams = []
        for stay, operation in written:
            for exam, examined_on, context in stay.exams:
                record = build_exam(
                    operation.patient,
                    exam,
                    examined_on=examined_on,
                    context=context,
                    examiner=operation.primary_surgeon,
                    admission=operation.admission,
                )
                record.full_clean(exclude=["patient", "examiner", "admission", "operation", "public_id"])
                exams.append(record)
        insert(exams, model=IsncsciExam)
        record_many(
            [
                {"actor": r.examiner, "action": "sci.exam.recorded", "obj": r, "after": snapshot(r)}
                for r in exams
            ]
        )
        return len(exams)


def _valid(obj, clean, *, exclude) -> None:
    """Run ``clean_fields`` and the model's query-free ``clean``; raise ValidationError naming fields."""
    errors = {}
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _ask(follow_up: FollowUp, timepoint, region) -> None:
    # As proms.baseline._ask: the timepoint's version, label and codes resolved for the region.
    follow_up.protocol_version = timepoint.version
    follow_up.timepoint = timepoint.label
    follow_up.instruments = resolve_codes(timepoint.instruments, region)
    follow_up.clinician_tasks = resolve_codes(timepoint.clinician_tasks, region)


def _adopt(follow_up: FollowUp, series, operation, timepoint) -> FollowUp:
    # As proms.baseline.adopt_baseline for a baseline nobody has answered yet (still scheduled).
    follow_up.series, follow_up.operation = series, operation
    follow_up.window_closes_on = max(follow_up.window_opens_on, operation.performed_on)
    _ask(follow_up, timepoint, operation)
    return follow_up
