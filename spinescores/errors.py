"""The one error family of spinescores.

Every invalid input raises :class:`ScoreInputError` (a ``ValueError``), whose message names the
item, the value given and what is allowed, in the spirit of pydicom's ``errors.py``: the message
tells the caller how to fix the input.
"""

from __future__ import annotations

from collections.abc import Iterable


class SpinescoresError(ValueError):
    """Base class of every error raised on purpose by spinescores."""


class ScoreInputError(SpinescoresError):
    """Reject an input value, naming the item, the value given and the allowed values."""

    def __init__(self, item: str, value: object, allowed: str | Iterable[object], hint: str = ""):
        self.item = item
        self.value = value
        if isinstance(allowed, str):
            self.allowed = allowed
        else:
            self.allowed = ", ".join(repr(a) for a in allowed)
        message = f"{item}: got {value!r}; allowed: {self.allowed}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UnknownInstrumentError(SpinescoresError):
    """Reject an instrument or scheme code that is not in the catalogue."""

    def __init__(self, code: str, known: Iterable[str]):
        self.code = code
        super().__init__(f"unknown instrument code {code!r}; known codes: {', '.join(sorted(known))}")
