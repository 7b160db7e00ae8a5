"""The only way to load operations and complications from a URL or API id (STYLE.md section 6).

404 when the user may not know the object exists (another department); 403 when their role may
not do ``action``. A successful ``view`` records a ``viewed`` audit event; a refusal ``access.denied``.
"""

from openspine.patients.access import load_for
from openspine.surgery.models import Complication, Operation

OPERATION_CAPABILITY = {
    "view": "patient.view",
    "edit": "operation.edit",
    "sign": "operation.sign",
    "complicate": "complication.edit",  # record a complication against the operation
}
COMPLICATION_CAPABILITY = {"view": "patient.view", "edit": "complication.edit"}


def get_operation_for(user, public_id, *, action: str = "view") -> Operation:
    """Return the operation with ``public_id`` if ``user`` may ``action`` it."""
    queryset = Operation.objects.visible_to(user).select_related(
        "patient", "admission", "diagnosis", "primary_surgeon", "created_by"
    )
    viewed = "surgery.operation.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=OPERATION_CAPABILITY[action], viewed=viewed)


def get_complication_for(user, public_id, *, action: str = "view") -> Complication:
    """Return the complication with ``public_id`` if ``user`` may ``action`` it."""
    queryset = Complication.objects.visible_to(user).select_related("operation", "operation__patient")
    viewed = "surgery.complication.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=COMPLICATION_CAPABILITY[action], viewed=viewed)
