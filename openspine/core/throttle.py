"""A fixed-window limiter on the shared cache: ``hit`` counts an event, ``blocked`` asks before acting.

Every throttle of the project (failed sign-ins per address, invalid questionnaire links, failed
bearer tokens) goes through here, so they all live in the one cache that every worker process
shares (the database cache by default, see ``CACHES`` in the settings). A window opens with the
first event on a key and lasts ``window`` seconds; at ``limit`` events the key is blocked until the
window closes.

Keys are short ASCII strings such as ``signin:addr:203.0.113.7`` or ``api:token:<hash prefix>``:
callers hash anything secret before it becomes part of a key, because the cache table can be read.

Counts are best effort under concurrency: on the database cache two simultaneous events may count
once. The per-account lockout, which must be exact and audited, is in the database with row locks
(:mod:`openspine.accounts.lockout`); these throttles only slow a guesser down.
"""

import math
import time

from django.core.cache import caches

CACHE_ALIAS = "default"
PREFIX = "throttle:"


def _store():
    return caches[CACHE_ALIAS]


def _names(key: str) -> tuple[str, str]:
    return f"{PREFIX}{key}", f"{PREFIX}{key}:ends"


def hit(key: str, limit: int, window: int) -> bool:
    """Count one event on ``key`` in its window; return True if the key is now blocked (``limit`` reached)."""
    store, (name, ends_name) = _store(), _names(key)
    now = time.time()
    if store.add(name, 0, timeout=window):
        store.set(ends_name, now + window, timeout=window)
    try:
        count = store.incr(name)
    except ValueError:  # the window closed between add and incr: this event opens the next one
        store.set(name, 1, timeout=window)
        store.set(ends_name, now + window, timeout=window)
        count = 1
    # Some backends (the database cache among them) write the entry back with the default timeout on
    # incr: put the end of the window back so that it neither stretches nor shrinks.
    ends = store.get(ends_name) or now + window
    store.touch(name, max(1, math.ceil(ends - now)))
    return count >= limit


def count(key: str) -> int:
    """Return how many events ``key`` has had in its current window (0 when no window is open)."""
    return _store().get(_names(key)[0]) or 0


def blocked(key: str, limit: int) -> bool:
    """Return True while ``key`` has had ``limit`` events or more in its current window."""
    return count(key) >= limit


def retry_after(key: str) -> int:
    """Return the seconds until the window of ``key`` closes (0 when no window is open)."""
    ends = _store().get(_names(key)[1])
    return max(0, math.ceil(ends - time.time())) if ends else 0


def reset(key: str) -> None:
    """Forget the events of ``key`` (for example after a complete, successful sign-in)."""
    _store().delete_many(list(_names(key)))
