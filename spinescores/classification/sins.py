"""Spinal Instability Neoplastic Score (SINS), Fisher 2010.

Six components are summed to a total of 0-18: 0-6 stable, 7-12 potentially unstable
(indeterminate), 13-18 unstable. A total of 7 or more means current or possible instability:
refer to a spine surgeon. Score one index lesion per call.

Every component is required: the score is never prorated, because a missing component could hold
up to 4 points and move the total across a band edge.

>>> from spinescores.classification import sins
>>> result = sins.classify({"location": "junctional", "pain": "mechanical", "bone_lesion": "lytic",
...                         "alignment": "normal", "collapse": "none", "posterolateral": "none"})
>>> result.value, result.category
(8, 'potentially_unstable')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import choice, read_inputs, read_options

POINTS = {
    "location": {"junctional": 3, "mobile": 2, "semi_rigid": 1, "rigid": 0},
    "pain": {"mechanical": 3, "occasional": 1, "pain_free": 0},
    "bone_lesion": {"lytic": 2, "mixed": 1, "blastic": 0},
    "alignment": {"subluxation_translation": 4, "de_novo_deformity": 2, "normal": 0},
    "collapse": {"over_50": 3, "under_50": 2, "none_over_50_involved": 1, "none": 0},
    "posterolateral": {"bilateral": 3, "unilateral": 1, "none": 0},
}

INSTRUMENT = Instrument(
    code="sins",
    name="Spinal Instability Neoplastic Score",
    name_zh="脊柱不稳定肿瘤评分",
    version="sins@fisher2010",
    kind="classification",
    items=(
        choice("location", "Location of the lesion", "病变部位", (
            ("junctional", "Junctional (occiput-C2, C7-T2, T11-L1, L5-S1)",
             "交界区（枕-C2、C7-T2、T11-L1、L5-S1）"),
            ("mobile", "Mobile spine (C3-C6, L2-L4)", "活动节段（C3-C6、L2-L4）"),
            ("semi_rigid", "Semi-rigid (T3-T10)", "半固定节段（T3-T10）"),
            ("rigid", "Rigid (S2-S5)", "固定节段（S2-S5）"),
        )),
        choice("pain", "Pain", "疼痛", (
            ("mechanical", "Mechanical pain", "机械性疼痛"),
            ("occasional", "Occasional pain, not mechanical", "偶发非机械性疼痛"),
            ("pain_free", "Pain-free lesion", "无痛病变"),
        )),
        choice("bone_lesion", "Bone lesion", "骨病变性质", (
            ("lytic", "Lytic", "溶骨性"),
            ("mixed", "Mixed lytic/blastic", "混合性"),
            ("blastic", "Blastic", "成骨性"),
        )),
        choice("alignment", "Radiographic spinal alignment", "影像学脊柱序列", (
            ("subluxation_translation", "Subluxation or translation", "半脱位或平移"),
            ("de_novo_deformity", "De novo deformity (kyphosis or scoliosis)", "新发畸形（后凸或侧凸）"),
            ("normal", "Normal alignment", "序列正常"),
        )),
        choice("collapse", "Vertebral body collapse", "椎体塌陷", (
            ("over_50", "More than 50% collapse", "塌陷超过50%"),
            ("under_50", "Less than 50% collapse", "塌陷少于50%"),
            ("none_over_50_involved", "No collapse, more than 50% of body involved",
             "无塌陷但椎体受累超过50%"),
            ("none", "None of the above", "以上均无"),
        )),
        choice("posterolateral", "Posterolateral involvement of spinal elements", "脊柱后外侧结构受累", (
            ("bilateral", "Bilateral", "双侧"),
            ("unilateral", "Unilateral", "单侧"),
            ("none", "None", "无"),
        )),
    ),
    references=(
        Reference("Fisher CG", 2010, "Spine"),
    ),
    score_range=(0, 18),
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="Collapse is entered as a category: the source has no value for exactly 50 %.",
)


@dataclass(frozen=True)
class SinsResult(Result):
    """SINS total (``value``), band (``category``), component points (``subscores``)."""


def classify(inputs: Any, **options: Any) -> SinsResult:
    """Score spinal instability of one neoplastic lesion.

    Parameters
    ----------
    inputs : mapping
        One value for each of ``location``, ``pain``, ``bone_lesion``, ``alignment``, ``collapse``
        and ``posterolateral`` (see ``INSTRUMENT.items`` for the allowed values).

    Returns
    -------
    SinsResult
        ``value`` 0-18, ``category`` ``stable`` / ``potentially_unstable`` / ``unstable``;
        ``details["refer_to_surgeon"]`` is true from 7 points.

    References
    ----------
    Fisher CG, et al. Spine 2010;35(22):E1221-E1229.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    subscores = {item_id: POINTS[item_id][values[item_id]] for item_id in POINTS}
    total = sum(subscores.values())
    band = band_of(total)
    return SinsResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, category=band, interpretation=band,
        subscores=frozen_mapping(subscores), details=frozen_mapping({"refer_to_surgeon": total >= 7}),
    )


def band_of(total: int) -> str:
    """Return the Fisher 2010 band of a SINS total."""
    if total <= 6:
        return "stable"
    if total <= 12:
        return "potentially_unstable"
    return "unstable"
