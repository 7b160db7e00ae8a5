"""Every change to patients, admissions and diagnoses: one transaction, one audit event each."""

from django.db import transaction

from openspine import audit
from openspine.audit.services import diff, snapshot
from openspine.core.locking import save_with_version
from openspine.patients.models import Admission, Diagnosis, Patient


def _create(model, action: str, *, actor, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    audit.record(actor, action, obj, after=snapshot(obj))
    return obj


def _update(obj, action: str, *, actor, expected_version: int | None = None, reason: str = "", **changes):
    before = snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    save_with_version(obj, obj.version if expected_version is None else expected_version)
    old, new = diff(before, snapshot(obj))
    audit.record(actor, action, obj, before=old, after=new, reason=reason)
    return obj


@transaction.atomic
def create_patient(*, actor, department=None, **fields) -> Patient:
    """Register a patient in the actor's department (or ``department`` for imports and the seed)."""
    return _create(
        Patient, "patients.patient.created", actor=actor, department=department or actor.department, **fields
    )


@transaction.atomic
def update_patient(patient: Patient, *, actor, expected_version: int | None = None, **changes) -> Patient:
    """Change a patient's details; a stale ``expected_version`` raises ConflictError and writes nothing."""
    return _update(
        patient, "patients.patient.updated", actor=actor, expected_version=expected_version, **changes
    )


@transaction.atomic
def add_admission(patient: Patient, *, actor, **fields) -> Admission:
    """Record an inpatient stay of ``patient``."""
    return _create(Admission, "patients.admission.created", actor=actor, patient=patient, **fields)


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
    """Record a spinal diagnosis of ``patient``."""
    return _create(Diagnosis, "patients.diagnosis.created", actor=actor, patient=patient, **fields)


@transaction.atomic
def update_diagnosis(
    diagnosis: Diagnosis, *, actor, expected_version: int | None = None, **changes
) -> Diagnosis:
    """Change a diagnosis."""
    return _update(
        diagnosis, "patients.diagnosis.updated", actor=actor, expected_version=expected_version, **changes
    )
