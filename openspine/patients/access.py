"""The only way to load patient-bearing objects from a URL or API id (STYLE.md section 6).

404 when the user may not know the object exists (another department); 403 when their role may
not see identified patient data at all, or may see it but not do ``action``. Every successful load
of identified data records a ``viewed`` audit event; a refusal records ``access_denied``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from openspine import audit
from openspine.accounts.roles import can
from openspine.patients.models import Admission, Diagnosis, Patient

ACTION_CAPABILITY = {"view": "patient.view", "edit": "patient.edit"}


def check_capability(user, capability: str, *, target: str = "") -> None:
    """Raise PermissionDenied (and audit it) unless the user's role grants ``capability``."""
    if not can(user, capability):
        audit.record(user, "access.denied", None, after={"capability": capability, "target": target})
        raise PermissionDenied


def get_patient_for(user, public_id, *, action: str = "view") -> Patient:
    """Return the patient with ``public_id`` if ``user`` may ``action`` it."""
    check_capability(user, ACTION_CAPABILITY[action], target=str(public_id))
    patient = Patient.objects.visible_to(user).filter(public_id=public_id).first()
    if patient is None:
        raise Http404
    if action == "view":
        audit.record(user, "patients.patient.viewed", patient)
    return patient


def _get_patient_child(model, user, public_id, action: str):
    """Load a record of one of the user's department's patients; audit a view, 404 otherwise."""
    check_capability(user, ACTION_CAPABILITY[action], target=str(public_id))
    record = (
        model.objects.select_related("patient")
        .filter(public_id=public_id, patient__department_id=user.department_id)
        .first()
    )
    if record is None:
        raise Http404
    if action == "view":
        audit.record(user, f"patients.{model._meta.model_name}.viewed", record)
    return record


def get_admission_for(user, public_id, *, action: str = "view") -> Admission:
    """Return the admission with ``public_id`` if ``user`` may ``action`` its patient."""
    return _get_patient_child(Admission, user, public_id, action)


def get_diagnosis_for(user, public_id, *, action: str = "view") -> Diagnosis:
    """Return the diagnosis with ``public_id`` if ``user`` may ``action`` its patient."""
    return _get_patient_child(Diagnosis, user, public_id, action)
