"""Sagittal spinopelvic parameters from values or from landmark points (classifications.md §3.5).

Two ways in, never mixed:

* **Values** (degrees, SVA in mm): any two of ``pi``, ``pt``, ``ss`` give the third by the
  identity PI = PT + SS; with all three, |PI - (PT + SS)| > 1° is flagged ``needs_review`` as a
  measurement inconsistency (*convention* of §3.5). ``ll`` gives PI - LL;
  ``t1_spinopelvic_inclination`` + PT gives the T1 pelvic angle (TPA); ``c7_vertical_tilt`` + PT
  gives the global tilt (GT).
* **Landmarks** on the lateral film, ``(x, y)`` in image pixels with **y down**: femoral-head
  centre(s), S1 anterior and posterior superior corners, and optionally the L1 superior endplate
  corners and the C7 and T1 centroids (the caller averages the four body corners). Points are
  scaled by ``row_spacing_mm`` / ``column_spacing_mm`` (both or neither) and turned to a y-up frame.
  Anterior is taken from the S1 corners (S1a is anterior of S1p), so no facing setting is needed;
  the true vertical is the image column (imaging.md §2.1-2.6).

Formulas (imaging.md §2.3-2.6; a, u = anterior and up components; HA = mean femoral-head centre;
S1m = S1 endplate midpoint; e = S1a - S1p; w = HA - S1m):

* endplate tilt t = atan2(e·u, e·a); SS = -t(S1); PT = atan2(w·a, -w·u), positive when HA is
  anterior to S1m; PI = signed angle from n (e turned -90°, into the sacrum) to w.
* LL = t(L1 superior) - t(S1 superior), lordosis positive; PI - LL positive = lordosis deficit.
* SVA = (C7 centroid - S1p)·a in mm, positive anterior; ``None`` without pixel spacing.
* ang(v) = atan2(v·a, v·u) (angle from the vertical, positive anterior);
  TPA = ang(T1 - HA) - ang(S1m - HA) = T1 spinopelvic inclination + PT;
  GT = PT + ang(C7 - S1m) (the C7 vertical tilt), as written in §3.5.

>>> from spinescores.classification import sagittal
>>> sagittal.classify({"pt": 15, "ss": 40, "ll": 45}).subscores["pi_ll"]
10
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.base import NEEDS_REVIEW, Instrument, Item, Reference, Result, frozen_mapping
from spinescores.classification import _geometry as geo
from spinescores.classification._common import SPACING_ITEMS, number, read_inputs, read_options, spacing_of
from spinescores.errors import ScoreInputError

IDENTITY_TOLERANCE = 1.0  # degrees, *convention* of classifications.md §3.5
OUTPUTS = ("pi", "pt", "ss", "ll", "pi_ll", "sva_mm", "t1_spinopelvic_inclination", "tpa",
           "c7_vertical_tilt", "gt")
VALUE_ITEMS = ("pi", "pt", "ss", "ll", "sva_mm", "t1_spinopelvic_inclination", "c7_vertical_tilt")
PELVIS_POINTS = ("femoral_head_1", "s1_anterior", "s1_posterior")


def _angle(item_id: str, en: str, zh: str, limit: float = 180) -> Item:
    return number(item_id, en, zh, -limit, limit, "deg", required=False)


def _point(item_id: str, en: str, zh: str) -> Item:
    return Item(item_id, en + " (x, y image pixels, y down)", zh + "（图像像素x, y，y向下）", kind="point",
                required=False)


INSTRUMENT = Instrument(
    code="sagittal",
    name="Sagittal spinopelvic parameters",
    name_zh="矢状面脊柱骨盆参数",
    version="sagittal@imaging-v1",
    kind="classification",
    items=(
        _angle("pi", "Pelvic incidence", "骨盆入射角"),
        _angle("pt", "Pelvic tilt", "骨盆倾斜角"),
        _angle("ss", "Sacral slope", "骶骨倾斜角"),
        _angle("ll", "Lumbar lordosis L1-S1 (lordosis positive)", "腰椎前凸角L1-S1（前凸为正）"),
        number("sva_mm", "Sagittal vertical axis (positive anterior)", "矢状面垂直轴（前方为正）",
               -1000, 1000, "mm", required=False),
        _angle("t1_spinopelvic_inclination", "T1 spinopelvic inclination", "T1脊柱骨盆倾斜角", 90),
        _angle("c7_vertical_tilt", "C7 vertical tilt from S1 (positive anterior)",
               "C7相对S1的垂直倾斜角", 90),
        _point("femoral_head_1", "Femoral-head centre", "股骨头中心"),
        _point("femoral_head_2", "Second femoral-head centre", "另一侧股骨头中心"),
        _point("s1_anterior", "S1 superior endplate, anterior corner", "S1上终板前角"),
        _point("s1_posterior", "S1 superior endplate, posterior corner", "S1上终板后角"),
        _point("l1_anterior", "L1 superior endplate, anterior corner", "L1上终板前角"),
        _point("l1_posterior", "L1 superior endplate, posterior corner", "L1上终板后角"),
        _point("c7_centroid", "C7 body centroid", "C7椎体中心"),
        _point("t1_centroid", "T1 body centroid", "T1椎体中心"),
        *SPACING_ITEMS,
    ),
    references=(
        Reference("Protopsaltis T", 2014, "J Bone Joint Surg Am"),
        Reference("Obeid I", 2016, "Eur Spine J"),
    ),
    confidence="C",
    notes="PI/PT/SS follow the Duval-Beaupère/Legaye lineage; geometry per imaging.md §2.",
)


@dataclass(frozen=True)
class SagittalResult(Result):
    """The parameters in ``subscores`` (``None`` when not computable); no value or category."""


def classify(inputs: Any, **options: Any) -> SagittalResult:
    """Compute sagittal spinopelvic parameters from values or from landmark points.

    Parameters
    ----------
    inputs : mapping
        Either value items (``pi``, ``pt``, ``ss``, ``ll``, ``sva_mm``,
        ``t1_spinopelvic_inclination``, ``c7_vertical_tilt``) or landmark items
        (``femoral_head_1``, ``s1_anterior``, ``s1_posterior`` required; ``femoral_head_2``,
        ``l1_anterior`` + ``l1_posterior``, ``c7_centroid``, ``t1_centroid``, spacings optional).

    Returns
    -------
    SagittalResult
        ``subscores`` keyed by ``pi``, ``pt``, ``ss``, ``ll``, ``pi_ll``, ``sva_mm``,
        ``t1_spinopelvic_inclination``, ``tpa``, ``c7_vertical_tilt``, ``gt``.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    given_values = [key for key in VALUE_ITEMS if key in values]
    given_points = [key for key in values if key not in VALUE_ITEMS]
    if given_values and given_points:
        key = given_points[0]
        raise ScoreInputError(key, values[key], "nothing when values are given",
                              hint="give either measured values or landmark points")
    if given_points:
        return _from_landmarks(values)
    return _from_values(values)


def _from_values(values: dict[str, Any]) -> SagittalResult:
    params: dict[str, float | None] = {key: values.get(key) for key in OUTPUTS}
    pi, pt, ss = params["pi"], params["pt"], params["ss"]
    flags: tuple[str, ...] = ()
    if pi is not None and pt is not None and ss is not None:
        flags = (NEEDS_REVIEW,) if abs(pi - (pt + ss)) > IDENTITY_TOLERANCE else ()
    elif pi is None and pt is not None and ss is not None:
        params["pi"] = pt + ss
    elif pt is None and pi is not None and ss is not None:
        params["pt"] = pi - ss
    elif ss is None and pi is not None and pt is not None:
        params["ss"] = pi - pt
    _derive(params)
    return _result(params, flags, {"method": "values"})


def _derive(params: dict[str, float | None]) -> None:
    pt = params["pt"]
    if params["pi"] is not None and params["ll"] is not None:
        params["pi_ll"] = params["pi"] - params["ll"]
    if pt is not None and params["t1_spinopelvic_inclination"] is not None:
        params["tpa"] = params["t1_spinopelvic_inclination"] + pt
    if pt is not None and params["c7_vertical_tilt"] is not None:
        params["gt"] = pt + params["c7_vertical_tilt"]


def _from_landmarks(values: dict[str, Any]) -> SagittalResult:
    for key in PELVIS_POINTS:
        if key not in values:
            raise ScoreInputError(key, None, geo.ALLOWED["point"], hint="required with landmark points")
    spacing = spacing_of(values)
    frame = _Frame(values, spacing or (1.0, 1.0))
    params: dict[str, float | None] = dict.fromkeys(OUTPUTS)
    params.update(frame.pelvis())
    if "l1_anterior" in values or "l1_posterior" in values:
        params["ll"] = frame.lordosis()
    if "c7_centroid" in values:
        params["c7_vertical_tilt"] = frame.angle_from_vertical(frame.p("c7_centroid"), frame.s1m)
        params["sva_mm"] = frame.sva() if spacing else None
    if "t1_centroid" in values:
        params["t1_spinopelvic_inclination"] = frame.angle_from_vertical(frame.p("t1_centroid"), frame.ha)
    _derive(params)
    for key in ("pi_ll", "tpa", "gt"):
        params[key] = None if params[key] is None else geo.wrap(params[key])
    inconsistent = abs(geo.wrap(params["pi"] - (params["pt"] + params["ss"]))) > IDENTITY_TOLERANCE
    details = {"method": "landmarks", "calibration": "mm" if spacing else "none",
               "anterior_toward": "image_right" if frame.facing > 0 else "image_left"}
    return _result(params, (NEEDS_REVIEW,) if inconsistent else (), details)


class _Frame:
    """Landmarks in an (anterior, up) frame built from the S1 corners."""

    def __init__(self, values: dict[str, Any], spacing: tuple[float, float]):
        self.values, self.spacing = values, spacing
        anterior, posterior = (geo.to_frame(values[key], *spacing) for key in ("s1_anterior", "s1_posterior"))
        dx = anterior[0] - posterior[0]
        if dx == 0:
            raise ScoreInputError("s1_anterior", values["s1_anterior"],
                                  "a point horizontally apart from s1_posterior",
                                  hint="anterior is read from the S1 corners")
        self.facing = 1.0 if dx > 0 else -1.0
        heads = [self.p(key) for key in ("femoral_head_1", "femoral_head_2") if key in values]
        self.ha = geo.mean(*heads)
        self.s1a, self.s1p = self.p("s1_anterior"), self.p("s1_posterior")
        self.s1m = geo.mean(self.s1a, self.s1p)
        if self.ha == self.s1m:
            raise ScoreInputError("femoral_head_1", values["femoral_head_1"],
                                  "a point apart from the S1 endplate midpoint",
                                  hint="PT and PI are undefined")

    def p(self, key: str) -> geo.Point:
        x, y = geo.to_frame(self.values[key], *self.spacing)
        return (x * self.facing, y)

    def pelvis(self) -> dict[str, float]:
        e = geo.sub(self.s1a, self.s1p)
        w = geo.sub(self.ha, self.s1m)
        normal = (e[1], -e[0])  # e turned -90°: the endplate normal pointing into the sacrum
        pt = math.degrees(math.atan2(w[0], -w[1]))
        return {"ss": -_tilt(e), "pt": pt, "pi": geo.signed_angle(normal, w)}

    def lordosis(self) -> float:
        for key in ("l1_anterior", "l1_posterior"):
            if key not in self.values:
                raise ScoreInputError(key, None, geo.ALLOWED["point"],
                                      hint="both L1 corners are needed for LL")
        l1 = geo.sub(self.p("l1_anterior"), self.p("l1_posterior"))
        if l1 == (0.0, 0.0):
            raise ScoreInputError("l1_anterior", self.values["l1_anterior"],
                                  "a point apart from l1_posterior")
        return geo.wrap(_tilt(l1) - _tilt(geo.sub(self.s1a, self.s1p)))

    def angle_from_vertical(self, point: geo.Point, origin: geo.Point) -> float:
        v = geo.sub(point, origin)
        return math.degrees(math.atan2(v[0], v[1]))

    def sva(self) -> float:
        return self.p("c7_centroid")[0] - self.s1p[0]


def _tilt(vector: geo.Point) -> float:
    return math.degrees(math.atan2(vector[1], vector[0]))


def _result(params: dict[str, float | None], flags: tuple[str, ...],
            details: dict[str, Any]) -> SagittalResult:
    details = {**details, "ll_levels": "L1 superior endplate to S1 superior endplate",
               "sign_convention": "lordosis_positive"}
    return SagittalResult(code=INSTRUMENT.code, version=INSTRUMENT.version, subscores=frozen_mapping(params),
                          flags=flags, details=frozen_mapping(details))
