"""Write planned demo patients with a few bulk inserts per table, as the services would have written them.

The services write one patient in about eighty queries; this writer writes a batch of patients
with one statement per table (:mod:`openspine.demo.rows`). It keeps what makes the data trustworthy:

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
* **Follow-up scheduling** follows the follow-up services step by step
  (:mod:`openspine.demo.bulk_followups`).

The equivalence test of the two paths (``tests/openspine/test_seed_bulk.py``) compares every
table row by row. The demo never records a death or a refusal of contact, so the baseline's "not
for the deceased or refusing" rule never applies here.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from openspine.audit.services import record_many, snapshot
from openspine.demo.bulk_followups import FollowUpScheduler
from openspine.demo.events import ADMISSION, COMPLICATION, DIAGNOSIS, OPERATION, SIGNED, Events
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
from openspine.proms.models import FollowUp, FollowUpSeries, FollowUpTransition
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


class BulkWriter:
    """Write batches of :class:`openspine.demo.plan.PatientPlan` with bulk inserts."""

    def __init__(self, staff, today, rng_for):
        self.staff, self.today, self.rng_for = staff, today, rng_for
        self.seeder = staff.seeder
        self.follow_ups = FollowUpScheduler(staff.seeder, today, rng_for)

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
        baselines = self.follow_ups.open_baselines(stays, patients, admissions, diagnoses, events)
        operations = self._operations(stays, patients, admissions, diagnoses, events)
        series, follow_ups, cancelled = self.follow_ups.schedule(stays, operations, baselines, events)
        self._complications(stays, operations, events)
        played = self.follow_ups.play(follow_ups, operations)
        # Parents first; saved parents fill their children's foreign keys.
        insert(series, model=FollowUpSeries)
        insert(follow_ups, model=FollowUp)
        insert(cancelled, model=FollowUpTransition)
        history.write_history(played, insert=insert, update=False)
        events.write()
        history.record_history(played)
        written = [(stay, operations[(plan.index, n)]) for plan, n, stay in stays]
        return written, sum(1 for fu in follow_ups if fu.operation_id is not None)

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
        # In the order create_patient and the seeder's record_consent write them: contact, then research.
        kinds = [
            (ConsentKind.FOLLOW_UP_CONTACT, [plan for plan in plans if plan.contact_consent], 1),
            (ConsentKind.RESEARCH_USE, [plan for plan in plans if plan.research_consent], 2),
        ]
        for kind, consenting, step in kinds:
            records = []
            for plan in consenting:
                record = build_consent_record(patients[plan.index], kind, True, actor=self.seeder)
                _valid(record, record.clean, exclude=["patient", "recorded_by"])
                records.append(record)
            insert(records, model=ConsentRecord)
            if kind == ConsentKind.FOLLOW_UP_CONTACT:
                # As record_consent does: a plain column update, so the patient's version does not move.
                ids = [patients[plan.index].pk for plan in consenting]
                Patient.objects.filter(pk__in=ids).update(contact_consent=True)
                for plan in consenting:
                    patients[plan.index].contact_consent = True
            for plan, record in zip(consenting, records, strict=True):
                events.add(
                    plan,
                    -1,
                    step,
                    self.seeder,
                    "patients.consent.recorded",
                    record,
                    after=snapshot(record),
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
            team += [
                OperationTeamMember(operation=operation, user=user, role=role, portion=portion)
                for user, role, portion in members
            ]
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
