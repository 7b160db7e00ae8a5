"""Per-IP throttling of invalid questionnaire links (T-29) and the structured security log (T-64)."""

import json
import logging

from django.core.cache import cache

from openspine.core import context

INVALID_TOKEN_LIMIT = 20
INVALID_TOKEN_WINDOW_SECONDS = 10 * 60

security_log = logging.getLogger("openspine.security")


def _key(ip: str) -> str:
    return f"portal:invalid-token:{ip}"


def is_blocked(ip: str) -> bool:
    """Return True when ``ip`` has already sent more invalid tokens than allowed in the window."""
    return (cache.get(_key(ip)) or 0) >= INVALID_TOKEN_LIMIT


def count_invalid(ip: str) -> int:
    """Count one invalid token from ``ip`` in a fixed 10-minute window and return the count."""
    key = _key(ip)
    cache.add(key, 0, timeout=INVALID_TOKEN_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=INVALID_TOKEN_WINDOW_SECONDS)
        return 1


def log_security_event(event: str, **fields) -> None:
    """Write one JSON security event with the request id and client IP (never a token)."""
    ctx = context.current()
    payload = {"event": event, "request_id": ctx.request_id, "ip": ctx.ip, **fields}
    security_log.warning(json.dumps(payload, sort_keys=True, ensure_ascii=True))
