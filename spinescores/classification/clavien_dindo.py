"""Clavien-Dindo classification of surgical complications, stored per complication.

=====  ==========================================================================================
Grade  Definition
=====  ==========================================================================================
I      deviation from the normal course without drugs beyond the allowed set (antiemetics,
       antipyretics, analgesics, diuretics, electrolytes, physiotherapy) or any procedure;
       includes wound infections opened at the bedside
II     other pharmacological treatment, including blood transfusion and total parenteral nutrition
IIIa   surgical, endoscopic or radiological intervention not under general anaesthesia
IIIb   intervention under general anaesthesia
IVa    life-threatening complication needing IC/ICU, single-organ dysfunction (incl. dialysis)
IVb    as IV, multi-organ dysfunction
V      death
=====  ==========================================================================================

The suffix "d" (disability) marks a complication still present at discharge: pass
``present_at_discharge``; when it is absent the suffix is unknown and listed in ``missing_items``.
The per-patient summary is the highest grade among the complications (:func:`highest_grade`);
store every complication.

References
----------
Dindo D, Demartines N, Clavien PA. Classification of surgical complications: a new proposal with
evaluation in a cohort of 6336 patients and results of a survey. Ann Surg 2004;240(2):205-213.

Examples
--------
>>> highest_grade(["II", "IIIb", "I"])
'IIIb'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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

GRADES = ("I", "II", "IIIa", "IIIb", "IVa", "IVb", "V")
_OPTIONS = (
    Option("I", "deviation without treatment beyond the allowed set", "偏离正常病程，无需特殊治疗"),
    Option("II", "other pharmacological treatment, transfusion or TPN", "需药物治疗、输血或全肠外营养"),
    Option("IIIa", "intervention not under general anaesthesia", "需非全麻下干预"),
    Option("IIIb", "intervention under general anaesthesia", "需全麻下干预"),
    Option("IVa", "life-threatening, ICU, single-organ dysfunction", "危及生命，需 ICU，单器官功能障碍"),
    Option("IVb", "life-threatening, ICU, multi-organ dysfunction", "危及生命，需 ICU，多器官功能障碍"),
    Option("V", "death", "死亡"),
)

INSTRUMENT = Instrument(
    code="clavien_dindo",
    name="Clavien-Dindo classification of surgical complications",
    name_zh="Clavien-Dindo 手术并发症分级",
    version="clavien_dindo@dindo2004",
    kind="classification",
    items=(
        Item("grade", "Grade of the complication", "并发症分级", options=_OPTIONS),
        Item(
            "present_at_discharge",
            "Complication still present at discharge (suffix d)",
            "出院时并发症仍存在（后缀 d）",
            kind="boolean",
            required=False,
        ),
    ),
    references=(
        Reference(
            "Dindo D",
            2004,
            "Ann Surg",
            "Classification of surgical complications: a new proposal with evaluation in a cohort of "
            "6336 patients and results of a survey",
            "10.1097/01.sla.0000133083.54934.ae",
        ),
    ),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class ClavienDindoResult(Result):
    """One complication: ``category`` the grade, ``details["suffix_d"]`` True/False/None."""


def classify(inputs: Mapping[str, Any], **options: Any) -> ClavienDindoResult:
    """Record the Clavien-Dindo grade of one complication.

    Parameters
    ----------
    inputs : mapping
        ``grade`` (one of :data:`GRADES`) and optionally ``present_at_discharge``.

    Returns
    -------
    ClavienDindoResult
        ``category`` the grade, ``interpretation`` "grade_<grade>" with "_d" when present at discharge.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="clavien_dindo takes no options")
    grade = _grade(data.get("grade"), present="grade" in data)
    suffix = None
    if "present_at_discharge" in data:
        suffix = INSTRUMENT.item("present_at_discharge").validate(data["present_at_discharge"])
    return ClavienDindoResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        category=grade,
        interpretation=f"grade_{grade}" + ("_d" if suffix else ""),
        missing_items=("present_at_discharge",) if suffix is None else (),
        details={"suffix_d": suffix},
    )


def highest_grade(grades: Iterable[str]) -> str:
    """Return the per-patient summary: the highest of the complications' grades.

    Raises :class:`~spinescores.errors.ScoreInputError` for an unknown grade or an empty list.
    """
    if isinstance(grades, (str, bytes)) or not isinstance(grades, Iterable):
        raise ScoreInputError("grades", grades, "a list of grades")
    checked = [_grade(grade) for grade in grades]
    if not checked:
        raise ScoreInputError("grades", [], "at least one of " + ", ".join(GRADES))
    return max(checked, key=GRADES.index)


def _grade(value: Any, present: bool = True) -> str:
    item = INSTRUMENT.item("grade")
    if not present:
        raise ScoreInputError("grade", None, item.allowed_values, hint="required input is missing")
    return item.validate(value)
