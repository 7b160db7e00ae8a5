"""Weishaupt grade of facet joint osteoarthritis on CT or MRI.

Findings are joined by "and/or": the highest grade with any matching finding wins.

=====  ===================================================================================
Grade  Findings
=====  ===================================================================================
0      normal joint space (2-4 mm)
1      joint space < 2 mm, small osteophytes, mild articular-process hypertrophy
2      narrowing, moderate osteophytes, moderate hypertrophy, mild subarticular erosions
3      narrowing, large osteophytes, severe hypertrophy, severe subarticular erosions,
       subchondral cysts
=====  ===================================================================================

Joint-space narrowing is listed under grades 1, 2 and 3 alike, so it cannot choose between them:
here it sets grade ≥ 1 and the other findings decide. When narrowing is the *only* abnormal
finding the grade is reported as 1 (the grade whose definition gives the < 2 mm value) with the
``needs_review`` flag, because a literal "highest grade wins" reading would give 3.

References
----------
Weishaupt D, Zanetti M, Boos N, Hodler J. MR imaging and CT in osteoarthritis of the lumbar facet
joints. Skeletal Radiol 1999;28:215-219.

Examples
--------
>>> classify({"joint_space": "narrowed", "osteophytes": "moderate", "hypertrophy": "mild",
...           "erosions": "none", "subchondral_cysts": False}).category
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

_SIZE = (
    Option("none", "none", "无"),
    Option("small", "small", "小"),
    Option("moderate", "moderate", "中等"),
    Option("large", "large", "大"),
)
_SEVERITY = (
    Option("none", "none", "无"),
    Option("mild", "mild", "轻度"),
    Option("moderate", "moderate", "中度"),
    Option("severe", "severe", "重度"),
)

INSTRUMENT = Instrument(
    code="weishaupt",
    name="Weishaupt facet joint osteoarthritis grade",
    name_zh="Weishaupt 小关节骨关节炎分级",
    version="weishaupt@weishaupt1999",
    kind="classification",
    items=(
        Item("joint_space", "Facet joint space", "小关节间隙",
             options=(Option("normal", "normal (2-4 mm)", "正常（2–4 mm）"),
                      Option("narrowed", "narrowed (< 2 mm)", "变窄（< 2 mm）"))),
        Item("osteophytes", "Osteophytes", "骨赘", options=_SIZE),
        Item("hypertrophy", "Articular process hypertrophy", "关节突肥大", options=_SEVERITY),
        Item("erosions", "Subarticular bone erosions", "关节下骨侵蚀",
             options=(Option("none", "none", "无"), Option("mild", "mild", "轻度"),
                      Option("severe", "severe", "重度"))),
        Item("subchondral_cysts", "Subchondral cysts", "软骨下囊肿", kind="boolean"),
    ),
    references=(
        Reference("Weishaupt D", 1999, "Skeletal Radiol",
                  "MR imaging and CT in osteoarthritis of the lumbar facet joints"),
    ),
    score_range=(0, 3),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)

# Grade implied by each finding value (classifications.md §4.5).
_FINDING_GRADES = {
    "osteophytes": {"none": 0, "small": 1, "moderate": 2, "large": 3},
    "hypertrophy": {"none": 0, "mild": 1, "moderate": 2, "severe": 3},
    "erosions": {"none": 0, "mild": 2, "severe": 3},
}


@dataclass(frozen=True)
class WeishauptResult(Result):
    """Weishaupt grade: ``value`` 0-3, ``subscores`` the grade implied by each finding."""


def classify(inputs: Mapping[str, Any], **options: Any) -> WeishauptResult:
    """Grade facet osteoarthritis as the highest grade implied by any finding.

    Parameters
    ----------
    inputs : mapping
        All five findings (see ``INSTRUMENT.items``).

    Returns
    -------
    WeishauptResult
        ``value`` and ``category`` the grade; ``needs_review`` when narrowing is the only finding.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="weishaupt takes no options")
    findings = {item.id: _read(data, item) for item in INSTRUMENT.items}
    subscores = {key: grades[findings[key]] for key, grades in _FINDING_GRADES.items()}
    subscores["subchondral_cysts"] = 3 if findings["subchondral_cysts"] else 0
    grade = max(subscores.values())
    flags = ()
    if findings["joint_space"] == "narrowed" and grade == 0:
        grade, flags = 1, (NEEDS_REVIEW,)
    subscores["joint_space"] = 1 if findings["joint_space"] == "narrowed" else 0
    return WeishauptResult(code=INSTRUMENT.code, version=INSTRUMENT.version, value=grade, category=str(grade),
                           interpretation=f"grade_{grade}", subscores=subscores, flags=flags)


def _read(data: Mapping[str, Any], item: Item) -> Any:
    if item.id not in data:
        allowed = item.allowed_values or "True or False"
        raise ScoreInputError(item.id, None, allowed, hint="required input is missing")
    return item.validate(data[item.id])
