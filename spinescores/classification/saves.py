"""Spine Adverse Events Severity system, version 1 (SAVES), stored per adverse event.

=====  =========================================================================================
Grade  Definition
=====  =========================================================================================
I      no or minimal treatment, minimal effect on length of stay (< 1-2 days)
II     treatment and/or length of stay +3-7 days, no long-term sequelae
III    treatment and/or length of stay > 7 days, with long-term sequelae (> 6 months)
IV     death
=====  =========================================================================================

The grade is assigned by the clinician and stored; it is not derived (the source's length-of-stay
bands leave a gap between 2 and 3 days). For the six-grade SAVES-V2 see
:mod:`spinescores.classification.saves_v2`.

References
----------
Rampersaud YR, et al. Spine adverse events severity system: content validation and
interobserver reliability assessment. Spine 2010;35(7):790-795.

Examples
--------
>>> classify({"grade": "IV"}).interpretation
'death'
"""

from __future__ import annotations

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

GRADES = ("I", "II", "III", "IV")
_OPTIONS = (
    Option(
        "I",
        "no or minimal treatment, minimal effect on length of stay",
        "无需或仅需少量处理，对住院时间影响极小",
    ),
    Option(
        "II",
        "treatment and/or stay +3-7 days, no long-term sequelae",
        "需处理和/或住院延长 3–7 天，无长期后遗症",
    ),
    Option(
        "III",
        "treatment and/or stay > 7 days, long-term sequelae",
        "需处理和/或住院延长 > 7 天，有长期后遗症",
    ),
    Option("IV", "death", "死亡"),
)
_MEANINGS = ("minimal", "no_long_term_sequelae", "long_term_sequelae", "death")

INSTRUMENT = Instrument(
    code="saves",
    name="Spine Adverse Events Severity system (SAVES v1)",
    name_zh="脊柱不良事件严重程度系统（SAVES 第 1 版）",
    version="saves@rampersaud2010",
    kind="classification",
    items=(
        Item("grade", "SAVES grade assigned by the clinician", "医师评定的 SAVES 分级", options=_OPTIONS),
    ),
    references=(
        Reference(
            "Rampersaud YR",
            2010,
            "Spine",
            "Spine adverse events severity system: content validation and interobserver reliability "
            "assessment",
        ),
    ),
    score_range=(1, 4),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class SavesResult(Result):
    """SAVES v1 grade: ``value`` 1-4, ``category`` the roman grade."""


def classify(inputs: Mapping[str, Any], **options: Any) -> SavesResult:
    """Store a clinician-assigned SAVES v1 grade.

    Parameters
    ----------
    inputs : mapping
        ``grade``: "I", "II", "III" or "IV".

    Returns
    -------
    SavesResult
        ``value`` 1-4, ``interpretation`` the grade's meaning.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="saves takes no options")
    item = INSTRUMENT.item("grade")
    if "grade" not in data:
        raise ScoreInputError("grade", None, item.allowed_values, hint="required input is missing")
    grade = item.validate(data["grade"])
    number = GRADES.index(grade) + 1
    return SavesResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=number,
        category=grade,
        interpretation=_MEANINGS[number - 1],
    )
