"""Seal sign-offs with a keyed MAC, so that an edit made behind the application is detected (T-43).

A signature stores the SHA-256 of the record's canonical content (``content_hash``, shown as the
content fingerprint) and a *seal*: HMAC-SHA-256, under the audit keyring with its own purpose
(``signature``), of the operation, the signer, the printed name, the meaning, the time and that
content hash. Someone who edits the record with SQL can recompute the plain SHA-256 but not the
seal, and a seal copied from another signature does not fit. The key id is stored with the seal so
that keys can rotate. Plain values in, so the data migration can use it too.
"""

import datetime
import json

from openspine.core import crypto

PURPOSE = "signature"


def _message(*, operation_id, signer_id, signer_name, meaning, signed_at, content_hash, key_id) -> bytes:
    data = {
        "operation": str(operation_id),
        "signer": signer_id,
        "signer_name": signer_name,
        "meaning": meaning,
        "signed_at": signed_at.astimezone(datetime.UTC).isoformat(),
        "content_hash": content_hash,
        "key_id": key_id,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal(**values) -> tuple[str, str]:
    """Return ``(key id, MAC)`` sealing a signature's values under the primary audit key.

    ``values``: ``operation_id`` (the operation's public id), ``signer_id``, ``signer_name``,
    ``meaning``, ``signed_at`` and ``content_hash``.
    """
    ring = crypto.mac_keyring()
    key_id = ring.primary.key_id
    return key_id, ring.mac(PURPOSE, _message(**values, key_id=key_id), key_id=key_id)


def is_sealed(*, key_id: str, mac: str, **values) -> bool:
    """Return True if ``mac`` seals ``values``; False for a wrong, missing or unknown-key seal."""
    if not key_id or not mac:
        return False
    try:
        return crypto.mac_keyring().verify(PURPOSE, _message(**values, key_id=key_id), key_id=key_id, mac=mac)
    except crypto.UnknownKeyError:
        return False
