"""Meyerding grade of spondylolisthesis, from a reader's grade or from the slip percentage.

Slip % = 100 × displacement of the upper vertebra's posterior-inferior corner relative to the
lower vertebra's posterior-superior corner / AP length of the lower vertebra's superior endplate.

The source bands are integer percentages (0-25, 26-50, 51-75, 76-100, > 100). For real numbers the
reference adopts this *convention*, kept in :data:`UPPER_LIMITS` so it changes in one place:

=====  ==================
Grade  Slip (convention)
=====  ==================
I      0 < slip ≤ 25
II     25 < slip ≤ 50
III    50 < slip ≤ 75
IV     75 < slip ≤ 100
V      slip > 100 (spondyloptosis)
=====  ==================

Slip = 0 is "no listhesis". Low grade = I-II, high grade = III-V. Retrolisthesis is graded the
same way and reported through ``details["direction"]``.

Give exactly one of ``grade``, ``slip_percent`` or the pair ``displacement_mm`` +
``endplate_length_mm``; anything else raises :class:`~spinescores.errors.ScoreInputError`.

References
----------
Meyerding HW. Spondylolisthesis. Surg Gynecol Obstet 1932;54:371-377.

Examples
--------
>>> classify({"slip_percent": 30}).category
'II'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

GRADES = ("I", "II", "III", "IV", "V")
# Convention for real numbers (classifications.md §4.3): upper inclusive limit of grades I-IV.
UPPER_LIMITS = (25.0, 50.0, 75.0, 100.0)

INSTRUMENT = Instrument(
    code="meyerding",
    name="Meyerding spondylolisthesis grade",
    name_zh="Meyerding 椎体滑脱分度",
    version="meyerding@meyerding1932",
    kind="classification",
    items=(
        Item("grade", "Meyerding grade read by the clinician", "医师判读的滑脱分度",
             options=tuple(Option(g, f"grade {g}", f"{g} 度") for g in GRADES), required=False),
        Item("slip_percent", "Slip as a percentage of the lower endplate length", "滑移百分比",
             kind="number", minimum=0, unit="%", required=False),
        Item("displacement_mm", "Displacement of the upper vertebra", "上位椎体移位距离", kind="number",
             minimum=0, unit="mm", required=False),
        Item("endplate_length_mm", "AP length of the lower vertebra's superior endplate",
             "下位椎体上终板前后径", kind="number", minimum=0, unit="mm", required=False),
        Item("direction", "Direction of the slip", "滑移方向",
             options=(Option("anterolisthesis", "anterolisthesis", "前滑脱"),
                      Option("retrolisthesis", "retrolisthesis", "后滑脱")), required=False),
    ),
    references=(Reference("Meyerding HW", 1932, "Surg Gynecol Obstet", "Spondylolisthesis"),),
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="Boundary convention for real slip percentages: upper limit inclusive (25, 50, 75, 100).",
)

_MODE_KEYS = ("grade", "slip_percent", "displacement_mm", "endplate_length_mm")
_MODES = "either grade, or slip_percent, or displacement_mm with endplate_length_mm"


@dataclass(frozen=True)
class MeyerdingResult(Result):
    """Meyerding grade: ``category`` "I"-"V" or "no_listhesis"; ``value`` the slip % when measured."""


def grade_for_slip(slip_percent: float) -> str:
    """Return the Meyerding grade for a slip percentage > 0 (convention of :data:`UPPER_LIMITS`)."""
    for grade, upper in zip(GRADES, UPPER_LIMITS, strict=False):
        if slip_percent <= upper:
            return grade
    return "V"


def classify(inputs: Mapping[str, Any], **options: Any) -> MeyerdingResult:
    """Grade a spondylolisthesis from a reader's grade, a slip percentage or two measurements.

    Parameters
    ----------
    inputs : mapping
        One of ``grade`` / ``slip_percent`` / (``displacement_mm``, ``endplate_length_mm``), and
        optionally ``direction``; no direction is assumed when it is absent (``None``).

    Returns
    -------
    MeyerdingResult
        ``category`` the grade, ``interpretation`` "low_grade", "high_grade" or "no_listhesis".
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="meyerding takes no options")
    values = {key: INSTRUMENT.item(key).validate(value) for key, value in data.items()}
    slip = _slip_percent(values)
    if slip is None:
        grade = values["grade"]
    else:
        grade = grade_for_slip(slip) if slip > 0 else "no_listhesis"
    if grade == "no_listhesis":
        interpretation = "no_listhesis"
    else:
        interpretation = "low_grade" if grade in ("I", "II") else "high_grade"
    return MeyerdingResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=slip,
        category=grade,
        interpretation=interpretation,
        details={"direction": values.get("direction"), "boundary_convention": "upper_limit_inclusive"},
    )


def _slip_percent(values: Mapping[str, Any]) -> float | None:
    given = [key for key in _MODE_KEYS if key in values]
    if given == ["grade"]:
        return None
    if given == ["slip_percent"]:
        return float(values["slip_percent"])
    if given == ["displacement_mm", "endplate_length_mm"]:
        length = values["endplate_length_mm"]
        if length == 0:
            raise ScoreInputError("endplate_length_mm", length, "a number greater than 0 mm")
        slip = 100.0 * values["displacement_mm"] / length
        if not math.isfinite(slip):
            raise ScoreInputError("endplate_length_mm", length, "a length giving a finite slip percentage")
        return slip
    raise ScoreInputError("inputs", sorted(given), _MODES)
