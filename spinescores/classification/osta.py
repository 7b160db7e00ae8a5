"""OSTA, the Osteoporosis Self-Assessment Tool for Asians.

Index = 0.2 × (body weight in kg - age in years), computed exactly (fractions, no float drift).

========  ==========================
Risk      Index
========  ==========================
low       > -1
moderate  -4 to -1 (inclusive)
high      < -4
========  ==========================

How the decimal part is handled is not settled in the reference: the original is recalled as
truncation toward zero, some calculators round to nearest. The unrounded index is always
returned as ``value``. With ``rounding="truncate"`` or ``rounding="round"`` the category uses that
rule and carries ``unvalidated`` when the other rule would give a different category. Without a
rule, the category is given only when both rules agree; otherwise ``category`` is ``None`` with
``needs_review`` and ``unvalidated``. An exact .5 under "round" is ambiguous too (half up or half
down), so both neighbours are considered.

Developed in post-menopausal Asian women; validated in Chinese cohorts, where an index ≤ -1 is
used to mark increased risk before DXA. Weight 1-500 kg and age 0-130 years are input plausibility
limits, not clinical rules.

References
----------
Koh LK, et al. A simple tool to identify Asian women at increased risk of
osteoporosis. Osteoporos Int 2001;12(8):699-705.

Examples
--------
>>> score({"weight_kg": 45, "age_years": 70}).category
'high'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from spinescores.base import (
    HIGHER_IS_BETTER,
    NEEDS_REVIEW,
    UNVALIDATED,
    Instrument,
    Item,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

LOW_ABOVE = -1  # index > -1 → low
HIGH_BELOW = -4  # index < -4 → high
ROUNDING_RULES = ("truncate", "round")

INSTRUMENT = Instrument(
    code="osta",
    name="Osteoporosis Self-Assessment Tool for Asians (OSTA)",
    name_zh="亚洲人骨质疏松自我筛查工具（OSTA）",
    version="osta@koh2001",
    kind="clinician",
    items=(
        Item("weight_kg", "Body weight", "体重", kind="number", minimum=1, maximum=500, unit="kg"),
        Item("age_years", "Age", "年龄", kind="number", minimum=0, maximum=130, unit="years"),
    ),
    references=(
        Reference("Koh LK", 2001, "Osteoporos Int",
                  "A simple tool to identify Asian women at increased risk of osteoporosis"),
    ),
    direction=HIGHER_IS_BETTER,
    confidence="P",
    notes="Truncation vs rounding of the index is unconfirmed: rule-dependent categories are flagged.",
)


@dataclass(frozen=True)
class OstaResult(Result):
    """OSTA: ``value`` the unrounded index, ``subscores`` the integer index under each rule."""


def category_for(index: int) -> str:
    """Return the OSTA risk band ("low", "moderate", "high") of an integer index."""
    if index > LOW_ABOVE:
        return "low"
    if index < HIGH_BELOW:
        return "high"
    return "moderate"


def score(responses: Mapping[str, Any], *, rounding: str | None = None, **options: Any) -> OstaResult:
    """Compute the OSTA index and its risk band.

    Parameters
    ----------
    responses : mapping
        ``weight_kg`` and ``age_years``.
    rounding : {"truncate", "round"}, optional
        Rule used to make the index an integer; see the module docstring when it is omitted.

    Returns
    -------
    OstaResult
        ``value`` the unrounded index, ``category`` "low", "moderate" or "high" (or ``None``).
    """
    data = require_mapping(responses, "responses")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, ["rounding"])
    if rounding is not None and rounding not in ROUNDING_RULES:
        raise ScoreInputError("rounding", rounding, ROUNDING_RULES)
    values = {}
    for item in INSTRUMENT.items:
        if item.id not in data:
            allowed = f"a number from {item.minimum:g} to {item.maximum:g} {item.unit}"
            raise ScoreInputError(item.id, None, allowed, hint="required input is missing")
        values[item.id] = item.validate(data[item.id])
    index = (Fraction(values["weight_kg"]) - Fraction(values["age_years"])) / 5
    candidates = {"truncate": {math.trunc(index)}, "round": _nearest(index)}
    by_rule = {rule: {category_for(i) for i in indices} for rule, indices in candidates.items()}
    every = by_rule["truncate"] | by_rule["round"]
    chosen = every if rounding is None else by_rule[rounding]
    category = next(iter(chosen)) if len(chosen) == 1 else None
    flags = () if len(every) == 1 else ((UNVALIDATED,) if category else (NEEDS_REVIEW, UNVALIDATED))
    return OstaResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=float(index),
        category=category,
        interpretation=category,
        subscores={"index_truncated": math.trunc(index), "index_rounded": tuple(sorted(candidates["round"]))},
        flags=flags,
        details={"rounding": rounding},
    )


classify = score


def _nearest(index: Fraction) -> set[int]:
    low = math.floor(index)
    remainder = index - low
    if remainder == Fraction(1, 2):
        return {low, low + 1}
    return {low + 1} if remainder > Fraction(1, 2) else {low}
