"""Write audit events. Every service that changes data calls :func:`record` inside its transaction.

Events are spread over ``settings.AUDIT_STREAMS`` independent chains so that writers for different
patients do not queue on one lock. The stream is chosen by patient, else by object type and actor
(:func:`stream_for`). On PostgreSQL each stream has its own transaction-scoped advisory lock, and the
first event of a transaction decides its stream: later events of the same transaction join it, so a
transaction holds one stream lock and two transactions can never deadlock over the chain. SQLite
serialises writers by itself. After commit, the head of each written stream is anchored outside the
database (:mod:`openspine.audit.anchor`).
"""

import datetime
import decimal
import logging
import threading
import uuid
import zlib

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from openspine.audit import anchor, chain
from openspine.audit.models import AuditEvent
from openspine.core import context

logger = logging.getLogger(__name__)

# Chained fields stored as text columns.
TEXT_FIELDS = (
    "actor_username",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "reason",
    "request_id",
    "ip",
)
# Advisory lock namespace of the audit streams: pg_advisory_xact_lock(LOCK_NAMESPACE, stream).
LOCK_NAMESPACE = 727274

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


def _event_values(
    actor=None,
    action: str = "",
    obj=None,
    *,
    before=None,
    after=None,
    reason: str = "",
    patient=None,
    **precomputed,
) -> dict:
    """Return the chained field values of an event; ``precomputed`` values override derived ones."""
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
    values.update(precomputed)
    for name in TEXT_FIELDS:
        # Stored as text: seal the text form, or the row read back would no longer match its MAC.
        values[name] = str(values[name] or "")
    # Read back in UTC, so sealed in UTC: a +08:00 datetime would otherwise verify as tampered.
    values["occurred_at"] = values["occurred_at"].astimezone(datetime.UTC)
    return values


def stream_for(*, patient_id: str = "", object_type: str = "", actor_id=None) -> int:
    """Return the stream of an event: by patient, else by object type and actor (deterministic)."""
    key = f"patient:{patient_id}" if patient_id else f"{object_type}:{actor_id or ''}"
    return zlib.crc32(key.encode()) % settings.AUDIT_STREAMS


def _stream_of(values: dict) -> int:
    return stream_for(
        patient_id=values["patient_id"], object_type=values["object_type"], actor_id=values["actor_id"]
    )


def record(
    actor, action: str, obj=None, *, before=None, after=None, reason: str = "", patient=None
) -> AuditEvent:
    """Append an audit event; call it inside the transaction of the change it records.

    The event is chained to the head of its stream under that stream's lock, and the new head is
    anchored once the transaction commits. A failing write raises, so the change rolls back (T-37).
    """
    values = _event_values(actor, action, obj, before=before, after=after, reason=reason, patient=patient)
    with transaction.atomic():
        stream = _lock_stream(_stream_of(values), actor)
        seq, prev_hash = _head(stream)
        columns = chain.seal(prev_hash, values, stream=stream, seq=seq + 1)
        event = AuditEvent.objects.create(**values, **columns)
        _anchor_on_commit(anchor.Head(stream=stream, seq=event.seq, hash=event.hash, count=event.seq))
    return event


# Keywords of an event dict for record_many: those of record(), or precomputed chained values.
RECORD_KEYWORDS = frozenset({"actor", "action", "obj", "before", "after", "reason", "patient"})
PRECOMPUTED_KEYWORDS = frozenset(chain.CHAINED_FIELDS) - {"action", "before", "after", "reason"}


def record_many(events: list[dict]) -> int:
    """Append many audit events at once (bulk seeders); return how many were written.

    Each dict holds the keywords of :func:`record` (``actor``, ``action``, ``obj``, ``before``,
    ``after``, ``reason``, ``patient``) and/or precomputed chained values that override what would
    be derived (``occurred_at``, ``actor_id``, ``actor_username``, ``actor_role``, ``object_type``,
    ``object_id``, ``patient_id``, ``request_id``, ``ip``). ``action`` is required. The batch is
    chained and sealed under one lock per stream (taken in ascending order) and written with
    ``bulk_create`` in the caller's transaction; the heads are anchored on commit. An unknown keyword
    raises ValueError before anything is written.
    """
    prepared = [_event_values(**_checked(n, event)) for n, event in enumerate(events)]
    if not prepared:
        return 0
    with transaction.atomic():
        held = _held_stream()
        streams = [held if held is not None else _stream_of(values) for values in prepared]
        _lock_streams(sorted(set(streams)))
        heads = {stream: _head(stream) for stream in set(streams)}
        rows = []
        for values, stream in zip(prepared, streams, strict=True):
            seq, prev_hash = heads[stream]
            columns = chain.seal(prev_hash, values, stream=stream, seq=seq + 1)
            rows.append(AuditEvent(**values, **columns))
            heads[stream] = (seq + 1, columns["hash"])
        AuditEvent.objects.bulk_create(rows, batch_size=500)
        for stream, (seq, last_hash) in heads.items():
            _anchor_on_commit(anchor.Head(stream=stream, seq=seq, hash=last_hash, count=seq))
    return len(rows)


def _checked(number: int, event: dict) -> dict:
    unknown = sorted(set(event) - RECORD_KEYWORDS - PRECOMPUTED_KEYWORDS)
    if unknown:
        allowed = ", ".join(sorted(RECORD_KEYWORDS | PRECOMPUTED_KEYWORDS))
        raise ValueError(
            f"record_many: event {number} has unknown key(s) {', '.join(unknown)}; allowed: {allowed}"
        )
    if not event.get("action"):
        raise ValueError(f"record_many: event {number} has no action")
    return event


def _head(stream: int) -> tuple[int, str]:
    last = AuditEvent.objects.filter(stream=stream).order_by("-seq").values_list("seq", "hash").first()
    return last or (0, chain.GENESIS)


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


def _lock_stream(stream: int, actor) -> int:
    """Lock the stream of this transaction and return it; on PostgreSQL, name the actor too.

    One round trip: the stream already held by this transaction (a transaction-local setting) wins
    over ``stream``, so a transaction never waits for a second stream lock while holding one.
    """
    if connection.vendor != "postgresql":
        return stream
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pick.stream, pg_advisory_xact_lock(%s, pick.stream), "
            "set_config('openspine.audit_stream', pick.stream::text, true), "
            "set_config('openspine.actor', %s, true) "
            "FROM (SELECT coalesce(nullif(current_setting('openspine.audit_stream', true), '')::int, %s) "
            "AS stream) AS pick",
            [LOCK_NAMESPACE, actor_label(actor), stream],
        )
        return cursor.fetchone()[0]


def _held_stream() -> int | None:
    """Return the stream this transaction already holds (PostgreSQL), or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nullif(current_setting('openspine.audit_stream', true), '')::int")
        return cursor.fetchone()[0]


def _lock_streams(streams: list[int]) -> None:
    """Lock several streams in ascending order (PostgreSQL); the first becomes this transaction's."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for stream in streams:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s), set_config('openspine.audit_stream', %s, true)",
                [LOCK_NAMESPACE, stream, str(streams[0])],
            )


# The newest anchoring callback per (database, stream) of this thread: earlier ones of the same
# transaction leave the work to it, so a commit writes each stream's anchor once. If that callback is
# discarded (its savepoint rolled back), the anchor merely lags until the next commit: never ahead.
_latest = threading.local()


class _AnchorAfterCommit:
    """Anchor one stream head after commit, unless a later write of the transaction anchors a newer one."""

    def __init__(self, alias: str, head: anchor.Head):
        self.key = (alias, head.stream)
        self.head = head

    def __call__(self):
        pending = _pending()
        if pending.get(self.key) is not self:
            return
        del pending[self.key]
        try:
            anchor.get_store().advance(self.head)
        except (OSError, anchor.AnchorError):
            # The change is committed; failing the request now would mislead. verify_audit shows it.
            logger.exception("The audit anchor of stream %s could not be advanced", self.head.stream)


def _pending() -> dict:
    if not hasattr(_latest, "callbacks"):
        _latest.callbacks = {}
    return _latest.callbacks


def _anchor_on_commit(head: anchor.Head) -> None:
    callback = _AnchorAfterCommit(connection.alias, head)
    _pending()[callback.key] = callback
    transaction.on_commit(callback)
