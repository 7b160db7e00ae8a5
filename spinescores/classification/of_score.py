"""OF score: therapy recommendation for osteoporotic thoracolumbar fractures (DGOU / AO Spine).

==================================  =======================  ==============================
Parameter                           Value                    Points
==================================  =======================  ==============================
Morphology                          OF 1 … OF 5              2 × OF type (2, 4, 6, 8, 10)
Osteoporosis severity               T < -3 or QCT ≤ 90 HU    +1
Deformity progression               yes / no                 +1 / -1
Pain under analgesia (WHO step II)  VAS ≥ 5 / < 5            +1 / -1
Neurological deficit                N2-N4                    +2
Mobilisation under analgesia        not possible / possible  +1 / -1
Health status                       ASA > 3; mFI-5 > 2;      -1 each, at most -2 in total
                                    anticoagulation
==================================  =======================  ==============================

Missing-item rule (from the source): an unknown or not assessable parameter scores 0 points; it
is simply left out of the inputs and listed in ``missing_items`` (neurology "NX" also scores 0).
Only the morphology is required.

Total 0-5 → conservative; 6 → conservative or surgery; > 6 → surgery. A total below 0 is possible
(OF 1-2 with every favourable parameter) but outside the published bands, so it returns no
interpretation and ``needs_review``. Every result carries ``unvalidated``: the pocket card calls
the score "modified" and not yet validated, and its identity with the 2018 paper's table is
unconfirmed.

References
----------
Blattert TR, Schnake KJ, Gonschorek O, et al. Nonsurgical and surgical management of osteoporotic
vertebral body fractures: recommendations of the Spine Section of the German Society for
Orthopaedics and Trauma (DGOU). Global Spine J 2018;8(2 Suppl):50S-55S.

Examples
--------
>>> score({"of_type": "OF3", "deformity_progression": True}).value
7
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    NEEDS_REVIEW,
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

T_SCORE_BELOW = -3.0  # T-score < -3 → +1
QCT_HU_AT_MOST = 90.0  # QCT ≤ 90 HU → +1
VAS_AT_LEAST = 5.0  # VAS ≥ 5 → +1, < 5 → -1
ASA_ABOVE = 3  # ASA > 3 → -1
MFI5_ABOVE = 2  # mFI-5 > 2 → -1
HEALTH_FLOOR = -2  # health-status points, at most -2 in total
CONSERVATIVE_MAX = 5  # 0-5 conservative
SURGERY_ABOVE = 6  # 6 either, > 6 surgery

INSTRUMENT = Instrument(
    code="of_score",
    name="OF score (osteoporotic fracture therapy score)",
    name_zh="OF 评分（骨质疏松性骨折治疗评分）",
    version="of_score@blattert2018",
    kind="clinician",
    items=(
        Item("of_type", "OF morphology type", "OF 形态分型",
             options=tuple(Option(f"OF{n}", f"OF {n}", f"OF {n} 型") for n in range(1, 6))),
        Item("t_score", "Lowest DXA T-score", "DXA 最低 T 值", kind="number", minimum=-10, maximum=10,
             unit="SD", required=False),
        Item("qct_hu", "QCT bone density", "QCT 骨密度", kind="number", minimum=-1000, maximum=3000,
             unit="HU", required=False),
        Item("deformity_progression", "Deformity progression", "畸形进展", kind="boolean", required=False),
        Item("pain_vas", "Pain under analgesia (WHO step II)", "镇痛（WHO 二阶梯）下疼痛 VAS", kind="number",
             minimum=0, maximum=10, required=False),
        Item("neurology", "Neurological status (AO Spine N)", "神经功能（AO Spine N 分级）", required=False,
             options=(Option("N0", "intact", "正常"),
                      Option("N1", "transient deficit", "一过性损害"),
                      Option("N2", "radicular", "神经根损害"),
                      Option("N3", "incomplete cord or cauda equina", "不完全脊髓或马尾损害"),
                      Option("N4", "complete cord", "完全脊髓损害"),
                      Option("NX", "cannot be examined", "无法检查"))),
        Item("mobilisation_possible", "Mobilisation possible under analgesia", "镇痛下可下地活动",
             kind="boolean", required=False),
        Item("asa_class", "ASA physical status class", "ASA 分级", kind="integer", minimum=1, maximum=6,
             required=False),
        Item("mfi5", "mFI-5 frailty count", "mFI-5 衰弱指数", kind="integer", minimum=0, maximum=5,
             required=False),
        Item("anticoagulation", "On anticoagulation", "抗凝治疗", kind="boolean", required=False),
    ),
    references=(
        Reference("Blattert TR", 2018, "Global Spine J",
                  "Nonsurgical and surgical management of osteoporotic vertebral body fractures: "
                  "recommendations of the Spine Section of the German Society for Orthopaedics and Trauma"),
    ),
    score_range=(-3, 16),
    direction=None,
    confidence="C",
    notes="Labelled 'modified' and not yet validated on the AO Spine-DGOU pocket card: results unvalidated.",
)

_OPTIONAL = tuple(item.id for item in INSTRUMENT.items[1:])


@dataclass(frozen=True)
class OfScoreResult(Result):
    """OF score: ``value`` the total, ``subscores`` the points of each parameter."""


def score(responses: Mapping[str, Any], **options: Any) -> OfScoreResult:
    """Sum the OF score and map it to the therapy recommendation.

    Parameters
    ----------
    responses : mapping
        ``of_type`` (required) and any of the optional parameters; leave unknown ones out.

    Returns
    -------
    OfScoreResult
        ``value`` the total; ``interpretation`` "conservative", "conservative_or_surgery" or
        "surgery" (``None`` with ``needs_review`` for a total below 0).
    """
    data = require_mapping(responses, "responses")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="of_score takes no options")
    values = {key: INSTRUMENT.item(key).validate(value) for key, value in data.items()}
    if "of_type" not in values:
        raise ScoreInputError("of_type", None, INSTRUMENT.item("of_type").allowed_values,
                              hint="required input is missing")
    points = _points(values)
    total = sum(points.values())
    interpretation, flags = _recommendation(total), (UNVALIDATED,)
    if interpretation is None:
        flags = (NEEDS_REVIEW, UNVALIDATED)
    missing = tuple(key for key in _OPTIONAL if key not in values)
    if "t_score" in values or "qct_hu" in values:
        missing = tuple(key for key in missing if key not in ("t_score", "qct_hu"))
    return OfScoreResult(code=INSTRUMENT.code, version=INSTRUMENT.version, value=total,
                         interpretation=interpretation, subscores=points, missing_items=missing, flags=flags)


classify = score


def _points(values: Mapping[str, Any]) -> dict[str, int]:
    osteoporosis = ("t_score" in values and values["t_score"] < T_SCORE_BELOW) or (
        "qct_hu" in values and values["qct_hu"] <= QCT_HU_AT_MOST)
    health = sum((
        "asa_class" in values and values["asa_class"] > ASA_ABOVE,
        "mfi5" in values and values["mfi5"] > MFI5_ABOVE,
        values.get("anticoagulation") is True,
    ))
    return {
        "morphology": 2 * int(values["of_type"][-1]),
        "osteoporosis": 1 if osteoporosis else 0,
        "deformity_progression": _plus_minus(values.get("deformity_progression")),
        "pain": _plus_minus(None if "pain_vas" not in values else values["pain_vas"] >= VAS_AT_LEAST),
        "neurology": 2 if values.get("neurology") in ("N2", "N3", "N4") else 0,
        "mobilisation": _plus_minus(None if "mobilisation_possible" not in values
                                    else not values["mobilisation_possible"]),
        "health_status": max(-health, HEALTH_FLOOR),
    }


def _plus_minus(present: bool | None) -> int:
    """+1 when present, -1 when absent, 0 when unknown (the source's unknown → 0 rule)."""
    if present is None:
        return 0
    return 1 if present else -1


def _recommendation(total: int) -> str | None:
    if total < 0:
        return None
    if total <= CONSERVATIVE_MAX:
        return "conservative"
    if total <= SURGERY_ABOVE:
        return "conservative_or_surgery"
    return "surgery"
