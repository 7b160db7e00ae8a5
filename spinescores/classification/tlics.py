"""Thoracolumbar Injury Classification and Severity Score (TLICS), Vaccaro 2005.

Morphology (1-4) + posterior ligamentous complex (0-3) + neurology (0-3), scoring the single worst
value per category; pass a list for a category to let the module pick the worst. Total 1-10:
3 or less non-operative, 4 surgeon's choice, 5 or more operative. An incomplete cord injury scores
higher than a complete one by design: it is more urgent to decompress.

>>> from spinescores.classification import tlics
>>> tlics.classify({"morphology": "burst", "plc": "indeterminate", "neurology": "intact"}).category
'surgeon_choice'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import choice, pick_worst, read_inputs, read_options

POINTS = {
    "morphology": {"compression": 1, "burst": 2, "translation_rotation": 3, "distraction": 4},
    "plc": {"intact": 0, "indeterminate": 2, "injured": 3},
    "neurology": {"intact": 0, "nerve_root": 2, "cord_complete": 2, "cord_incomplete": 3, "cauda_equina": 3},
}

INSTRUMENT = Instrument(
    code="tlics",
    name="Thoracolumbar Injury Classification and Severity Score",
    name_zh="胸腰椎损伤分类及严重程度评分",
    version="tlics@vaccaro2005",
    kind="classification",
    items=(
        choice("morphology", "Injury morphology", "损伤形态", (
            ("compression", "Compression", "压缩"),
            ("burst", "Burst", "爆裂"),
            ("translation_rotation", "Translation or rotation", "平移或旋转"),
            ("distraction", "Distraction", "牵张"),
        )),
        choice("plc", "Posterior ligamentous complex", "后方韧带复合体", (
            ("intact", "Intact", "完整"),
            ("indeterminate", "Suspected or indeterminate injury", "可疑或不确定损伤"),
            ("injured", "Injured", "损伤"),
        )),
        choice("neurology", "Neurological status", "神经功能状态", (
            ("intact", "Intact", "完整"),
            ("nerve_root", "Nerve root injury", "神经根损伤"),
            ("cord_complete", "Complete cord or conus injury", "完全性脊髓或圆锥损伤"),
            ("cord_incomplete", "Incomplete cord or conus injury", "不完全性脊髓或圆锥损伤"),
            ("cauda_equina", "Cauda equina injury", "马尾损伤"),
        )),
    ),
    references=(
        Reference("Vaccaro AR", 2005, "Spine"),
    ),
    score_range=(1, 10),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class TlicsResult(Result):
    """Total (``value``), treatment band (``category``) and category points (``subscores``)."""


def classify(inputs: Any, **options: Any) -> TlicsResult:
    """Score a thoracolumbar injury.

    Parameters
    ----------
    inputs : mapping
        ``morphology``, ``plc`` and ``neurology``: one value each, or a non-empty list of values of
        which the worst is scored.

    Returns
    -------
    TlicsResult
        ``value`` 1-10; ``category`` ``nonoperative`` (<= 3), ``surgeon_choice`` (4) or
        ``operative`` (>= 5).

    References
    ----------
    Vaccaro AR, Lehman RA Jr, Hurlbert RJ, et al. Spine 2005;30(20):2325-2333.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, pick_worst(INSTRUMENT, inputs, POINTS))
    subscores = {item_id: POINTS[item_id][values[item_id]] for item_id in POINTS}
    total = sum(subscores.values())
    band = band_of(total)
    return TlicsResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, category=band, interpretation=band,
        subscores=frozen_mapping(subscores), details=frozen_mapping(values),
    )


def band_of(total: int) -> str:
    """Return the Vaccaro 2005 treatment band of a TLICS total."""
    if total <= 3:
        return "nonoperative"
    if total == 4:
        return "surgeon_choice"
    return "operative"
