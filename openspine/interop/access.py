"""The only way to load import batches and HL7 messages from a URL (STYLE.md section 6)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from openspine import audit
from openspine.accounts.roles import can
from openspine.interop.models import HL7Message, ImportBatch, PatientMerge


def get_batch_for(user, public_id, *, action: str = "view") -> ImportBatch:
    """Return the batch with ``public_id`` of the user's department if they may import.

    404 when the batch is not the department's (the user may not know it exists); 403 (audited)
    when it is but the role may not import. A view records ``interop.importbatch.viewed``: the
    preview lists 病案号.
    """
    department_id = getattr(user, "department_id", None)
    batch = ImportBatch.objects.filter(public_id=public_id, department_id=department_id).first()
    if batch is None or not department_id:
        raise Http404
    if not can(user, "interop.import"):
        audit.record(
            user, "access.denied", None, after={"capability": "interop.import", "target": str(public_id)}
        )
        raise PermissionDenied
    if action == "view":
        audit.record(user, "interop.importbatch.viewed", batch)
    return batch


def get_message_for(user, public_id) -> HL7Message:
    """Return the HL7 message with ``public_id`` to an administrator of the feed; 404 to anyone else."""
    if not can(user, "interop.hl7.manage"):
        audit.record(
            user, "access.denied", None, after={"capability": "interop.hl7.manage", "target": str(public_id)}
        )
        raise Http404
    message = HL7Message.objects.filter(public_id=public_id).first()
    if message is None:
        raise Http404
    return message


def get_merge_for(user, public_id) -> PatientMerge:
    """Return a merge of the user's department to someone who may merge; 404 for another department's."""
    department_id = getattr(user, "department_id", None)
    merge = PatientMerge.objects.select_related("survivor", "duplicate").filter(public_id=public_id).first()
    if merge is None or not department_id or merge.survivor.department_id != department_id:
        raise Http404
    if not can(user, "interop.merge"):
        audit.record(
            user, "access.denied", None, after={"capability": "interop.merge", "target": str(public_id)}
        )
        raise PermissionDenied
    return merge
