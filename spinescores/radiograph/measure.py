"""Measure one film from its named landmarks (imaging.md §2; classifications.md §3.1, §3.3, §3.5).

Landmarks are ``{name: (x, y)}`` in the original pixel matrix, y down (§2.1), with names from
:mod:`spinescores.radiograph.protocol`. Points are scaled to mm by the film's calibration (1:1
without one: square pixels assumed, angles only, every mm value ``None``), then read in an
(anterior, up) frame (§2.2): ``û`` is the image up direction unless a true vertical is marked,
``â`` is ``û`` turned -90° and flipped so that the anterior corner of the first endplate clicked
(S1, else L1, ...) is anterior.

Sagittal outputs (§2.3-2.6), endplate tilt ``t = atan2(e·û, e·â)`` with e = anterior - posterior,
``κ(upper, lower) = t_lower - t_upper`` (kyphosis positive):

* ``ss = -t(S1)``; ``pt = atan2(w·â, -w·û)``, w = HA - S1m; ``pi`` = angle from the endplate normal
  into the sacrum to w; |PI - (PT + SS)| > 1° is flagged ``needs_review`` (§2.5).
* ``ll = -κ(L1 sup, S1 sup)`` and ``c2_c7 = -κ(C2 inf, C7 inf)``, lordosis positive;
  ``tk = κ(T4 or T5 sup, T12 inf)``, ``t2_t5``, ``t10_l2`` kyphosis positive; ``pi_ll = pi - ll``.
* ``sva_mm = (C7c - S1p)·â``; ``csva_mm = (C2c - C7ps)·â`` (C7 posterosuperior corner); positive
  anterior; ``tpa = ang(T1c - HA) - ang(S1m - HA)``, ``gt = pt + ang(C7c - S1m)``, with
  ``ang(v) = atan2(v·â, v·û)``.

Coronal outputs: ``<curve>_cobb`` for the curves ``pt``, ``mt``, ``tll`` by
:mod:`spinescores.classification.cobb` (0-180°, curves over 90° kept), and, with the lumbar apex
and S1 centre, the inputs of the Lenke lumbar modifier (``csvl_x``, ``body_left_x``, ...) measured
across the film so that the CSVL follows ``û`` (§2.8).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import NEEDS_REVIEW, Result, frozen_mapping, require_mapping
from spinescores.classification import _geometry as geo
from spinescores.classification import cobb
from spinescores.errors import ScoreInputError
from spinescores.radiograph import protocol
from spinescores.radiograph.calibration import NONE, Calibration

VERSION = "radiograph@imaging-v1"
IDENTITY_TOLERANCE = 1.0  # degrees, *convention* of classifications.md §3.5
TK_LEVELS = ("T4", "T5")
COLUMN_DIRECTIONS = ("L", "R")  # coronal films: patient direction of increasing column
SAGITTAL_DIRECTIONS = ("A", "P")  # lateral films
ORIENTATION_UNKNOWN = "orientation_unknown"
ORIENTATION_MISMATCH = "orientation_mismatch"
FACING_FROM = ("s1", "l1", "t12", "tk_upper", "c2_inferior", "t2", "t5_inferior", "t10", "l2_inferior")
CONVENTIONS = {
    "ll": "lordosis_positive", "c2_c7": "lordosis_positive", "tk": "kyphosis_positive",
    "t2_t5": "kyphosis_positive", "t10_l2": "kyphosis_positive", "pi_ll": "positive_is_lordosis_deficit",
    "sva_mm": "anterior_positive", "csva_mm": "anterior_positive", "csva_ref": "C7_ps_corner",
    "tpa": "positive_t1_anterior", "pt": "positive_ha_anterior",
    "apical_translation_mm": "positive_toward_image_right",
}
# Kyphosis-positive κ between endplates, and the sign that gives the named output.
SAGITTAL_ANGLES = {
    "ll": ("l1", "s1", -1), "tk": ("tk_upper", "t12", 1), "c2_c7": ("c2_inferior", "c7_inferior", -1),
    "t2_t5": ("t2", "t5_inferior", 1), "t10_l2": ("t10", "l2_inferior", 1),
}
CURVES = ("pt", "mt", "tll")
APEX_POSITIONS = {"csvl_x": "s1_centre", "body_left_x": "apex_body_left",
                  "pedicle_left_x": "apex_pedicle_left", "pedicle_right_x": "apex_pedicle_right",
                  "body_right_x": "apex_body_right"}


@dataclass(frozen=True)
class RadiographResult(Result):
    """The film's values in ``subscores`` (``None`` when not measured); conventions in ``details``."""


def measure(landmarks: Any, *, view: str, calibration: Calibration = NONE, image_size: Any = None,
            tk_upper_level: str = "T4", column_direction: str | None = None) -> RadiographResult:
    """Compute every value the landmarks of one film allow.

    Parameters
    ----------
    landmarks : mapping of name -> (x, y)
        Image pixels, y down; names from ``protocol.landmark_names(view)``. A step is all or none.
    view : str
        One of ``protocol.VIEWS``.
    calibration : Calibration
        From :mod:`spinescores.radiograph.calibration`; ``none`` leaves mm values ``None``.
    image_size : (columns, rows), optional
        When given, every landmark must lie on the image.
    tk_upper_level : "T4" or "T5"
        The level of the upper TK endplate, recorded with the result.
    column_direction : "L"/"R" (coronal) or "A"/"P" (lateral), optional
        PatientOrientation[0], the patient direction of increasing column (DICOM C.7.6.1.1.1). On a
        coronal film it names the patient side of each convexity; without it the side stays an image
        side and the result carries ``orientation_unknown`` (imaging.md §2.4 step 3: "if absent, ask;
        never guess from pixels"). On a lateral film it is cross-checked against the anterior
        direction read from the endplate corners (§2.2); disagreement is ``orientation_mismatch``
        (a flipped film or swapped corners).

    Returns
    -------
    RadiographResult
    """
    if view not in protocol.VIEWS:
        raise ScoreInputError("view", view, protocol.VIEWS)
    if tk_upper_level not in TK_LEVELS:
        raise ScoreInputError("tk_upper_level", tk_upper_level, TK_LEVELS)
    directions = SAGITTAL_DIRECTIONS if view in protocol.SAGITTAL_VIEWS else COLUMN_DIRECTIONS
    if column_direction is not None and column_direction not in directions:
        raise ScoreInputError("column_direction", column_direction, directions)
    points = read_landmarks(landmarks, view, image_size)
    frame = Frame(points, calibration)
    if view in protocol.SAGITTAL_VIEWS:
        values, flags = _sagittal(frame)
        if column_direction is not None and frame.facing_from is not None:
            header_right_is_anterior = column_direction == "A"
            if header_right_is_anterior != (frame.anterior == frame.right):
                flags = (*flags, ORIENTATION_MISMATCH)
    else:
        values, flags = _coronal(frame, column_direction)
    details = {"view": view, "calibration": calibration.label, "vertical": frame.vertical_source,
               "column_direction": column_direction,
               "anterior_from": frame.facing_from, "tk_upper_level": tk_upper_level,
               "conventions": frozen_mapping(CONVENTIONS)}
    return RadiographResult(code="radiograph", version=VERSION, subscores=frozen_mapping(values),
                            flags=flags, details=frozen_mapping(details))


def read_landmarks(landmarks: Any, view: str, image_size: Any = None) -> dict[str, geo.Point]:
    """Return the checked landmarks: known names, finite points on the image, whole steps only."""
    landmarks = require_mapping(landmarks, "landmarks")
    allowed = protocol.landmark_names(view)
    points = {}
    for name, value in landmarks.items():
        if name not in allowed:
            raise ScoreInputError(str(name), value, "a landmark of the " + view + " protocol",
                                  hint="unknown landmark name")
        points[name] = geo.point(name, value)
        if image_size is not None:
            _check_on_image(name, points[name], image_size)
    for step in protocol.steps_for(view):
        placed = [name for name in step.landmarks if name in points]
        missing = [name for name in step.landmarks if name not in points]
        if placed and missing:
            raise ScoreInputError(missing[0], None, geo.ALLOWED["point"],
                                  hint="protocol step '" + step.code + "' is unfinished")
    return points


def _check_on_image(name: str, p: geo.Point, image_size: Any) -> None:
    columns, rows = image_size
    if not (-0.5 <= p[0] <= columns - 0.5 and -0.5 <= p[1] <= rows - 0.5):
        raise ScoreInputError(name, p, f"a point inside the image, x 0-{columns - 1}, y 0-{rows - 1}",
                              hint="landmark outside the image")


class Frame:
    """Landmarks as mm vectors read along the anterior (``â``) and up (``û``) directions."""

    def __init__(self, points: dict[str, geo.Point], calibration: Calibration):
        self.points = points
        self.row = calibration.row_mm or 1.0
        self.column = calibration.column_mm or 1.0
        self.has_mm = calibration.has_mm
        self.up, self.vertical_source = self._up()
        right = (self.up[1], -self.up[0])
        self.right = right
        self.anterior, self.facing_from = right, None
        for prefix in FACING_FROM:
            if prefix + "_anterior" in points:
                e = geo.sub(self.mm(prefix + "_anterior"), self.mm(prefix + "_posterior"))
                if geo.dot(e, right) == 0:
                    raise ScoreInputError(prefix + "_anterior", points[prefix + "_anterior"],
                                          "a corner apart from " + prefix + "_posterior across the film",
                                          hint="anterior is read from the endplate corners")
                self.anterior = right if geo.dot(e, right) > 0 else (-right[0], -right[1])
                self.facing_from = prefix
                break

    def _up(self) -> tuple[geo.Point, str]:
        if "vertical_top" not in self.points:
            return (0.0, 1.0), "image_axes"
        v = geo.sub(self.mm("vertical_top"), self.mm("vertical_bottom"))
        length = math.hypot(*v)
        if length == 0:
            raise ScoreInputError("vertical_bottom", self.points["vertical_bottom"],
                                  "a point apart from vertical_top")
        return (v[0] / length, v[1] / length), "marked"

    def mm(self, name: str) -> geo.Point:
        """Return a landmark in the y-up mm frame (pixels when uncalibrated)."""
        return geo.to_frame(self.points[name], self.row, self.column)

    def au(self, v: geo.Point) -> geo.Point:
        """Return the (anterior, up) components of a vector."""
        return (geo.dot(v, self.anterior), geo.dot(v, self.up))

    def has(self, *names: str) -> bool:
        return all(name in self.points for name in names)

    def centroid(self, prefix: str) -> geo.Point:
        return geo.mean(*(self.mm(name) for name in protocol._corners(prefix)))

    def tilt(self, prefix: str) -> float:
        """Return the endplate tilt in degrees, positive when the anterior corner is higher."""
        a, u = self.au(geo.sub(self.mm(prefix + "_anterior"), self.mm(prefix + "_posterior")))
        return math.degrees(math.atan2(u, a))

    def ang(self, v: geo.Point) -> float:
        """Return the angle of a vector from the up direction, positive anterior."""
        a, u = self.au(v)
        return math.degrees(math.atan2(a, u))

    def head(self, prefix: str) -> geo.Point | None:
        """Return a femoral head centre (mm): its clicked centre, or the circle through 3 outline points."""
        outline = [f"{prefix}_outline_{n}" for n in (1, 2, 3)]
        if prefix in self.points and outline[0] in self.points:
            raise ScoreInputError(outline[0], self.points[outline[0]],
                                  "either the centre or 3 outline points",
                                  hint="the head " + prefix + " was given both ways")
        if prefix in self.points:
            return self.mm(prefix)
        if outline[0] in self.points:
            return geo.circumcentre(outline[0], *(self.mm(name) for name in outline))
        return None

    def hip_axis(self) -> geo.Point:
        """Return HA: the midpoint of the two head centres, or the single centre (imaging.md §2.5)."""
        heads = [head for head in (self.head(p) for p in protocol.FEMORAL_HEADS) if head is not None]
        return geo.mean(*heads)


def _sagittal(frame: Frame) -> tuple[dict[str, float | None], tuple[str, ...]]:
    values: dict[str, float | None] = dict.fromkeys(
        ("pi", "pt", "ss", "ll", "pi_ll", "tk", "t2_t5", "t10_l2", "c2_c7", "sva_mm", "csva_mm", "tpa", "gt"))
    flags: tuple[str, ...] = ()
    has_s1 = frame.has("s1_anterior")
    has_head = frame.head("femoral_head_1") is not None
    if frame.head("femoral_head_2") is not None and not has_head:
        raise ScoreInputError("femoral_head_1", None, geo.ALLOWED["point"], hint="click the first head first")
    if has_head and not has_s1:
        raise ScoreInputError("s1_anterior", None, geo.ALLOWED["point"],
                              hint="PT and PI need the S1 endplate")
    if frame.has("c7_anterosuperior"):
        _add_c7_corners(frame)
    if has_s1:
        values["ss"] = -frame.tilt("s1")
    if has_head:
        pelvis = _pelvis(frame)
        values.update(pelvis)
        if abs(geo.wrap(pelvis["pi"] - (pelvis["pt"] + values["ss"]))) > IDENTITY_TOLERANCE:
            flags = (NEEDS_REVIEW,)
    for output, (upper, lower, sign) in SAGITTAL_ANGLES.items():
        if frame.has(upper + "_anterior", lower + "_anterior"):
            values[output] = sign * geo.wrap(frame.tilt(lower) - frame.tilt(upper))
    if values["pi"] is not None and values["ll"] is not None:
        values["pi_ll"] = values["pi"] - values["ll"]
    values.update(_offsets(frame, has_s1, has_head))
    return values, flags


def _add_c7_corners(frame: Frame) -> None:
    # The C7 inferior endplate reuses two of the four C7 body corners clicked for SVA.
    frame.points["c7_inferior_anterior"] = frame.points["c7_anteroinferior"]
    frame.points["c7_inferior_posterior"] = frame.points["c7_posteroinferior"]


def _pelvis(frame: Frame) -> dict[str, float]:
    e = frame.au(geo.sub(frame.mm("s1_anterior"), frame.mm("s1_posterior")))
    s1m = geo.mean(frame.mm("s1_anterior"), frame.mm("s1_posterior"))
    w = frame.au(geo.sub(frame.hip_axis(), s1m))
    if w == (0.0, 0.0):
        raise ScoreInputError("femoral_head_1", frame.points.get("femoral_head_1"),
                              "a point apart from the S1 endplate midpoint", hint="PT and PI are undefined")
    normal = (e[1], -e[0])  # e turned -90°: the endplate normal pointing into the sacrum
    return {"pt": math.degrees(math.atan2(w[0], -w[1])), "pi": geo.signed_angle(normal, w)}


def _offsets(frame: Frame, has_s1: bool, has_head: bool) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    c7 = frame.centroid("c7") if frame.has("c7_anterosuperior") else None
    if c7 is not None and has_s1 and frame.has_mm:
        values["sva_mm"] = frame.au(geo.sub(c7, frame.mm("s1_posterior")))[0]
    if frame.has("c2_centroid", "c7_posterosuperior") and frame.has_mm:
        values["csva_mm"] = frame.au(geo.sub(frame.mm("c2_centroid"), frame.mm("c7_posterosuperior")))[0]
    if has_head:
        ha = frame.hip_axis()
        s1m = geo.mean(frame.mm("s1_anterior"), frame.mm("s1_posterior"))
        if frame.has("t1_anterosuperior"):
            t1 = frame.centroid("t1")
            values["tpa"] = geo.wrap(frame.ang(geo.sub(t1, ha)) - frame.ang(geo.sub(s1m, ha)))
        if c7 is not None:
            values["gt"] = geo.wrap(_pt(frame, ha, s1m) + frame.ang(geo.sub(c7, s1m)))
    return values


def _pt(frame: Frame, ha: geo.Point, s1m: geo.Point) -> float:
    w = frame.au(geo.sub(ha, s1m))
    return math.degrees(math.atan2(w[0], -w[1]))


def _coronal(frame: Frame, column_direction: str | None) -> tuple[dict[str, Any], tuple[str, ...]]:
    values: dict[str, Any] = {}
    flags: list[str] = []
    for curve in CURVES:
        values[curve + "_cobb"] = values[curve + "_convex"] = None
        if not frame.has(curve + "_upper_1", curve + "_lower_1"):
            continue
        lines = [tuple(frame.points[f"{curve}_{end}_{n}"] for n in (1, 2)) for end in ("upper", "lower")]
        result = cobb.classify({"upper_endplate": lines[0], "lower_endplate": lines[1],
                                "row_spacing_mm": frame.row, "column_spacing_mm": frame.column})
        values[curve + "_cobb"] = result.value
        values[curve + "_convex"] = _patient_side(result.details["convex_toward"], column_direction)
        flags.extend(result.flags)
    values.update(_apex_positions(frame))
    values["apical_translation_mm"] = values["apical_translation_side"] = None
    if values["csvl_x"] is not None:
        # Apical vertebral translation (*convention*, built from the Lenke inputs of classifications.md
        # §3.3 and the CSVL of imaging.md §2.8): the midpoint of the apical body's lateral margins
        # to the CSVL, across the film (perpendicular to û), mm, positive toward image right.
        offset = (values["body_left_x"] + values["body_right_x"]) / 2 - values["csvl_x"]
        if frame.has_mm:
            values["apical_translation_mm"] = offset
        side = "straight" if offset == 0 else ("image_right" if offset > 0 else "image_left")
        values["apical_translation_side"] = _patient_side(side, column_direction)
    measured = any(values[c + "_cobb"] is not None for c in CURVES) or values["csvl_x"] is not None
    if measured and column_direction is None:
        flags.append(ORIENTATION_UNKNOWN)
    return values, tuple(dict.fromkeys(flags))


def _patient_side(convex: str | None, column_direction: str | None) -> str | None:
    if convex in (None, "straight") or column_direction is None:
        return convex
    toward_right = convex == "image_right"
    patient_left = toward_right == (column_direction == "L")
    return "patient_left" if patient_left else "patient_right"


def _apex_positions(frame: Frame) -> dict[str, float | None]:
    # Lenke lumbar-modifier inputs as positions across the film, measured perpendicular to û so the
    # CSVL through the S1 centre follows the true vertical on a tilted film (§2.8).
    positions: dict[str, float | None] = dict.fromkeys(APEX_POSITIONS)
    if not frame.has("apex_body_left", "s1_centre"):
        return positions
    for key, name in APEX_POSITIONS.items():
        positions[key] = geo.dot(frame.mm(name), frame.right)
    order = [positions[key] for key in ("body_left_x", "pedicle_left_x", "pedicle_right_x", "body_right_x")]
    if order != sorted(order):
        raise ScoreInputError("apex_pedicle_left", frame.points["apex_pedicle_left"],
                              "body left, pedicle left, pedicle right, body right, from image left to right")
    return positions


def as_inputs(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the measured values that are not ``None``."""
    return {key: value for key, value in values.items() if value is not None}
