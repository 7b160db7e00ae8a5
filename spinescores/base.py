"""Metadata and result types shared by every instrument and scheme.

Each module in ``spinescores.prom`` and ``spinescores.classification`` exposes ``INSTRUMENT`` (an
:class:`Instrument`) and one entry point, ``score(responses, **options)`` for questionnaires and
clinician scores or ``classify(inputs, **options)`` for classifications, returning a frozen result
dataclass derived from :class:`Result`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from spinescores.errors import ScoreInputError

HIGHER_IS_BETTER = "higher_is_better"
HIGHER_IS_WORSE = "higher_is_worse"

# Result flags. A flag is a short stable string; the UI decides how to show it.
NEEDS_REVIEW = "needs_review"  # the scheme cannot decide from the inputs: a clinician must
UNVALIDATED = "unvalidated"  # a value used is tagged unconfirmed in the reference
PRORATED = "prorated"  # the score was computed from fewer items than the full set


@dataclass(frozen=True)
class Reference:
    """A published source of an instrument, a value set or a threshold."""

    first_author: str
    year: int
    journal: str
    title: str = ""
    doi: str = ""

    def __str__(self) -> str:
        return f"{self.first_author} {self.year}, {self.journal}"


@dataclass(frozen=True)
class Option:
    """One allowed response value of an item, with short topic labels in English and Chinese."""

    value: Any
    label_en: str = ""
    label_zh: str = ""


@dataclass(frozen=True)
class Item:
    """One question, measurement or input of an instrument.

    ``kind`` is ``"choice"`` (value must be one of ``options``), ``"integer"`` or ``"number"``
    (between ``minimum`` and ``maximum`` inclusive), ``"boolean"``, or ``"text"``. ``topic_en`` and
    ``topic_zh`` are topic labels written by us, never licensed item wording.
    """

    id: str
    topic_en: str
    topic_zh: str = ""
    kind: str = "choice"
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    required: bool = True
    not_applicable_allowed: bool = False

    @property
    def allowed_values(self) -> tuple[Any, ...]:
        return tuple(option.value for option in self.options)

    def validate(self, value: Any) -> Any:
        """Return ``value`` if allowed for this item, else raise :class:`ScoreInputError`."""
        if self.kind == "choice":
            # Return the canonical allowed value: spreadsheets turn 2 into 2.0, and 2.0 == 2 in Python,
            # so callers get the int back rather than a float that breaks later arithmetic or lookups.
            allowed = self.allowed_values
            if not isinstance(value, bool):
                for option in allowed:
                    if value == option and not isinstance(option, bool):
                        return option
            raise ScoreInputError(self.id, value, allowed)
        if self.kind == "boolean":
            if not isinstance(value, bool):
                raise ScoreInputError(self.id, value, "True or False")
            return value
        if self.kind in ("integer", "number"):
            return self._validate_number(value)
        if not isinstance(value, str):
            raise ScoreInputError(self.id, value, "a text value")
        return value

    def _validate_number(self, value: Any) -> Any:
        allowed = self._range_text()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScoreInputError(self.id, value, allowed)
        if self.kind == "integer" and not float(value).is_integer():
            raise ScoreInputError(self.id, value, allowed)
        if isinstance(value, float) and not math.isfinite(value):
            raise ScoreInputError(self.id, value, allowed)
        if self.minimum is not None and value < self.minimum:
            raise ScoreInputError(self.id, value, allowed)
        if self.maximum is not None and value > self.maximum:
            raise ScoreInputError(self.id, value, allowed)
        return value

    def _range_text(self) -> str:
        kind = "a whole number" if self.kind == "integer" else "a number"
        low = "-inf" if self.minimum is None else f"{self.minimum:g}"
        high = "+inf" if self.maximum is None else f"{self.maximum:g}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{kind} from {low} to {high}{unit}"


@dataclass(frozen=True)
class Instrument:
    """Metadata of an instrument or scheme: enough to document it and to render a form from it.

    ``kind`` is ``"prom"`` (patient-reported), ``"clinician"`` (clinician-rated score) or
    ``"classification"``. ``version`` is the stored version string, e.g. ``"sins@fisher2010"``.
    ``confidence`` carries the reference's verification tag (V, M, C, P, U).
    """

    code: str
    name: str
    version: str
    kind: str
    items: tuple[Item, ...]
    references: tuple[Reference, ...]
    score_range: tuple[float, float] | None = None
    direction: str | None = None
    licence: str = ""
    confidence: str = ""
    name_zh: str = ""
    notes: str = ""

    def item(self, item_id: str) -> Item:
        """Return the item with this id, or raise :class:`ScoreInputError` naming the known ids."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise ScoreInputError("item", item_id, [i.id for i in self.items])

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


def frozen_mapping(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """Return a read-only copy of ``data``, for mapping fields of frozen results."""
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Result:
    """What every entry point returns; modules subclass it as ``<Name>Result``.

    ``value`` is the numeric score (or ``None`` when it cannot be computed), ``category`` the class
    or band for classifications, ``interpretation`` a short stable band code, ``subscores`` named
    components, ``missing_items`` the ids that were not answered, ``flags`` values such as
    :data:`NEEDS_REVIEW`, and ``version`` the instrument version string.
    """

    code: str
    version: str
    value: float | None = None
    category: str | None = None
    interpretation: str | None = None
    subscores: Mapping[str, Any] = field(default_factory=frozen_mapping)
    missing_items: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=frozen_mapping)

    def to_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable dict of the result."""
        return {
            "code": self.code,
            "version": self.version,
            "value": self.value,
            "category": self.category,
            "interpretation": self.interpretation,
            "subscores": dict(self.subscores),
            "missing_items": list(self.missing_items),
            "flags": list(self.flags),
            "details": dict(self.details),
        }


def require_mapping(responses: Any, what: str = "responses") -> Mapping[str, Any]:
    """Raise :class:`ScoreInputError` unless ``responses`` is a mapping of item id to value."""
    if not isinstance(responses, Mapping):
        raise ScoreInputError(what, type(responses).__name__, "a mapping of item id to value")
    return responses


def reject_unknown(instrument: Instrument, responses: Mapping[str, Any], extra: Iterable[str] = ()) -> None:
    """Raise :class:`ScoreInputError` for any key that is not an item id of ``instrument``."""
    known = set(instrument.item_ids) | set(extra)
    for key in responses:
        if key not in known:
            raise ScoreInputError("item", key, sorted(known), hint=f"not an item of {instrument.code}")
