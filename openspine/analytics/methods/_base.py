"""Errors, parameter records and input checks shared by every method module.

Every refusal is an :class:`AnalyticsInputError` (a ``ValueError``) naming the field, the value
given and what is allowed, as spinescores' ``ScoreInputError`` does; refusals a clinician will
read on a page (too few events, a threshold the reference does not have) have their own classes
so a page can say why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

# The two funnel-plot levels of Spiegelhalter 2005 (outcomes.md section 4.1): 95 % "alert" and
# 99.8 % "alarm", as central coverage.
ALERT = 0.95
ALARM = 0.998

Params = tuple[tuple[str, Any], ...]


def params(**values: Any) -> Params:
    """Return the parameters of a computation as sorted, hashable pairs (kept on every result)."""
    return tuple(sorted((key, _frozen(value)) for key, value in values.items()))


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_frozen(v) for v in value)
    return value


class AnalyticsError(ValueError):
    """Base class of every error raised on purpose by the analytics methods."""


class AnalyticsInputError(AnalyticsError):
    """Reject an input value, naming the field, the value given and the allowed values."""

    def __init__(self, field: str, value: object, allowed: str | Iterable[object]):
        self.field = field
        self.value = value
        self.allowed = allowed if isinstance(allowed, str) else ", ".join(repr(a) for a in allowed)
        super().__init__(
            gettext("%(field)s: got %(value)s; allowed: %(allowed)s")
            % {"field": field, "value": repr(value), "allowed": self.allowed}
        )


def check_count(field: str, value: Any, *, minimum: int = 0) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``, else refuse it."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != int(value)
        or value < minimum
    ):
        raise AnalyticsInputError(field, value, f"a whole number >= {minimum}")
    return int(value)


def check_number(
    field: str,
    value: Any,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """Return ``value`` as a float if it is finite and inside the given range, else refuse it."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > low if open_low else value >= low) and (value < high if open_high else value <= high)
    if not ok:
        left, right = "(" if open_low else "[", ")" if open_high else "]"
        raise AnalyticsInputError(field, value, f"a finite number in {left}{low:g}, {high:g}{right}")
    return float(value)


def check_confidence(confidence: Any) -> float:
    """Return a two-sided confidence level strictly between 0 and 1."""
    return check_number("confidence", confidence, low=0, high=1, open_low=True, open_high=True)


def check_choice(field: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else refuse it listing the allowed values."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise AnalyticsInputError(field, value, allowed)
    return value
