"""The keyed hash chain over audit events: canonical content, seals and verification of one stream.

Events form independent chains, the *streams*. In a stream, event ``seq`` n (from 1) stores the
previous event's ``hash`` as ``prev_hash`` (``GENESIS`` for the first) and its own ``hash``:
HMAC-SHA-256, under the audit key ``key_id`` with the purpose ``audit-chain``, of the stream, seq,
key id, previous hash and canonical content. An unkeyed SHA-256 could be recomputed by anyone who
edits a row; the MAC cannot be without the key, which never lives in the database.

Editing or reordering rows breaks a MAC or a link; deleting the newest rows leaves a valid but
shorter chain, which is why the heads are also anchored outside the database (``anchor.py``).
"""

import json

from openspine.core import crypto

GENESIS = "0" * 64
PURPOSE = "audit-chain"

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
# What a stored row needs, besides the chained fields, to be verified.
SEAL_FIELDS = ("id", "stream", "seq", "key_id", "prev_hash", "hash")


def canonical(values: dict) -> str:
    """Return the canonical JSON of an event's chained fields (sorted keys, ISO datetimes)."""
    data = {}
    for name in CHAINED_FIELDS:
        value = values[name]
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _message(prev_hash: str, values: dict, *, stream: int, seq: int, key_id: str) -> bytes:
    return f"{stream}:{seq}:{key_id}:{prev_hash}\n{canonical(values)}".encode()


def seal(prev_hash: str, values: dict, *, stream: int, seq: int) -> dict:
    """Return the chain columns of the event at ``seq`` of ``stream`` that follows ``prev_hash``."""
    ring = crypto.mac_keyring()
    key_id = ring.primary.key_id
    message = _message(prev_hash, values, stream=stream, seq=seq, key_id=key_id)
    return {
        "stream": stream,
        "seq": seq,
        "key_id": key_id,
        "prev_hash": prev_hash,
        "hash": ring.mac(PURPOSE, message, key_id=key_id),
    }


def row_problem(row: dict, *, expected_seq: int, expected_prev: str) -> str | None:
    """Return what is wrong with a stored event (a dict of SEAL_FIELDS and CHAINED_FIELDS), or None.

    ``expected_seq`` and ``expected_prev`` come from the event before it in the stream.
    """
    where = f"audit event {row['id']} (stream {row['stream']}, seq {row['seq']})"
    if row["seq"] != expected_seq or row["prev_hash"] != expected_prev:
        return (
            f"{where} does not follow seq {expected_seq - 1} of its stream: "
            "events before it were deleted, inserted or reordered"
        )
    message = _message(row["prev_hash"], row, stream=row["stream"], seq=row["seq"], key_id=row["key_id"])
    try:
        authentic = crypto.mac_keyring().verify(PURPOSE, message, key_id=row["key_id"], mac=row["hash"])
    except crypto.UnknownKeyError:
        return f"{where} is sealed with unknown key {row['key_id']!r} (add the old key to the keyring)"
    if not authentic:
        return f"{where} does not match its MAC: it was changed after it was written"
    return None
