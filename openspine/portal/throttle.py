"""Throttling of invalid questionnaire links (T-29) and the structured security log (T-64).

Counts live in the shared cache (:mod:`openspine.core.throttle`), so every worker process sees the
same numbers, and they are kept per client address (behind a trusted proxy, the real client's) and
per presented token. A token becomes part of a cache key only as a hash: the cache table is readable.
"""

import hashlib
import logging

from openspine.accounts.security_log import log_event
from openspine.core import throttle

INVALID_TOKEN_LIMIT = 20
INVALID_TOKEN_WINDOW_SECONDS = 10 * 60


def _keys(ip: str, token: str | None) -> list[str]:
    keys = [f"portal:addr:{ip}"]
    if token:
        keys.append(f"portal:token:{hashlib.sha256(token.encode()).hexdigest()[:32]}")
    return keys


def is_blocked(ip: str, token: str | None = None) -> bool:
    """Return True when ``ip`` (or ``token``) has already had too many invalid tokens in the window."""
    return any(throttle.blocked(key, INVALID_TOKEN_LIMIT) for key in _keys(ip, token))


def count_invalid(ip: str, token: str | None = None) -> int:
    """Count one invalid token from ``ip`` in a fixed 10-minute window and return the address's count."""
    for key in _keys(ip, token):
        throttle.hit(key, INVALID_TOKEN_LIMIT, INVALID_TOKEN_WINDOW_SECONDS)
    return throttle.count(f"portal:addr:{ip}")


def log_security_event(event: str, **fields) -> None:
    """Write one structured security event (never the token or the path that carries it)."""
    log_event(event, level=logging.WARNING, **fields)
