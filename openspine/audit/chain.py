"""The hash chain over audit events: canonical content and verification."""

import hashlib
import json

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "before",
    "after",
    "reason",
    "request_id",
    "ip",
)


def canonical(values: dict) -> str:
    """Return the canonical JSON of an event's chained fields (sorted keys, ISO datetimes)."""
    data = {}
    for name in CHAINED_FIELDS:
        value = values[name]
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def link(prev_hash: str, values: dict) -> str:
    """Return the hash of an event given the previous event's hash."""
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def first_broken(rows) -> int | None:
    """Return the id of the first event whose stored hashes do not verify, or None if all do.

    ``rows`` yields dicts with ``id``, ``prev_hash``, ``hash`` and the chained fields, in id order.
    """
    expected_prev = GENESIS
    for row in rows:
        if row["prev_hash"] != expected_prev or link(row["prev_hash"], row) != row["hash"]:
            return row["id"]
        expected_prev = row["hash"]
    return None
