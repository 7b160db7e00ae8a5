"""AO Spine thoracolumbar injury classification and TL AOSIS (Vaccaro 2013, Kepler 2016).

The classification (``category``) is always given, e.g. ``"A3 N2 M1"``. The TL AO Spine Injury
Score (``value``) = morphology + neurology + modifiers, and its treatment band (<= 3 trial of
non-operative care, 4-5 either, > 5 operative), are given **only when every part used has a
confirmed point value**. Confirmed: A1 1, A2 2, A3 3, A4 5, B1 5; N0 0, N1 1, N2 2, N3 4, N4 4;
M1 +1. Unconfirmed (classifications.md §2.2, §9): A0, B2, B3, C, NX and M2. With any of those the
score is ``None``, ``flags`` holds ``needs_review`` and ``details["unconfirmed"]`` names them;
``details["confirmed_points"]`` sums the parts that are confirmed.

>>> from spinescores.classification import aospine_tl
>>> result = aospine_tl.classify({"morphology": "A4", "neurology": "N0"})
>>> result.category, result.value, result.interpretation
('A4 N0', 5, 'either')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, read_inputs, read_options
from spinescores.errors import ScoreInputError

# None marks a point value that the reference could not confirm; it is never replaced by a guess.
MORPHOLOGY_POINTS = {"A0": None, "A1": 1, "A2": 2, "A3": 3, "A4": 5, "B1": 5,
                     "B2": None, "B3": None, "C": None}
NEUROLOGY_POINTS = {"N0": 0, "N1": 1, "N2": 2, "N3": 4, "N4": 4, "NX": None}
MODIFIER_POINTS = {"m1": 1, "m2": None}

_MORPHOLOGY = (
    ("A0", "A0 minor, non-structural fracture", "A0 轻微非结构性骨折"),
    ("A1", "A1 wedge or impaction, one endplate", "A1 楔形或压缩，单终板"),
    ("A2", "A2 split or pincer, both endplates", "A2 劈裂或钳夹型，双终板"),
    ("A3", "A3 incomplete burst", "A3 不完全爆裂"),
    ("A4", "A4 complete burst", "A4 完全爆裂"),
    ("B1", "B1 transosseous tension-band failure (Chance)", "B1 经骨张力带损伤（Chance骨折）"),
    ("B2", "B2 posterior tension-band disruption", "B2 后方张力带断裂"),
    ("B3", "B3 anterior tension-band (hyperextension) injury", "B3 前方张力带（过伸）损伤"),
    ("C", "C displacement, dislocation or translation", "C 移位、脱位或平移"),
)

INSTRUMENT = Instrument(
    code="aospine_tl",
    name="AO Spine thoracolumbar classification and TL AOSIS",
    name_zh="AO Spine胸腰椎损伤分型及TL AOSIS评分",
    version="aospine_tl@vaccaro2013-kepler2016",
    kind="classification",
    items=(
        choice("morphology", "Morphology (most severe injury)", "损伤形态（最严重者）", _MORPHOLOGY),
        choice("c_subtype", "A or B sub-descriptor of a type C injury", "C型损伤的A/B亚型描述",
               tuple(option for option in _MORPHOLOGY if option[0] != "C"), required=False),
        choice("neurology", "Neurological status", "神经功能状态", (
            ("N0", "N0 neurologically intact", "N0 神经功能完整"),
            ("N1", "N1 transient deficit, resolved", "N1 短暂性神经功能障碍，已恢复"),
            ("N2", "N2 radicular symptoms", "N2 神经根症状"),
            ("N3", "N3 incomplete cord or any cauda equina injury", "N3 不完全性脊髓或任何马尾损伤"),
            ("N4", "N4 complete cord injury", "N4 完全性脊髓损伤"),
            ("NX", "NX cannot be examined", "NX 无法检查"),
        )),
        boolean("m1", "M1 indeterminate tension-band injury", "M1 张力带损伤不确定", required=False),
        boolean("m2", "M2 patient-specific comorbidity", "M2 患者特异性合并症", required=False),
    ),
    references=(
        Reference("Vaccaro AR", 2013, "Spine"),
        Reference("Kepler CK", 2016, "Global Spine J"),
        Reference("Vaccaro AR", 2016, "Eur Spine J"),
    ),
    score_range=None,
    direction=HIGHER_IS_WORSE,
    confidence="P",
    notes="A0, B2, B3, C, NX and M2 points are unconfirmed: the score is withheld when they occur.",
)


@dataclass(frozen=True)
class AospineTlResult(Result):
    """Classification code (``category``), TL AOSIS (``value``) and treatment band (``interpretation``)."""


def classify(inputs: Any, **options: Any) -> AospineTlResult:
    """Classify a thoracolumbar injury and score it where every weight is confirmed.

    Parameters
    ----------
    inputs : mapping
        ``morphology`` (A0-A4, B1-B3, C), ``neurology`` (N0-N4, NX), optional ``c_subtype``
        (A0-B3, only with C), ``m1`` and ``m2`` (bool).

    Returns
    -------
    AospineTlResult
        ``category`` e.g. ``"B1 N3 M1"``; ``value`` and ``interpretation`` (``nonoperative_trial``,
        ``either``, ``operative``) or ``None`` with ``needs_review``.

    References
    ----------
    Vaccaro AR, et al. Spine 2013;38(23):2028-2037. Kepler CK, et al. Global Spine J 2016;6(4):329-334.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    if "c_subtype" in values and values["morphology"] != "C":
        raise ScoreInputError("c_subtype", values["c_subtype"], "only with morphology 'C'",
                              hint=f"morphology is {values['morphology']!r}")
    parts = {"morphology": MORPHOLOGY_POINTS[values["morphology"]],
             "neurology": NEUROLOGY_POINTS[values["neurology"]]}
    parts.update({name: MODIFIER_POINTS[name] for name in MODIFIER_POINTS if values.get(name)})
    unconfirmed = [name for name, points in parts.items() if points is None]
    confirmed_points = sum(points for points in parts.values() if points is not None)
    total = None if unconfirmed else confirmed_points
    band = None if total is None else band_of(total)
    details = {**values, "confirmed_points": confirmed_points, "unconfirmed": tuple(unconfirmed)}
    return AospineTlResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, category=code_of(values),
        interpretation=band, subscores=frozen_mapping(parts), flags=(NEEDS_REVIEW,) if unconfirmed else (),
        details=frozen_mapping(details),
    )


def code_of(values: dict[str, Any]) -> str:
    """Return the AO Spine code string, e.g. ``"C N4 M1"`` (the C sub-descriptor is in details)."""
    modifiers = [name.upper() for name in MODIFIER_POINTS if values.get(name)]
    return " ".join([values["morphology"], values["neurology"], *modifiers])


def band_of(total: int) -> str:
    """Return the TL AOSIS treatment band (Vaccaro 2016 algorithm)."""
    if total <= 3:
        return "nonoperative_trial"
    if total <= 5:
        return "either"
    return "operative"
