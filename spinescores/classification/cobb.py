"""Coronal Cobb angle from two endplate lines (classifications.md §3.1, imaging.md §2.1, §2.4).

The Cobb angle is the angle between the superior endplate of the upper end vertebra and the
inferior endplate of the lower end vertebra.

Coordinates: each line is two ``(x, y)`` points in the pixel matrix of the stored image, x to the
right, **y down**, sub-pixel floats allowed. Points are scaled by the optional pixel spacings
(``column_spacing_mm`` for x, ``row_spacing_mm`` for y; 1:1 square pixels otherwise) and converted
to a y-up frame. Each line's points are ordered so x increases, then its tilt
``θ = atan2(Δy, Δx)`` lies in (-90°, 90°) and **Cobb = |θ_upper - θ_lower|** (0-180°, so curves
over 90° are kept). The curve is convex toward image right when ``θ_upper - θ_lower > 0``, toward
image left when ``< 0``, and straight when the difference is under 0.05°.

A vertical endplate has no left-to-right order: its tilt is ambiguous (+90° or -90°), so the
result falls back to the undirected angle and is flagged ``needs_review``.

If only undirected line angles α (0-180°) are known, Cobb = min(d, 180 - d) with
d = |α_upper - α_lower| mod 180. This form cannot exceed 90°; it is flagged ``needs_review`` when
either line is vertical (α = 90°), whose tilt is ambiguous.

>>> from spinescores.classification import cobb
>>> round(cobb.cobb_angle(((0, 10), (10, 0)), ((0, 0), (10, 10))), 6)
90.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, NEEDS_REVIEW, Instrument, Item, Result, frozen_mapping
from spinescores.classification import _geometry as geo
from spinescores.classification._common import SPACING_ITEMS, number, read_inputs, read_options, spacing_of
from spinescores.errors import ScoreInputError

STRAIGHT_BELOW = 0.05  # degrees, imaging.md §2.4

INSTRUMENT = Instrument(
    code="cobb",
    name="Cobb angle from two endplate lines",
    name_zh="两终板线Cobb角",
    version="cobb@two-lines-v1",
    kind="classification",
    items=(
        Item("upper_endplate", "Superior endplate of the upper end vertebra (two points, image pixels)",
             "上端椎上终板（两点，图像像素）", kind="line", required=False),
        Item("lower_endplate", "Inferior endplate of the lower end vertebra (two points, image pixels)",
             "下端椎下终板（两点，图像像素）", kind="line", required=False),
        number("upper_angle", "Undirected angle of the upper endplate line", "上终板线无向角", 0, 180, "deg",
               required=False),
        number("lower_angle", "Undirected angle of the lower endplate line", "下终板线无向角", 0, 180, "deg",
               required=False),
        *SPACING_ITEMS,
    ),
    references=(),
    score_range=(0, 180),
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="Geometry follows classifications.md §3.1 and imaging.md §2.4; the source cites no paper.",
)

_LINES = ("upper_endplate", "lower_endplate")
_ANGLES = ("upper_angle", "lower_angle")


@dataclass(frozen=True)
class CobbResult(Result):
    """Cobb angle in degrees (``value``); ``details`` holds the tilts and the convex side."""


def endplate_tilt(line: geo.Line, row_spacing: float = 1.0, column_spacing: float = 1.0) -> float | None:
    """Return the tilt in degrees (-90, 90) of an image line, y-up positive; ``None`` if vertical."""
    first, second = sorted(geo.to_frame(p, row_spacing, column_spacing) for p in line)
    dx, dy = second[0] - first[0], second[1] - first[1]
    if dx == 0:
        return None
    return math.degrees(math.atan2(dy, dx))


def cobb_angle(upper: Any, lower: Any, *, row_spacing: float = 1.0, column_spacing: float = 1.0) -> float:
    """Return the Cobb angle in degrees (0-180) between two endplate lines given as image points.

    Parameters
    ----------
    upper, lower : ((x, y), (x, y))
        Superior endplate of the upper and inferior endplate of the lower end vertebra, image
        pixels, y down.
    row_spacing, column_spacing : float
        Millimetres per pixel vertically and horizontally (1 = square pixels).

    Returns
    -------
    float
        The Cobb angle; the undirected angle (<= 90°) if either line is vertical.

    Examples
    --------
    >>> round(cobb_angle(((0, 0), (10, 0)), ((0, 0), (10, 10))), 6)
    45.0
    """
    inputs = {"upper_endplate": upper, "lower_endplate": lower, "row_spacing_mm": row_spacing,
              "column_spacing_mm": column_spacing}
    return classify(inputs).value


def classify(inputs: Any, **options: Any) -> CobbResult:
    """Measure a coronal Cobb angle from two endplate lines or two undirected line angles.

    Parameters
    ----------
    inputs : mapping
        Either ``upper_endplate`` and ``lower_endplate`` (two ``(x, y)`` image points each, optional
        ``row_spacing_mm`` / ``column_spacing_mm``), or ``upper_angle`` and ``lower_angle``
        (0-180°), never both.

    Returns
    -------
    CobbResult
        ``value`` the angle in degrees; ``details["convex_toward"]`` ``image_right``,
        ``image_left`` or ``straight`` (line form only); ``needs_review`` for an ambiguous tilt.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    given_lines = [key for key in _LINES if key in values]
    given_angles = [key for key in _ANGLES if key in values]
    if given_lines and given_angles:
        key = given_angles[0]
        raise ScoreInputError(key, values[key], "nothing when endplate lines are given",
                              hint="give either two lines or two angles")
    if given_angles:
        _require_pair(values, _ANGLES)
        return _from_angles(values["upper_angle"], values["lower_angle"])
    _require_pair(values, _LINES)
    return _from_lines(values)


def _require_pair(values: dict[str, Any], pair: tuple[str, str]) -> None:
    for key in pair:
        if key not in values:
            allowed = geo.ALLOWED["line"] if key in _LINES else "a number from 0 to 180 deg"
            raise ScoreInputError(key, None, allowed, hint="required input is missing")


def _from_angles(upper: float, lower: float) -> CobbResult:
    difference = abs(upper - lower) % 180.0
    angle = min(difference, 180.0 - difference)
    ambiguous = 90 in (upper, lower)
    return CobbResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=angle,
        flags=(NEEDS_REVIEW,) if ambiguous else (),
        details=frozen_mapping({"method": "undirected_angles", "max_representable": 90.0}),
    )


def _from_lines(values: dict[str, Any]) -> CobbResult:
    spacing = spacing_of(values) or (1.0, 1.0)
    upper = endplate_tilt(values["upper_endplate"], *spacing)
    lower = endplate_tilt(values["lower_endplate"], *spacing)
    if upper is None or lower is None:
        return _vertical_fallback(values, spacing)
    difference = upper - lower
    convex = "image_right" if difference > 0 else "image_left"
    if abs(difference) < STRAIGHT_BELOW:
        convex = "straight"
    details = {"method": "two_lines", "upper_tilt": upper, "lower_tilt": lower, "convex_toward": convex}
    return CobbResult(code=INSTRUMENT.code, version=INSTRUMENT.version, value=abs(difference),
                      details=frozen_mapping(details))


def _vertical_fallback(values: dict[str, Any], spacing: tuple[float, float]) -> CobbResult:
    # A vertical line has no left-to-right order, so only the undirected angle is defined.
    directions = []
    for key in _LINES:
        first, second = (geo.to_frame(p, *spacing) for p in values[key])
        directions.append(math.degrees(math.atan2(second[1] - first[1], second[0] - first[0])) % 180.0)
    result = _from_angles(*directions)
    details = {"method": "two_lines_vertical_endplate", "max_representable": 90.0, "convex_toward": None}
    return CobbResult(code=result.code, version=result.version, value=result.value, flags=(NEEDS_REVIEW,),
                      details=frozen_mapping(details))
