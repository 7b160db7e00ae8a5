"""Structured security events (T-64): one JSON object per line on the ``openspine.security`` logger.

Events carry the request id and the user's numeric id, never a username typed at the login form,
a password, a token or a patient identifier. JSON encoding escapes CR/LF and control characters,
so a crafted value cannot forge a log line (T-65).
"""

import json
import logging

from openspine.core import context

logger = logging.getLogger("openspine.security")


def log_event(event: str, *, user=None, level: int = logging.INFO, **fields) -> None:
    """Write one security event such as ``accounts.login.failed``."""
    record = {
        "event": event,
        "request_id": context.current().request_id,
        "ip": context.current().ip,
        "user_id": getattr(user, "pk", None),
        **fields,
    }
    logger.log(level, json.dumps(record, ensure_ascii=True, sort_keys=True, default=str))
