"""Errors a clinician can read, raised by services when an action is not allowed."""


class DomainError(Exception):
    """Refuse an action for a domain reason (translated message, shown to the user as is)."""


class ConflictError(DomainError):
    """Refuse a save made against a stale version of the record (optimistic locking, T-41)."""

    def __init__(self, message, *, current=None):
        super().__init__(message)
        self.current = current
