"""AO Spine subaxial cervical injury classification (Vaccaro 2016) and cervical AOSIS (Canseco).

The classification code (``category``) is always given, e.g. ``"B2 F4 BL N3+ M3"``. The cervical
AO Spine Injury Score (``value``) is the sum of the element points (Canseco, PMC9210250):
morphology A0 0, A1 1, A2 2, A3 4, A4 5, B1 5, B2 6, B3 6, C 7; facet F1 2, F2 4, F3 5, F4 7;
neurology N0 0, N1 1, N2 2, N3 4, N4 4; modifiers M1 1, M2 4, M3 4. No treatment thresholds were
retrieved, so ``interpretation`` is always ``None``.

The reference gives **no points** for NX, for "+" (ongoing cord compression with a deficit) or for
M4, nor a rule for combining facet injuries on both sides. When any of these occurs the score is
withheld: ``value`` is ``None``, ``flags`` holds ``needs_review``, ``details["unscored"]`` names
the parts and ``details["confirmed_points"]`` sums the rest.

>>> from spinescores.classification import aospine_subaxial
>>> result = aospine_subaxial.classify({"morphology": "A1", "facet_left": "F1", "neurology": "N2"})
>>> result.category, result.value
('A1 F1 (left) N2', 5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, read_inputs, read_options
from spinescores.errors import ScoreInputError

MORPHOLOGY_POINTS = {"A0": 0, "A1": 1, "A2": 2, "A3": 4, "A4": 5, "B1": 5, "B2": 6, "B3": 6, "C": 7}
FACET_POINTS = {"F1": 2, "F2": 4, "F3": 5, "F4": 7}
# None marks an element the source lists without points; it is never replaced by a guess.
NEUROLOGY_POINTS = {"N0": 0, "N1": 1, "N2": 2, "N3": 4, "N4": 4, "NX": None}
MODIFIER_POINTS = {"m1": 1, "m2": 4, "m3": 4, "m4": None}
DEFICITS = ("N1", "N2", "N3", "N4")

_FACETS = (
    ("F1", "F1 non-displaced, fragment < 1 cm and < 40% of lateral mass", "F1 无移位，骨块<1 cm且<40%侧块"),
    ("F2", "F2 fracture with potential for instability", "F2 有潜在不稳定的骨折"),
    ("F3", "F3 floating lateral mass", "F3 浮动侧块"),
    ("F4", "F4 subluxed, perched or dislocated facet", "F4 关节突半脱位、骑跨或脱位"),
)

INSTRUMENT = Instrument(
    code="aospine_subaxial",
    name="AO Spine subaxial cervical classification and cervical AOSIS",
    name_zh="AO Spine下颈椎损伤分型及颈椎AOSIS评分",
    version="aospine_subaxial@vaccaro2016-canseco2020",
    kind="classification",
    items=(
        choice("morphology", "Vertebral body morphology", "椎体损伤形态", (
            ("A0", "A0 no or minor bony injury", "A0 无或轻微骨损伤"),
            ("A1", "A1 wedge, one endplate", "A1 楔形，单终板"),
            ("A2", "A2 split or pincer, both endplates", "A2 劈裂或钳夹型，双终板"),
            ("A3", "A3 incomplete burst", "A3 不完全爆裂"),
            ("A4", "A4 complete burst", "A4 完全爆裂"),
            ("B1", "B1 osseous tension-band injury", "B1 骨性张力带损伤"),
            ("B2", "B2 posterior tension-band injury", "B2 后方张力带损伤"),
            ("B3", "B3 anterior tension-band (hyperextension) injury", "B3 前方张力带（过伸）损伤"),
            ("C", "C translation in any direction", "C 任意方向平移"),
        )),
        choice("facet_left", "Facet injury, left side", "左侧关节突损伤", _FACETS, required=False),
        choice("facet_right", "Facet injury, right side", "右侧关节突损伤", _FACETS, required=False),
        choice("neurology", "Neurological status", "神经功能状态", (
            ("N0", "N0 intact", "N0 神经功能完整"),
            ("N1", "N1 transient deficit", "N1 短暂性神经功能障碍"),
            ("N2", "N2 radiculopathy", "N2 神经根病"),
            ("N3", "N3 incomplete cord injury", "N3 不完全性脊髓损伤"),
            ("N4", "N4 complete cord injury", "N4 完全性脊髓损伤"),
            ("NX", "NX cannot be examined", "NX 无法检查"),
        )),
        boolean("cord_compression", "Ongoing cord compression with a deficit (+)",
                "伴神经缺损的持续脊髓压迫（+）", required=False),
        boolean("m1", "M1 incomplete posterior capsulo-ligamentous injury", "M1 后方关节囊韧带不完全损伤",
                required=False),
        boolean("m2", "M2 critical disc herniation", "M2 严重椎间盘突出", required=False),
        boolean("m3", "M3 stiffening or metabolic bone disease", "M3 强直性或代谢性骨病", required=False),
        boolean("m4", "M4 vertebral artery abnormality", "M4 椎动脉异常", required=False),
    ),
    references=(
        Reference("Vaccaro AR", 2016, "Eur Spine J"),
        Reference("Canseco JA", 2020, "Global Spine J", doi="10.1177/2192568220974339"),
    ),
    score_range=None,
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="NX, '+', M4 and bilateral facet injuries have no confirmed points: the score is withheld.",
)


@dataclass(frozen=True)
class AospineSubaxialResult(Result):
    """Classification code (``category``) and cervical AOSIS (``value``), no treatment band."""


def classify(inputs: Any, **options: Any) -> AospineSubaxialResult:
    """Classify a subaxial cervical injury and sum the cervical AOSIS where it is defined.

    Parameters
    ----------
    inputs : mapping
        ``morphology`` (A0-C) and ``neurology`` (N0-N4, NX); optional ``facet_left`` and
        ``facet_right`` (F1-F4), ``cord_compression`` (bool, only with N1-N4) and ``m1``-``m4`` (bool).

    Returns
    -------
    AospineSubaxialResult
        ``category`` the code string; ``value`` the cervical AOSIS or ``None`` with ``needs_review``.

    References
    ----------
    Vaccaro AR, Koerner JD, Radcliff KE, et al. Eur Spine J 2016;25(7):2173-2184.
    Canseco JA, Schroeder GD, Paziuk TM, et al. Global Spine J 2020, doi 10.1177/2192568220974339.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    if values.get("cord_compression") and values["neurology"] not in DEFICITS:
        raise ScoreInputError("cord_compression", True, "False unless neurology is N1-N4",
                              hint=f"neurology is {values['neurology']!r}")
    parts = _points(values)
    unscored = tuple(name for name, points in parts.items() if points is None)
    confirmed_points = sum(points for points in parts.values() if points is not None)
    details = {**values, "confirmed_points": confirmed_points, "unscored": unscored}
    return AospineSubaxialResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=None if unscored else confirmed_points,
        category=code_of(values), subscores=frozen_mapping(parts),
        flags=(NEEDS_REVIEW,) if unscored else (), details=frozen_mapping(details),
    )


def _points(values: dict[str, Any]) -> dict[str, int | None]:
    parts: dict[str, int | None] = {"morphology": MORPHOLOGY_POINTS[values["morphology"]]}
    facets = [values[side] for side in ("facet_left", "facet_right") if side in values]
    if len(facets) == 1:
        parts["facet"] = FACET_POINTS[facets[0]]
    elif facets:
        parts["facet"] = None  # no combination rule for both sides was retrieved
    parts["neurology"] = NEUROLOGY_POINTS[values["neurology"]]
    if values.get("cord_compression"):
        parts["cord_compression"] = None
    parts.update({name: MODIFIER_POINTS[name] for name in MODIFIER_POINTS if values.get(name)})
    return parts


def code_of(values: dict[str, Any]) -> str:
    """Return the AO Spine code string, e.g. ``"C F4 BL N3+ M2"``."""
    parts = [values["morphology"]]
    left, right = values.get("facet_left"), values.get("facet_right")
    if left and left == right:
        parts.append(f"{left} BL")
    else:
        parts += [f"{facet} ({side})" for facet, side in ((left, "left"), (right, "right")) if facet]
    parts.append(values["neurology"] + ("+" if values.get("cord_compression") else ""))
    parts += [name.upper() for name in MODIFIER_POINTS if values.get(name)]
    return " ".join(parts)
