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


def load_for(user, queryset, public_id, *, capability: str, viewed: str = ""):
    """Load one object of ``queryset`` (already limited to what ``user`` may know) by ``public_id``.

    403 (audited) when the role lacks ``capability``; 404 when the object is not in ``queryset``;
    records the ``viewed`` audit event when one is named. Every ``get_<model>_for`` is a thin call.
    """
    check_capability(user, capability, target=str(public_id))
    obj = queryset.filter(public_id=public_id).first()
    if obj is None:
        raise Http404
    if viewed:
        audit.record(user, viewed, obj)
    return obj


def record_opened(user, obj, *, purpose: str = "edit") -> None:
    """Record that ``user`` opened a form on ``obj``, which shows the patient's identifiers (T-35).

    Views call it on GET: the access functions load with ``action="edit"`` and record nothing, and
    saving is audited by the service.
    """
    audit.record(user, f"{obj._meta.app_label}.{obj._meta.model_name}.opened_for_{purpose}", obj)


def get_patient_for(user, public_id, *, action: str = "view") -> Patient:
    """Return the patient with ``public_id`` if ``user`` may ``action`` it."""
    viewed = "patients.patient.viewed" if action == "view" else ""
    queryset = Patient.objects.visible_to(user)
    return load_for(user, queryset, public_id, capability=ACTION_CAPABILITY[action], viewed=viewed)


def _get_patient_child(model, user, public_id, action: str):
    """Load a record of one of the user's department's patients."""
    queryset = model.objects.select_related("patient").filter(patient__department_id=user.department_id)
    viewed = f"patients.{model._meta.model_name}.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=ACTION_CAPABILITY[action], viewed=viewed)


def get_admission_for(user, public_id, *, action: str = "view") -> Admission:
    """Return the admission with ``public_id`` if ``user`` may ``action`` its patient."""
    return _get_patient_child(Admission, user, public_id, action)


def get_diagnosis_for(user, public_id, *, action: str = "view") -> Diagnosis:
    """Return the diagnosis with ``public_id`` if ``user`` may ``action`` its patient."""
    return _get_patient_child(Diagnosis, user, public_id, action)
