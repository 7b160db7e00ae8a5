"""Shared EQ-5D machinery: the five dimensions, the value sets and the index formula.

Both descriptive systems (5L and 3L) use the same five dimensions and the same generic formula
(proms.md §9.2); they differ only in the number of levels and in their value sets, which live in
``spinescores/data/eq5d_value_sets.json``. Nothing here is specific to one country.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from spinescores.base import (
    HIGHER_IS_BETTER,
    UNVALIDATED,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    frozen_mapping,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

# Profile order MO SC UA PD AD (proms.md §9.1); topic labels are our own words.
DIMENSIONS = (
    ("mobility", "Mobility", "行动能力"),
    ("self_care", "Self-care", "生活自理"),
    ("usual_activities", "Usual activities", "日常活动"),
    ("pain_discomfort", "Pain or discomfort", "疼痛或不适"),
    ("anxiety_depression", "Anxiety or low mood", "焦虑或情绪低落"),
)

LICENCE = (
    "EQ-5D is owned by the EuroQol Research Foundation; every use must be registered with EuroQol. "
    "Only the scoring (from published value sets) is implemented; no item wording or layout is shipped "
    "(proms.md §9.11, §16)."
)

_MISSING_HINT = "every EQ-5D dimension must be answered; no index is computed from fewer, nothing is imputed"


@dataclass(frozen=True)
class ValueSet:
    """One published country value set: the weights that turn a health state into an index value.

    ``decrements`` holds, per dimension, one decrement per level with level 1 at 0. ``constant`` is
    subtracted from every state except full health and ``n3`` (3L only) when any dimension is at
    level 3; both are 0 where the published model has no such term.
    """

    id: str
    version: str
    country: str
    section: str
    confidence: str
    reference: Reference
    constant: float
    n3: float
    decrements: Mapping[str, tuple[float, ...]]

    def index(self, levels: Sequence[int]) -> float:
        """Return the index value of a health state given as one level per dimension, in profile order."""
        if all(level == 1 for level in levels):
            return 1.0
        loss = self.constant
        for (dimension, _, _), level in zip(DIMENSIONS, levels, strict=True):
            loss += self.decrements[dimension][level - 1]
        if 3 in levels:
            loss += self.n3
        return 1.0 - loss

    @property
    def worst(self) -> float:
        """Return the index of the state with every dimension at its worst level."""
        top = len(self.decrements[DIMENSIONS[0][0]])
        return self.index([top] * len(DIMENSIONS))


def _value_set(value_set_id: str, entry: Mapping[str, Any]) -> ValueSet:
    decrements = {dim: (0.0, *map(float, steps)) for dim, steps in entry["decrements"].items()}
    return ValueSet(
        id=value_set_id,
        version=entry["version"],
        country=entry["country"],
        section=entry["section"],
        confidence=entry["confidence"],
        reference=Reference(**entry["reference"]),
        constant=float(entry["constant"]),
        n3=float(entry["n3"]),
        decrements=MappingProxyType(decrements),
    )


@cache
def value_sets(code: str) -> Mapping[str, ValueSet]:
    """Return the value sets of instrument ``code`` (``"eq5d5l"`` or ``"eq5d3l"``) by id."""
    path = resources.files("spinescores") / "data" / "eq5d_value_sets.json"
    raw = json.loads(path.read_text(encoding="utf-8"))[code]
    return MappingProxyType({key: _value_set(key, entry) for key, entry in raw.items()})


def get_value_set(code: str, value_set: Any) -> ValueSet:
    """Return the value set ``value_set`` of ``code``, or raise :class:`ScoreInputError` naming the ids."""
    sets = value_sets(code)
    if not isinstance(value_set, str) or value_set not in sets:
        raise ScoreInputError("value_set", value_set, sorted(sets), hint=f"a value-set id of {code}")
    return sets[value_set]


def make_instrument(
    code: str, name: str, name_zh: str, levels: Sequence[tuple[str, str]], *, default: str, notes: str
) -> Instrument:
    """Build the ``INSTRUMENT`` of an EQ-5D descriptive system with ``levels`` (English, Chinese) labels.

    Its ``version`` is that of the ``default`` value set; a result carries the version of the set used.
    """
    sets = value_sets(code)
    options = tuple(Option(number, en, zh) for number, (en, zh) in enumerate(levels, start=1))
    return Instrument(
        code=code,
        name=name,
        name_zh=name_zh,
        version=sets[default].version,
        kind="prom",
        items=tuple(Item(dim, en, zh, options=options) for dim, en, zh in DIMENSIONS),
        references=tuple(vs.reference for vs in sets.values()),
        # The declared range spans every offered value set, so no returned index falls outside it.
        score_range=(min(vs.worst for vs in sets.values()), 1.0),
        direction=HIGHER_IS_BETTER,
        licence=LICENCE,
        confidence="V",
        notes=notes,
    )


def read_levels(instrument: Instrument, responses: Any) -> tuple[int, ...]:
    """Return the level of every dimension in profile order, or raise :class:`ScoreInputError`."""
    responses = require_mapping(responses)
    reject_unknown(instrument, responses)
    levels = []
    for item in instrument.items:
        value = responses.get(item.id)
        if value is None:
            raise ScoreInputError(item.id, value, item.allowed_values, hint=_MISSING_HINT)
        item.validate(value)
        # Canonical level, so that an accepted 2.0 still prints as "2" in the profile.
        levels.append(item.allowed_values.index(value) + 1)
    return tuple(levels)


@dataclass(frozen=True)
class Eq5dResult(Result):
    """An EQ-5D index result; ``profile`` is the health state, e.g. ``"21232"`` (MO SC UA PD AD)."""

    profile: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable dict of the result, including the profile."""
        return {**super().to_dict(), "profile": self.profile}


def score_profile(
    instrument: Instrument, result_class: type[Eq5dResult], responses: Any, value_set: Any
) -> Eq5dResult:
    """Score ``responses`` with ``value_set`` and return a ``result_class`` (the shared body of ``score``)."""
    chosen = get_value_set(instrument.code, value_set)
    levels = read_levels(instrument, responses)
    return result_class(
        code=instrument.code,
        version=chosen.version,
        value=chosen.index(levels),
        profile="".join(str(level) for level in levels),
        flags=() if chosen.confidence == "V" else (UNVALIDATED,),
        details=frozen_mapping({"value_set": chosen.id, "value_set_source": str(chosen.reference)}),
    )
