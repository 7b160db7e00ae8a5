"""Errors a clinician can read, raised by services when an action is not allowed."""


class DomainError(Exception):
    """Refuse an action for a domain reason (translated message, shown to the user as is)."""


class ConflictError(DomainError):
    """Refuse a save made against a stale version of the record (optimistic locking, T-41)."""

    def __init__(self, message, *, current=None):
        super().__init__(message)
        self.current = current


class Throttled(Exception):
    """Refuse a request for a while: too many failed attempts on its address, token or account.

    ``retry_after`` is the number of seconds until the window closes; the API answers 429 with a
    ``Retry-After`` header carrying it (RFC 9110 section 10.2.3), so a well-behaved client waits.
    """

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
