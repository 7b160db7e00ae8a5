"""Write audit events. Every service that changes data calls :func:`record` inside its transaction."""

import datetime
import decimal
import uuid

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from openspine.audit import chain
from openspine.audit.models import AuditEvent
from openspine.core import context

# Fields never written to the trail in clear: the trail shows that they changed, not their value.
MASKED_FIELDS = frozenset({"national_id", "phone", "name", "password", "token", "token_hash"})
MASK = "***"


def jsonable(value):
    """Return a JSON-friendly form of a model field value."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, Model):
        return str(getattr(value, "public_id", value.pk))
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Model, fields=None) -> dict:
    """Return the concrete field values of ``obj`` with identifiers masked."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        data[field.name] = MASK if field.name in MASKED_FIELDS and value else jsonable(value)
    return data


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Return only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _patient_id_of(obj) -> str:
    patient = obj if obj.__class__.__name__ == "Patient" else getattr(obj, "patient", None)
    public_id = getattr(patient, "public_id", None)
    return str(public_id) if public_id else ""


def record(
    actor, action: str, obj=None, *, before=None, after=None, reason: str = "", patient=None
) -> AuditEvent:
    """Append an audit event; call it inside the transaction of the change it records.

    The event is chained to the previous one. On PostgreSQL an advisory lock serialises writers so
    the chain has no forks; SQLite serialises writers by itself.
    """
    ctx = context.current()
    values = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None and getattr(actor, "pk", None) else None,
        "actor_username": getattr(actor, "username", "") or "",
        "actor_role": getattr(actor, "role", "") or "",
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(getattr(obj, "public_id", None) or getattr(obj, "pk", "") or "")
        if obj is not None
        else "",
        "patient_id": str(patient.public_id) if patient is not None else (_patient_id_of(obj) if obj else ""),
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "reason": reason or "",
        "request_id": ctx.request_id,
        "ip": ctx.ip,
    }
    with transaction.atomic():
        _lock_chain(actor)
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        prev_hash = last or chain.GENESIS
        return AuditEvent.objects.create(prev_hash=prev_hash, hash=chain.link(prev_hash, values), **values)


def actor_label(actor) -> str:
    """Return how the database triggers name the acting user: ``<id>:<role>``, or empty."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return f"{actor.pk}:{getattr(actor, 'role', '')}"


def set_database_actor(actor, *, local: bool = False) -> None:
    """Set ``openspine.actor`` for the row-capture triggers (PostgreSQL; a no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('openspine.actor', %s, %s)", [actor_label(actor), local])


def _lock_chain(actor) -> None:
    # One round trip: serialise chain writers and name the actor for the row-capture triggers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(727274), set_config('openspine.actor', %s, true)",
                [actor_label(actor)],
            )


def verify_chain() -> int | None:
    """Return the id of the first tampered audit event, or None if the whole chain verifies."""
    fields = ["id", "prev_hash", "hash", *(f for f in chain.CHAINED_FIELDS)]
    rows = AuditEvent.objects.order_by("id").values(*fields).iterator(chunk_size=2000)
    return chain.first_broken(rows)
