"""Per-IP throttling of invalid questionnaire links (T-29) and the structured security log (T-64)."""

import logging

from django.core.cache import cache

from openspine.accounts.security_log import log_event

INVALID_TOKEN_LIMIT = 20
INVALID_TOKEN_WINDOW_SECONDS = 10 * 60


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
    """Write one structured security event (never the token or the path that carries it)."""
    log_event(event, level=logging.WARNING, **fields)
