"""SAVES-V2, the six-grade Spine Adverse Events Severity system, stored per adverse event.

Grades run from 1 (no treatment, no adverse effect) to 6 (death). The wording of grades 2-5 was not
retrieved, so the clinician-assigned grade is stored and never derived, and grades 2-5 carry the
``unvalidated`` flag. The event's timing (intra-operative vs peri/post-operative) may be stored
with it; the event-type lists and the length-of-stay effect categories are not in the reference and
are not implemented.

References
----------
Rampersaud YR, Anderson PA, Dimar JR, Fisher CG. Spinal Adverse Events Severity System, version 2
(SAVES-V2): inter- and intraobserver reliability assessment. J Neurosurg Spine 2016;25(2):256-263.

Examples
--------
>>> classify({"grade": 3}).flags
('unvalidated',)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    UNVALIDATED,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

CONFIRMED_GRADES = {1: "no_treatment_no_adverse_effect", 6: "death"}

INSTRUMENT = Instrument(
    code="saves_v2",
    name="Spine Adverse Events Severity system, version 2 (SAVES-V2)",
    name_zh="脊柱不良事件严重程度系统第 2 版（SAVES-V2）",
    version="saves_v2@rampersaud2016",
    kind="classification",
    items=(
        Item(
            "grade",
            "SAVES-V2 grade assigned by the clinician",
            "医师评定的 SAVES-V2 分级",
            options=(
                Option(1, "no treatment, no adverse effect", "无需处理，无不良影响"),
                *(Option(n, f"grade {n}", f"{n} 级") for n in range(2, 6)),
                Option(6, "death", "死亡"),
            ),
        ),
        Item(
            "timing",
            "When the adverse event occurred",
            "不良事件发生时间",
            required=False,
            options=(
                Option("intraoperative", "intra-operative", "术中"),
                Option("postoperative", "peri/post-operative", "围手术期/术后"),
            ),
        ),
    ),
    references=(
        Reference(
            "Rampersaud YR",
            2016,
            "J Neurosurg Spine",
            "Spinal Adverse Events Severity System, version 2 (SAVES-V2): inter- and intraobserver "
            "reliability assessment",
        ),
    ),
    score_range=(1, 6),
    direction=HIGHER_IS_WORSE,
    confidence="P",
    notes="Wording of grades 2-5 not retrieved: those grades are flagged unvalidated.",
)


@dataclass(frozen=True)
class SavesV2Result(Result):
    """SAVES-V2 grade: ``value`` 1-6; grades 2-5 flagged ``unvalidated``."""


def classify(inputs: Mapping[str, Any], **options: Any) -> SavesV2Result:
    """Store a clinician-assigned SAVES-V2 grade.

    Parameters
    ----------
    inputs : mapping
        ``grade``: an integer 1-6; optionally ``timing``.

    Returns
    -------
    SavesV2Result
        ``value`` the grade, ``interpretation`` for the confirmed grades 1 and 6 only.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="saves_v2 takes no options")
    item = INSTRUMENT.item("grade")
    if "grade" not in data:
        raise ScoreInputError("grade", None, item.allowed_values, hint="required input is missing")
    grade = item.validate(data["grade"])
    timing = INSTRUMENT.item("timing").validate(data["timing"]) if "timing" in data else None
    return SavesV2Result(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=grade,
        category=str(grade),
        interpretation=CONFIRMED_GRADES.get(grade),
        flags=() if grade in CONFIRMED_GRADES else (UNVALIDATED,),
        details={"timing": timing},
    )
