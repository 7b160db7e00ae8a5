"""Lenke classification of adolescent idiopathic scoliosis, Lenke 2001 (classifications.md §3.3).

Output = curve type (1-6) + lumbar modifier (A/B/C) + sagittal thoracic modifier (-/N/+), e.g.
``"1AN"``. Angles are in degrees; sagittal angles are signed, kyphosis positive.

1. Major curve: the larger standing Cobb of MT and TL/L (always structural).
2. A minor curve is structural if its bending Cobb >= 25°, or (PT) T2-T5 kyphosis >= +20°, or
   (MT, TL/L) T10-L2 kyphosis >= +20°.
3. Curve type from the structural pattern; "PT structural, MT not, TL/L major" is not in the
   table and is returned unclassified with ``needs_review``.
4. Lumbar modifier: given directly, or from the CSVL and the apical lumbar vertebra's medial pedicle
   borders (pL, pR) and lateral body margins (bL, bR), as x positions in one unit
   (*convention* of §3.3): pL < CSVL < pR -> A; bL <= CSVL <= pL or pR <= CSVL <= bR -> B;
   otherwise C. Type 5 takes only C (confirmed): A or B with type 5 is unclassified.
5. Sagittal modifier from T5-T12: < +10° "-", +10° to +40° "N", > +40° "+".

Not guessed (§9): an exact MT = TL/L tie, and a largest PT when the two readings of step 1
disagree (TL/L larger than MT), give ``needs_review`` without a type. The restriction of type 6 to
modifier C is unconfirmed: 6A/6B are returned with ``needs_review``. Missing inputs that a step
needs are listed in ``missing_items`` and that part is left ``None`` with ``needs_review``.

>>> from spinescores.classification import lenke
>>> lenke.classify({"pt_cobb": 20, "mt_cobb": 50, "tll_cobb": 30, "pt_bending": 10, "tll_bending": 15,
...                 "t2_t5": 5, "t10_l2": 0, "t5_t12": 25, "lumbar_modifier": "A"}).category
'1AN'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import choice, number, read_inputs, read_options
from spinescores.errors import ScoreInputError

STRUCTURAL_BENDING = 25  # degrees, bending Cobb at or above which a minor curve is structural
STRUCTURAL_KYPHOSIS = 20  # degrees, T2-T5 or T10-L2 kyphosis at or above which it is structural
GEOMETRY = ("csvl_x", "body_left_x", "pedicle_left_x", "pedicle_right_x", "body_right_x")
# (PT structural, other minor structural) -> type, for each major curve.
TYPES = {
    "mt": {(False, False): "1", (True, False): "2", (False, True): "3", (True, True): "4"},
    "tll": {(False, False): "5", (False, True): "6", (True, True): "4"},
}


def _angle(item_id: str, en: str, zh: str, low: float, *, required: bool = False) -> Any:
    return number(item_id, en, zh, low, 180, "deg", required=required)


def _x(item_id: str, en: str, zh: str) -> Any:
    return number(item_id, en, zh, None, None, "same unit for all x positions", required=False)


INSTRUMENT = Instrument(
    code="lenke",
    name="Lenke classification of adolescent idiopathic scoliosis",
    name_zh="青少年特发性脊柱侧凸Lenke分型",
    version="lenke@lenke2001",
    kind="classification",
    items=(
        _angle("pt_cobb", "Proximal thoracic Cobb, standing", "上胸弯站立位Cobb角", 0, required=True),
        _angle("mt_cobb", "Main thoracic Cobb, standing", "主胸弯站立位Cobb角", 0, required=True),
        _angle("tll_cobb", "Thoracolumbar/lumbar Cobb, standing", "胸腰/腰弯站立位Cobb角", 0, required=True),
        _angle("pt_bending", "Proximal thoracic Cobb, side-bending", "上胸弯侧屈位Cobb角", -180),
        _angle("mt_bending", "Main thoracic Cobb, side-bending", "主胸弯侧屈位Cobb角", -180),
        _angle("tll_bending", "Thoracolumbar/lumbar Cobb, side-bending", "胸腰/腰弯侧屈位Cobb角", -180),
        _angle("t2_t5", "T2-T5 sagittal angle (kyphosis positive)", "T2-T5矢状面角（后凸为正）", -180),
        _angle("t10_l2", "T10-L2 sagittal angle (kyphosis positive)", "T10-L2矢状面角（后凸为正）", -180),
        _angle("t5_t12", "T5-T12 sagittal angle (kyphosis positive)", "T5-T12矢状面角（后凸为正）", -180),
        choice("lumbar_modifier", "Lumbar modifier", "腰椎修正型", (
            ("A", "A: CSVL between the pedicles of the apical lumbar vertebra",
             "A：CSVL位于腰弯顶椎椎弓根之间"),
            ("B", "B: CSVL touches the apical body", "B：CSVL触及顶椎椎体"),
            ("C", "C: CSVL does not touch the apical body", "C：CSVL未触及顶椎椎体"),
        ), required=False),
        _x("csvl_x", "CSVL x position", "骶骨中垂线x位置"),
        _x("body_left_x", "Lateral body margin of the apical lumbar vertebra, image left",
           "腰弯顶椎椎体外缘（图像左）"),
        _x("pedicle_left_x", "Medial pedicle border, image left", "椎弓根内缘（图像左）"),
        _x("pedicle_right_x", "Medial pedicle border, image right", "椎弓根内缘（图像右）"),
        _x("body_right_x", "Lateral body margin, image right", "椎体外缘（图像右）"),
    ),
    references=(Reference("Lenke LG", 2001, "J Bone Joint Surg Am"),),
    confidence="P",
    notes="Ties, the PT-largest rule and the type 6 modifier restriction are unconfirmed.",
)


@dataclass(frozen=True)
class LenkeResult(Result):
    """Full class (``category``) and its parts (``subscores``)."""


def classify(inputs: Any, **options: Any) -> LenkeResult:
    """Classify an adolescent idiopathic scoliosis by Lenke.

    Parameters
    ----------
    inputs : mapping
        Standing Cobbs ``pt_cobb``, ``mt_cobb``, ``tll_cobb`` (required); bending Cobbs
        ``pt_bending``, ``mt_bending``, ``tll_bending``; sagittal ``t2_t5``, ``t10_l2``, ``t5_t12``;
        ``lumbar_modifier`` or the five x positions ``csvl_x``, ``body_left_x``, ``pedicle_left_x``,
        ``pedicle_right_x``, ``body_right_x``.

    Returns
    -------
    LenkeResult
        ``category`` e.g. ``"3CN"`` or ``None`` with ``needs_review``; ``subscores`` ``curve_type``,
        ``lumbar_modifier``, ``sagittal_modifier``, ``major_curve`` and the structural status.

    References
    ----------
    Lenke LG, Betz RR, Harms J, et al. J Bone Joint Surg Am 2001;83(8):1169-1181.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    missing: list[str] = []
    reasons: list[str] = []
    major = _major_curve(values, reasons)
    curve_type, structural = _curve_type(values, major, missing, reasons) if major else (None, {})
    lumbar = _lumbar_modifier(values, missing)
    if curve_type == "5" and lumbar in ("A", "B"):
        reasons.append("type 5 takes only lumbar modifier C")
        curve_type = None
    elif curve_type == "6" and lumbar in ("A", "B"):
        reasons.append("type 6 with modifier A/B: restriction to C unconfirmed")
    sagittal = _sagittal_modifier(values, missing)
    parts = (curve_type, lumbar, sagittal)
    category = "".join(parts) if None not in parts else None
    flagged = bool(reasons or missing or category is None)
    subscores = {"curve_type": curve_type, "lumbar_modifier": lumbar, "sagittal_modifier": sagittal,
                 "major_curve": major, **{f"{name}_structural": flag for name, flag in structural.items()}}
    return LenkeResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, category=category, interpretation=category,
        subscores=frozen_mapping(subscores), missing_items=tuple(missing),
        flags=(NEEDS_REVIEW,) if flagged else (), details=frozen_mapping({"review_reasons": tuple(reasons)}),
    )


def _major_curve(values: dict[str, Any], reasons: list[str]) -> str | None:
    pt, mt, tll = values["pt_cobb"], values["mt_cobb"], values["tll_cobb"]
    if mt == tll:
        reasons.append("MT and TL/L standing Cobb are equal: tie rule unconfirmed")
        return None
    if pt > max(mt, tll) and tll > mt:
        reasons.append("PT is largest and the two major-curve rules disagree")
        return None
    return "mt" if mt > tll else "tll"


def _structural(values: dict[str, Any], bending: str, kyphosis: str, missing: list[str]) -> bool | None:
    bend, kyph = values.get(bending), values.get(kyphosis)
    if bend is not None and bend >= STRUCTURAL_BENDING:
        return True
    if kyph is not None and kyph >= STRUCTURAL_KYPHOSIS:
        return True
    absent = [key for key in (bending, kyphosis) if key not in values]
    missing += [key for key in absent if key not in missing]
    return None if absent else False


def _curve_type(values: dict[str, Any], major: str, missing: list[str],
                reasons: list[str]) -> tuple[str | None, dict[str, bool | None]]:
    minor = "tll" if major == "mt" else "mt"
    structural = {major: True, "pt": _structural(values, "pt_bending", "t2_t5", missing),
                  minor: _structural(values, f"{minor}_bending", "t10_l2", missing)}
    if structural["pt"] is None or structural[minor] is None:
        return None, structural
    curve_type = TYPES[major].get((structural["pt"], structural[minor]))
    if curve_type is None:
        reasons.append("PT structural, MT non-structural, TL/L major: not in the Lenke table")
    return curve_type, structural


def _lumbar_modifier(values: dict[str, Any], missing: list[str]) -> str | None:
    given = [key for key in GEOMETRY if key in values]
    if "lumbar_modifier" in values:
        if given:
            raise ScoreInputError(given[0], values[given[0]], "nothing when lumbar_modifier is given",
                                  hint="give the modifier or the geometry, not both")
        return values["lumbar_modifier"]
    if len(given) < len(GEOMETRY):
        missing += [key for key in ("lumbar_modifier", *GEOMETRY) if key not in values]
        return None
    csvl, body_left, pedicle_left, pedicle_right, body_right = (values[key] for key in GEOMETRY)
    if not body_left <= pedicle_left < pedicle_right <= body_right:
        raise ScoreInputError("pedicle_left_x", pedicle_left,
                              "body_left_x <= pedicle_left_x < pedicle_right_x <= body_right_x")
    if pedicle_left < csvl < pedicle_right:
        return "A"
    if body_left <= csvl <= body_right:
        return "B"
    return "C"


def _sagittal_modifier(values: dict[str, Any], missing: list[str]) -> str | None:
    if "t5_t12" not in values:
        missing.append("t5_t12")
        return None
    kyphosis = values["t5_t12"]
    if kyphosis < 10:
        return "-"
    return "N" if kyphosis <= 40 else "+"
