"""Pfirrmann grade of lumbar disc degeneration on sagittal T2-weighted MRI.

The grade is derived from the reader's answers to the paper's flow chart, asked in order:

1. homogeneous, bright white disc → grade I;
2. otherwise inhomogeneous but still white (± horizontal bands) → grade II;
3. otherwise nucleus/annulus distinction still present (though unclear) → grade III;
4. otherwise collapsed disc space → grade V, not collapsed → grade IV.

Only the questions on the path taken are required: a missing answer that the flow chart needs
raises :class:`~spinescores.errors.ScoreInputError`; later answers supplied but not needed are
ignored (the flow chart stops at the first match).

References
----------
Pfirrmann CW, Metzdorf A, Zanetti M, Hodler J, Boos N. Magnetic resonance classification of lumbar
intervertebral disc degeneration. Spine 2001;26(17):1873-1878.

Examples
--------
>>> classify({"homogeneous_bright_white": False, "inhomogeneous_white": True}).category
'II'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    Instrument,
    Item,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

INSTRUMENT = Instrument(
    code="pfirrmann",
    name="Pfirrmann disc degeneration grade",
    name_zh="Pfirrmann 椎间盘退变分级",
    version="pfirrmann@pfirrmann2001",
    kind="classification",
    items=(
        Item("homogeneous_bright_white", "Disc homogeneous and bright white on T2", "T2 像椎间盘均匀亮白",
             kind="boolean"),
        Item("inhomogeneous_white", "Disc inhomogeneous but still white (± horizontal bands)",
             "椎间盘信号不均但仍为白色（±水平带）", kind="boolean", required=False),
        Item("nucleus_annulus_distinction", "Nucleus/annulus distinction still present",
             "髓核与纤维环仍可区分", kind="boolean", required=False),
        Item("disc_collapsed", "Disc space collapsed", "椎间隙塌陷", kind="boolean", required=False),
    ),
    references=(
        Reference("Pfirrmann CW", 2001, "Spine",
                  "Magnetic resonance classification of lumbar intervertebral disc degeneration",
                  "10.1097/00007632-200109010-00011"),
    ),
    score_range=(1, 5),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)

_GRADES = ("I", "II", "III", "IV", "V")
_DESCRIPTIONS = {
    "I": "homogeneous bright white disc, clear nucleus/annulus distinction, normal height",
    "II": "inhomogeneous white disc ± horizontal bands, clear distinction, normal height",
    "III": "inhomogeneous grey disc, unclear distinction, height normal to slightly reduced",
    "IV": "inhomogeneous grey to black disc, distinction lost, height normal to moderately reduced",
    "V": "inhomogeneous black disc, distinction lost, collapsed disc space",
}


@dataclass(frozen=True)
class PfirrmannResult(Result):
    """Pfirrmann grade: ``category`` is the roman grade, ``value`` the grade as 1-5."""


def classify(inputs: Mapping[str, Any], **options: Any) -> PfirrmannResult:
    """Grade disc degeneration from the Pfirrmann flow-chart answers.

    Parameters
    ----------
    inputs : mapping
        Boolean answers keyed by item id (see ``INSTRUMENT.items``); only the answers on the path
        taken through the flow chart are required.

    Returns
    -------
    PfirrmannResult
        ``category`` "I"-"V", ``value`` 1-5, ``details["path"]`` the questions answered.
    """
    data = _checked(inputs, options)
    path = []
    grade = None
    for question, grade_if_yes in (("homogeneous_bright_white", "I"), ("inhomogeneous_white", "II"),
                                   ("nucleus_annulus_distinction", "III")):
        path.append(question)
        if _read(data, question):
            grade = grade_if_yes
            break
    if grade is None:
        path.append("disc_collapsed")
        grade = "V" if _read(data, "disc_collapsed") else "IV"
    return PfirrmannResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=_GRADES.index(grade) + 1,
        category=grade,
        interpretation=f"grade_{grade}",
        details={"path": tuple(path), "description": _DESCRIPTIONS[grade]},
    )


def _checked(inputs: Any, options: Mapping[str, Any]) -> Mapping[str, Any]:
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="pfirrmann takes no options")
    return data


def _read(data: Mapping[str, Any], item_id: str) -> Any:
    item = INSTRUMENT.item(item_id)
    if item_id not in data:
        raise ScoreInputError(item_id, None, "True or False", hint="required input is missing")
    return item.validate(data[item_id])
