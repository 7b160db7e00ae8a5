"""Genant semi-quantitative grade of a vertebral fracture.

Give either the reader's ``grade`` or the height reduction(s) in percent; the largest of the
anterior / middle / posterior reductions is graded with the reference's *convention* for the
approximate source bands (the 25 % and 40 % edges are shared in the source):

======  ==============  =========================================================
Grade   Meaning         Height reduction (convention)
======  ==============  =========================================================
0       normal          < 20 % and no suspected deformity
0.5     borderline      < 20 % with a suspected deformity (``suspected_deformity``)
1       mild            20 ≤ x < 25
2       moderate        25 ≤ x ≤ 40
3       severe          x > 40
======  ==============  =========================================================

Values within ±1 percentage point of an edge (20, 25, 40) carry ``needs_review`` for reader
confirmation. ``suspected_deformity`` is required only when the reduction is below 20 %.
The area-reduction criteria of the source are not implemented (see the gaps file).

References
----------
Genant HK, Wu CY, van Kuijk C, Nevitt MC. Vertebral fracture assessment using a semiquantitative
technique. J Bone Miner Res 1993;8(9):1137-1148.

Examples
--------
>>> classify({"anterior_height_reduction_percent": 30}).category
'2'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    NEEDS_REVIEW,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

MILD_MIN = 20.0  # 20 ≤ x < 25 → 1
MODERATE_MIN = 25.0  # 25 ≤ x ≤ 40 → 2
SEVERE_ABOVE = 40.0  # x > 40 → 3
EDGE_TOLERANCE = 1.0  # flag values within ±1 % of an edge
_HEIGHTS = ("anterior", "middle", "posterior")
_HEIGHTS_ZH = {"anterior": "前缘", "middle": "中部", "posterior": "后缘"}
_MEANINGS = {0: "normal", 0.5: "borderline", 1: "mild", 2: "moderate", 3: "severe"}
_MODES = "either grade or at least one height reduction, not both"
_CATEGORIES = {0: "0", 0.5: "0.5", 1: "1", 2: "2", 3: "3"}

INSTRUMENT = Instrument(
    code="genant",
    name="Genant semi-quantitative vertebral fracture grade",
    name_zh="Genant 椎体骨折半定量分级",
    version="genant@genant1993",
    kind="classification",
    items=(
        Item("grade", "Genant grade read by the clinician", "医师判读的 Genant 分级", required=False,
             options=(Option(0, "normal", "正常"), Option(0.5, "borderline", "可疑"),
                      Option(1, "mild", "轻度"), Option(2, "moderate", "中度"), Option(3, "severe", "重度"))),
        *(Item(f"{h}_height_reduction_percent", f"{h.capitalize()} height reduction",
               f"椎体{_HEIGHTS_ZH[h]}高度丢失", kind="number", minimum=0, maximum=100, unit="%",
               required=False) for h in _HEIGHTS),
        Item("suspected_deformity", "Suspected deformity below 20 %", "可疑变形（不足 20%）", kind="boolean",
             required=False),
    ),
    references=(
        Reference("Genant HK", 1993, "J Bone Miner Res",
                  "Vertebral fracture assessment using a semiquantitative technique",
                  "10.1002/jbmr.5650080915"),
    ),
    score_range=(0, 3),
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="Height bands: 20 ≤ x < 25 → 1; 25 ≤ x ≤ 40 → 2; x > 40 → 3 (convention); ±1 % edges flagged.",
)


@dataclass(frozen=True)
class GenantResult(Result):
    """Genant grade: ``value`` 0, 0.5, 1, 2 or 3; ``details["height_reduction_percent"]`` when measured."""


def grade_for_reduction(percent: float, suspected_deformity: bool = False) -> float:
    """Return the Genant grade of a height reduction in percent (reference convention)."""
    if percent > SEVERE_ABOVE:
        return 3
    if percent >= MODERATE_MIN:
        return 2
    if percent >= MILD_MIN:
        return 1
    return 0.5 if suspected_deformity else 0


def classify(inputs: Mapping[str, Any], **options: Any) -> GenantResult:
    """Grade a vertebral fracture from a reader's grade or from the height reductions.

    Parameters
    ----------
    inputs : mapping
        Either ``grade`` or at least one ``<anterior|middle|posterior>_height_reduction_percent``
        (with ``suspected_deformity`` when the largest is below 20 %).

    Returns
    -------
    GenantResult
        ``value`` the grade, ``category`` its text, ``interpretation`` its meaning.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="genant takes no options")
    values = {key: INSTRUMENT.item(key).validate(value) for key, value in data.items()}
    reductions = {h: values[f"{h}_height_reduction_percent"] for h in _HEIGHTS
                  if f"{h}_height_reduction_percent" in values}
    if ("grade" in values) == bool(reductions):
        raise ScoreInputError("inputs", sorted(values), _MODES)
    flags = ()
    details = {}
    if reductions:
        largest = max(reductions.values())
        if largest < MILD_MIN and "suspected_deformity" not in values:
            raise ScoreInputError("suspected_deformity", None, "True or False",
                                  hint="required when the height reduction is below 20 %")
        grade = grade_for_reduction(largest, values.get("suspected_deformity", False))
        if any(abs(largest - edge) <= EDGE_TOLERANCE for edge in (MILD_MIN, MODERATE_MIN, SEVERE_ABOVE)):
            flags = (NEEDS_REVIEW,)
        details = {"height_reduction_percent": largest, "reductions": reductions}
    else:
        grade = values["grade"]
    return GenantResult(code=INSTRUMENT.code, version=INSTRUMENT.version, value=grade,
                        category=_CATEGORIES[grade], interpretation=_MEANINGS[grade], flags=flags,
                        details=details)
