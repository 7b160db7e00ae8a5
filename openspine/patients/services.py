"""Every change to patients, admissions and diagnoses: one transaction, one audit event each."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openspine import audit
from openspine.audit.services import diff, snapshot
from openspine.core.locking import save_with_version
from openspine.patients.choices import ConsentChannel, ConsentKind
from openspine.patients.consent_texts import CURRENT as CURRENT_CONSENT_TEXTS
from openspine.patients.models import (
    Admission,
    ConsentRecord,
    Diagnosis,
    Patient,
    PatientNameToken,
    name_token,
    name_token_terms,
)
from openspine.patients.signals import admission_recorded, contact_consent_withdrawn, diagnosis_recorded

# A unique key that lost a race with a concurrent save reaches the database as an IntegrityError;
# the column in the error names the form field to blame (T-75).
_UNIQUE_FIELDS = (
    ("national_id", gettext_lazy("A patient with this national ID number is already registered.")),
    ("mrn", gettext_lazy("A patient with this hospital number is already registered.")),
    ("admission_number", gettext_lazy("An admission with this admission number is already registered.")),
)


def _unique_write(write) -> None:
    """Run ``write`` in a savepoint; turn a unique-key race into a ValidationError naming the field."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError as error:
        for field, message in _UNIQUE_FIELDS:
            if field in str(error):
                raise ValidationError({field: message}) from error
        raise


def _create(model, action: str, *, actor, **fields):
    obj = model(**fields)
    obj.full_clean()
    _unique_write(obj.save)
    audit.record(actor, action, obj, after=snapshot(obj))
    return obj


def _update(obj, action: str, *, actor, expected_version: int | None = None, reason: str = "", **changes):
    before = snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    _unique_write(
        lambda: save_with_version(obj, obj.version if expected_version is None else expected_version)
    )
    old, new = diff(before, snapshot(obj))
    audit.record(actor, action, obj, before=old, after=new, reason=reason)
    return obj


INDEX_BATCH = 1000


def index_patient_names(patients: Iterable[Patient]) -> int:
    """(Re)build the keyed name tokens of ``patients`` (instances or a queryset); return tokens written.

    For each batch of :data:`INDEX_BATCH` patients, the old tokens are deleted and the new ones
    bulk-created, in one transaction (the caller's, if any). Patients must be saved (have a pk); a
    queryset is iterated in chunks, so the bulk seeder and key rotation can pass every patient.
    """
    written = 0
    batch: list[Patient] = []
    rows = patients.iterator(chunk_size=INDEX_BATCH) if hasattr(patients, "iterator") else patients
    with transaction.atomic():
        for patient in rows:
            batch.append(patient)
            if len(batch) >= INDEX_BATCH:
                written += _index_batch(batch)
                batch = []
        if batch:
            written += _index_batch(batch)
    return written


def _index_batch(patients: list[Patient]) -> int:
    PatientNameToken.objects.filter(patient_id__in=[p.pk for p in patients]).delete()
    tokens = [
        PatientNameToken(patient_id=patient.pk, token=name_token(term))
        for patient in patients
        for term in sorted(name_token_terms(patient.name))
    ]
    PatientNameToken.objects.bulk_create(tokens, batch_size=INDEX_BATCH)
    return len(tokens)


@transaction.atomic
def create_patient(*, actor, department=None, contact_consent: bool = False, **fields) -> Patient:
    """Register a patient in the actor's department (or ``department`` for imports and the seed).

    ``contact_consent=True`` records a follow-up contact consent given at registration (in person,
    current text), so the flag and the consent records never disagree.
    """
    patient = _create(
        Patient, "patients.patient.created", actor=actor, department=department or actor.department, **fields
    )
    index_patient_names([patient])
    if contact_consent:
        record_consent(patient, ConsentKind.FOLLOW_UP_CONTACT, True, actor=actor)
    return patient


@transaction.atomic
def update_patient(patient: Patient, *, actor, expected_version: int | None = None, **changes) -> Patient:
    """Change a patient's details; a stale ``expected_version`` raises ConflictError and writes nothing.

    A change of ``contact_consent`` is recorded as a consent decision (and may withdraw contact).
    """
    consent = changes.pop("contact_consent", None)
    patient = _update(
        patient, "patients.patient.updated", actor=actor, expected_version=expected_version, **changes
    )
    if "name" in changes:
        index_patient_names([patient])
    if consent is not None and consent != patient.contact_consent:
        record_consent(patient, ConsentKind.FOLLOW_UP_CONTACT, consent, actor=actor)
    return patient


@transaction.atomic
def record_consent(
    patient: Patient,
    kind: str,
    granted: bool,
    *,
    actor,
    channel: str = ConsentChannel.IN_PERSON,
    text_version: str = "",
    text_hash: str = "",
    witness: str = "",
    decided_at=None,
) -> ConsentRecord:
    """Record a patient's decision to give or withdraw one kind of consent (T-51).

    Without ``text_version`` the current text of :mod:`consent_texts` is meant. A follow-up contact
    decision sets ``Patient.contact_consent`` (which the follow-up engine reads); a withdrawal sends
    :data:`contact_consent_withdrawn` in this transaction so pending contact is cancelled with it.
    """
    consent = build_consent_record(
        patient,
        kind,
        granted,
        actor=actor,
        channel=channel,
        text_version=text_version,
        text_hash=text_hash,
        witness=witness,
        decided_at=decided_at,
    )
    consent.full_clean()
    consent.save()
    audit.record(actor, "patients.consent.recorded", consent, after=snapshot(consent), patient=patient)
    if kind == ConsentKind.FOLLOW_UP_CONTACT:
        _sync_contact_consent(patient, consent, actor=actor)
    return consent


def build_consent_record(
    patient: Patient,
    kind: str,
    granted: bool,
    *,
    actor,
    channel: str = ConsentChannel.IN_PERSON,
    text_version: str = "",
    text_hash: str = "",
    witness: str = "",
    decided_at=None,
) -> ConsentRecord:
    """Return the unsaved consent record that :func:`record_consent` validates and saves.

    Refuses an unknown ``kind``; the caller runs ``full_clean`` (the bulk demo seeder runs the checks
    that need no query, having written the patient and the recording user itself).
    """
    if kind not in ConsentKind.values:
        raise ValidationError(
            {
                "kind": _("Unknown kind of consent; allowed: %(kinds)s.")
                % {"kinds": ", ".join(ConsentKind.values)}
            }
        )
    current = CURRENT_CONSENT_TEXTS[kind]
    consent = ConsentRecord(
        patient=patient,
        kind=kind,
        granted=granted,
        channel=channel,
        text_version=text_version or current.version,
        text_hash=text_hash
        or (current.sha256 if not text_version or text_version == current.version else ""),
        witness=witness,
        decided_at=decided_at or timezone.now(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    return consent


def _sync_contact_consent(patient: Patient, consent: ConsentRecord, *, actor) -> None:
    # A plain column update: the consent is not an edit of the patient's details, so it must not
    # bump the version and turn someone's open edit form into a conflict.
    Patient.objects.filter(pk=patient.pk).update(contact_consent=consent.granted)
    patient.contact_consent = consent.granted
    # Sent on every withdrawal, even a repeated one: receivers are idempotent and a missed
    # cancellation would be worse than a redundant one.
    if not consent.granted:
        contact_consent_withdrawn.send(sender=Patient, patient=patient, actor=actor, consent=consent)


def current_consents(patient: Patient) -> dict[str, ConsentRecord | None]:
    """Return the latest decision per consent kind (None where nothing was recorded)."""
    latest = {kind: None for kind in ConsentKind.values}
    for consent in patient.consents.order_by("decided_at", "id"):
        latest[consent.kind] = consent
    return latest


@transaction.atomic
def add_admission(patient: Patient, *, actor, **fields) -> Admission:
    """Record an inpatient stay of ``patient``; sends ``admission_recorded`` in the transaction."""
    admission = _create(Admission, "patients.admission.created", actor=actor, patient=patient, **fields)
    admission_recorded.send(sender=Admission, admission=admission, actor=actor)
    return admission


@transaction.atomic
def update_admission(
    admission: Admission, *, actor, expected_version: int | None = None, **changes
) -> Admission:
    """Change an admission (typically its discharge date and destination)."""
    return _update(
        admission, "patients.admission.updated", actor=actor, expected_version=expected_version, **changes
    )


@transaction.atomic
def add_diagnosis(patient: Patient, *, actor, **fields) -> Diagnosis:
    """Record a spinal diagnosis of ``patient``; sends ``diagnosis_recorded`` in the transaction."""
    diagnosis = _create(Diagnosis, "patients.diagnosis.created", actor=actor, patient=patient, **fields)
    diagnosis_recorded.send(sender=Diagnosis, diagnosis=diagnosis, actor=actor)
    return diagnosis


@transaction.atomic
def update_diagnosis(
    diagnosis: Diagnosis, *, actor, expected_version: int | None = None, **changes
) -> Diagnosis:
    """Change a diagnosis."""
    return _update(
        diagnosis, "patients.diagnosis.updated", actor=actor, expected_version=expected_version, **changes
    )
