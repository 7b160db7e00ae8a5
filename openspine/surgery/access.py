"""The only way to load operations and complications from a URL or API id (STYLE.md section 6).

404 when the user may not know the object exists (another department); 403 when their role may
not do ``action``. A successful ``view`` records a ``viewed`` audit event; a refusal ``access.denied``.
"""

from django.http import Http404

from openspine import audit
from openspine.patients.access import check_capability
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
    check_capability(user, OPERATION_CAPABILITY[action], target=str(public_id))
    operation = (
        Operation.objects.visible_to(user)
        .select_related("patient", "admission", "diagnosis", "primary_surgeon", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if operation is None:
        raise Http404
    if action == "view":
        audit.record(user, "surgery.operation.viewed", operation)
    return operation


def get_complication_for(user, public_id, *, action: str = "view") -> Complication:
    """Return the complication with ``public_id`` if ``user`` may ``action`` it."""
    check_capability(user, COMPLICATION_CAPABILITY[action], target=str(public_id))
    complication = (
        Complication.objects.visible_to(user)
        .select_related("operation", "operation__patient")
        .filter(public_id=public_id)
        .first()
    )
    if complication is None:
        raise Http404
    if action == "view":
        audit.record(user, "surgery.complication.viewed", complication)
    return complication
