"""Risser sign of iliac apophysis maturity, US and French systems (classifications.md §3.7).

The system is always stored: US and French grades are **not** interchangeable.

=====  =======================================  ==========================
Grade  US system (iliac crest in quarters)      French system (thirds)
=====  =======================================  ==========================
0      no apophyseal ossification               no ossification
1      ossification over <= 25 % of the crest   up to 1/3
2      26-50 %                                  up to 2/3
3      51-75 %                                  complete excursion, not fused
4      76-100 % excursion, not fused            fusion begun
5      apophysis fused to the ilium             fusion complete
=====  =======================================  ==========================

Enter the grade, or for the US system the ossified ``excursion_percent`` with ``fused`` (grade 0
and grade 5 cannot be told apart by excursion alone). US band edges are read as "up to and
including" 25, 50 and 75 % — a *convention*, as secondary sources differ on <= vs <, so a value of
exactly 25, 50 or 75 % carries ``unvalidated``.

>>> from spinescores.classification import risser
>>> risser.classify({"system": "us", "excursion_percent": 60, "fused": False}).value
3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import UNVALIDATED, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, number, read_inputs, read_options
from spinescores.errors import ScoreInputError

US_EDGES = (25, 50, 75)  # percent of the crest; the upper edge of grades 1, 2 and 3

INSTRUMENT = Instrument(
    code="risser",
    name="Risser sign",
    name_zh="Risser征",
    version="risser@risser1958-bitan2005",
    kind="classification",
    items=(
        choice("system", "Grading system", "分级系统", (
            ("us", "US system (quarters of the crest)", "美国系统（髂嵴四等分）"),
            ("french", "French system (thirds of the crest)", "法国系统（髂嵴三等分）"),
        )),
        number("grade", "Risser grade", "Risser分级", 0, 5, "grade", integer=True, required=False),
        number("excursion_percent", "Ossified share of the iliac crest (US system)",
               "髂嵴骨化比例（美国系统）", 0, 100, "%", required=False),
        boolean("fused", "Apophysis fused to the ilium", "骨骺已与髂骨融合", required=False),
    ),
    references=(
        Reference("Risser JC", 1958, "Clin Orthop"),
        Reference("Bitan FD", 2005, "Clin Orthop Relat Res"),
    ),
    score_range=(0, 5),
    confidence="C",
)


@dataclass(frozen=True)
class RisserResult(Result):
    """Risser grade (``value``), with the system in ``interpretation`` and ``details``."""


def classify(inputs: Any, **options: Any) -> RisserResult:
    """Grade skeletal maturity by the Risser sign.

    Parameters
    ----------
    inputs : mapping
        ``system`` (``us`` or ``french``) and either ``grade`` (0-5) or, for the US system only,
        ``excursion_percent`` (0-100) with ``fused`` (bool).

    Returns
    -------
    RisserResult
        ``value`` the grade, ``category`` e.g. ``"us_3"``, ``interpretation`` the system.

    References
    ----------
    Bitan FD, et al. Clin Orthop Relat Res 2005;436:190-195.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    flags: tuple[str, ...] = ()
    if "grade" in values:
        _reject_extra(values, ("excursion_percent", "fused"), "grade is given")
        grade = values["grade"]
    else:
        grade = _us_grade_from_excursion(values)
        flags = (UNVALIDATED,) if values["excursion_percent"] in US_EDGES and not values["fused"] else ()
    system = values["system"]
    return RisserResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=grade, category=f"{system}_{grade}",
        interpretation=system, flags=flags, details=frozen_mapping(values),
    )


def _reject_extra(values: dict[str, Any], keys: tuple[str, ...], reason: str) -> None:
    for key in keys:
        if key in values:
            raise ScoreInputError(key, values[key], "nothing", hint=f"leave it out when {reason}")


def _us_grade_from_excursion(values: dict[str, Any]) -> int:
    if values["system"] != "us":
        key = "excursion_percent" if "excursion_percent" in values else "grade"
        raise ScoreInputError(key, values.get(key), "a grade from 0 to 5",
                              hint="the French system takes the grade only")
    for key in ("excursion_percent", "fused"):
        if key not in values:
            raise ScoreInputError(key, None, "a value", hint="give grade, or excursion_percent with fused")
    if values["fused"]:
        return 5
    percent = values["excursion_percent"]
    if percent == 0:
        return 0
    return 1 + sum(percent > edge for edge in US_EDGES)
