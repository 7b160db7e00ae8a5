"""Builders of interop objects for the tests and the access matrix (synthetic only)."""

import hashlib
import uuid

from openspine.accounts.models import User
from openspine.interop.choices import MessageStatus
from openspine.interop.models import HL7Message, ImportBatch


def make_batch(department, **overrides):
    """A previewed, empty batch of ``department`` (committing it writes nothing)."""
    creator = User.objects.filter(department=department).first()
    fields = {
        "hospital": "main",
        "department": department,
        "filename": "frontpage.xlsx",
        "file_sha256": hashlib.sha256(b"").hexdigest(),
        "created_by": creator,
        "counts": {},
    }
    fields.update(overrides)
    return ImportBatch.objects.create(**fields)


def make_dead_message(**overrides):
    fields = {
        "sending_application": "HIS",
        "control_id": uuid.uuid4().hex[:12],
        "message_type": "ADT^A40",
        "raw": "MSH|^~\\\\&|HIS|H|OS|S|20260101||ADT^A40|X|P|2.5\\r",
        "status": MessageStatus.DEAD,
        "error": "merge by hand",
    }
    fields.update(overrides)
    return HL7Message.objects.create(**fields)


def make_merge(actor):
    """A merge of two fresh patients of the actor's department (nothing moved; undo is a no-op)."""
    from openspine.interop.merge import merge_patients
    from tests import builders

    survivor = builders.make_patient(actor=actor)
    duplicate = builders.make_patient(actor=actor)
    return merge_patients(survivor, duplicate, actor=actor, reason="same person")
