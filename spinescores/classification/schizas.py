"""Schizas grade of lumbar central canal stenosis on axial T2-weighted MRI.

The grade is read from the morphology of the dural sac and stored as given; the severity band
follows the source: A1-A4 none/minor, B moderate, C severe, D extreme.

References
----------
Schizas C, Theumann N, Burn A, et al. Qualitative grading of severity of lumbar spinal stenosis
based on the morphology of the dural sac on magnetic resonance images. Spine 2010;35(21):1919-1924.

Examples
--------
>>> classify({"grade": "C"}).interpretation
'severe'
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

_GRADES = (
    Option(
        "A1",
        "CSF clearly present; rootlets dorsal, under half of the sac",
        "脑脊液清晰；神经根位于背侧，占硬膜囊不足一半",
    ),
    Option(
        "A2",
        "rootlets dorsal, touching the dura, horseshoe shape",
        "神经根位于背侧并贴附硬膜，呈马蹄形",
    ),
    Option(
        "A3",
        "rootlets dorsal, over half of the sac",
        "神经根位于背侧，占硬膜囊一半以上",
    ),
    Option(
        "A4",
        "rootlets central, occupying most of the sac",
        "神经根居中，占据硬膜囊大部",
    ),
    Option(
        "B",
        "rootlets fill the sac, still individually visible; some CSF",
        "神经根充满硬膜囊但仍可分辨；少量脑脊液",
    ),
    Option(
        "C",
        "no rootlets distinguishable, no CSF; posterior epidural fat present",
        "神经根不可分辨，无脑脊液；后方硬膜外脂肪存在",
    ),
    Option(
        "D",
        "as C and no posterior epidural fat",
        "同 C 且后方硬膜外脂肪消失",
    ),
)
_SEVERITY = {"A1": "none_or_minor", "A2": "none_or_minor", "A3": "none_or_minor", "A4": "none_or_minor",
             "B": "moderate", "C": "severe", "D": "extreme"}

INSTRUMENT = Instrument(
    code="schizas",
    name="Schizas central canal stenosis grade",
    name_zh="Schizas 椎管中央狭窄分级",
    version="schizas@schizas2010",
    kind="classification",
    items=(Item("grade", "Dural sac morphology grade", "硬膜囊形态分级", options=_GRADES),),
    references=(
        Reference("Schizas C", 2010, "Spine",
                  "Qualitative grading of severity of lumbar spinal stenosis based on the morphology "
                  "of the dural sac on magnetic resonance images", "10.1097/BRS.0b013e3181d359bd"),
    ),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class SchizasResult(Result):
    """Schizas grade: ``category`` the grade, ``interpretation`` the severity band."""


def classify(inputs: Mapping[str, Any], **options: Any) -> SchizasResult:
    """Return the severity band of a Schizas grade.

    Parameters
    ----------
    inputs : mapping
        ``grade``: one of "A1", "A2", "A3", "A4", "B", "C", "D".

    Returns
    -------
    SchizasResult
        ``category`` the grade, ``interpretation`` "none_or_minor", "moderate", "severe" or "extreme".
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="schizas takes no options")
    item = INSTRUMENT.item("grade")
    if "grade" not in data:
        raise ScoreInputError("grade", None, item.allowed_values, hint="required input is missing")
    grade = item.validate(data["grade"])
    return SchizasResult(code=INSTRUMENT.code, version=INSTRUMENT.version, category=grade,
                         interpretation=_SEVERITY[grade], subscores={"group": grade[0]})
