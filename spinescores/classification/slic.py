"""Subaxial Cervical Spine Injury Classification (SLIC), Vaccaro 2007.

Morphology (0-4) + disco-ligamentous complex (0-2) + neurology (0-3), plus 1 for continuous cord
compression in the setting of a neurological deficit. Total 0-10: under 4 non-operative,
4 surgeon's choice, 5 or more operative. The +1 modifier is rejected when neurology is intact.
Pass a list for a category to let the module score its worst value.

>>> from spinescores.classification import slic
>>> slic.classify({"morphology": "distraction", "dlc": "disrupted", "neurology": "root"}).value
6
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, pick_worst, read_inputs, read_options
from spinescores.errors import ScoreInputError

POINTS = {
    "morphology": {"none": 0, "compression": 1, "burst": 2, "distraction": 3, "rotation_translation": 4},
    "dlc": {"intact": 0, "indeterminate": 1, "disrupted": 2},
    "neurology": {"intact": 0, "root": 1, "cord_complete": 2, "cord_incomplete": 3},
}

INSTRUMENT = Instrument(
    code="slic",
    name="Subaxial Cervical Spine Injury Classification",
    name_zh="下颈椎损伤分类评分",
    version="slic@vaccaro2007",
    kind="classification",
    items=(
        choice("morphology", "Injury morphology", "损伤形态", (
            ("none", "No abnormality", "无异常"),
            ("compression", "Compression", "压缩"),
            ("burst", "Burst", "爆裂"),
            ("distraction", "Distraction (facet perch, hyperextension)", "牵张（关节突骑跨、过伸）"),
            ("rotation_translation", "Rotation or translation", "旋转或平移"),
        )),
        choice("dlc", "Disco-ligamentous complex", "椎间盘韧带复合体", (
            ("intact", "Intact", "完整"),
            ("indeterminate", "Indeterminate", "不确定"),
            ("disrupted", "Disrupted", "断裂"),
        )),
        choice("neurology", "Neurological status", "神经功能状态", (
            ("intact", "Intact", "完整"),
            ("root", "Root injury", "神经根损伤"),
            ("cord_complete", "Complete cord injury", "完全性脊髓损伤"),
            ("cord_incomplete", "Incomplete cord injury", "不完全性脊髓损伤"),
        )),
        boolean("continuous_cord_compression", "Continuous cord compression with a neurological deficit",
                "伴神经功能缺损的持续脊髓压迫", required=False),
    ),
    references=(
        Reference("Vaccaro AR", 2007, "Spine"),
    ),
    score_range=(0, 10),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class SlicResult(Result):
    """Total (``value``), treatment band (``category``) and points per category (``subscores``)."""


def classify(inputs: Any, **options: Any) -> SlicResult:
    """Score a subaxial cervical injury.

    Parameters
    ----------
    inputs : mapping
        ``morphology``, ``dlc``, ``neurology`` (a value or a list of values, worst scored) and
        optional ``continuous_cord_compression`` (bool, only with a deficit).

    Returns
    -------
    SlicResult
        ``value`` 0-10; ``category`` ``nonoperative`` (< 4), ``surgeon_choice`` (4) or
        ``operative`` (>= 5).

    References
    ----------
    Vaccaro AR, Hurlbert RJ, Patel AA, et al. Spine 2007;32(21):2365-2374.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, pick_worst(INSTRUMENT, inputs, POINTS))
    subscores = {item_id: POINTS[item_id][values[item_id]] for item_id in POINTS}
    compression = values.get("continuous_cord_compression", False)
    if compression and subscores["neurology"] == 0:
        raise ScoreInputError("continuous_cord_compression", True, "False when neurology is intact",
                              hint="the +1 modifier needs a neurological deficit")
    subscores["continuous_cord_compression"] = int(compression)
    total = sum(subscores.values())
    band = band_of(total)
    return SlicResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, category=band, interpretation=band,
        subscores=frozen_mapping(subscores), details=frozen_mapping(values),
    )


def band_of(total: int) -> str:
    """Return the Vaccaro 2007 treatment band of a SLIC total."""
    if total < 4:
        return "nonoperative"
    if total == 4:
        return "surgeon_choice"
    return "operative"
