"""Private plane-geometry helpers for the deformity schemes.

Coordinate convention (``reference/imaging.md`` §2.1): a landmark is an ``(x, y)`` tuple in the
pixel matrix of the stored image, x = column (right positive), y = row (**down** positive),
sub-pixel floats allowed. Before any angle the point is converted to a y-up frame,
``X = x * column_spacing`` and ``Y = -y * row_spacing``; without spacing both are 1 (square pixels
assumed), which is fine for angles but never for millimetres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from spinescores.errors import ScoreInputError

Point = tuple[float, float]
Line = tuple[Point, Point]

ALLOWED = {
    "point": "an (x, y) pair of finite numbers in image pixels (y down)",
    "line": "two distinct (x, y) points in image pixels (y down)",
    "points": "a sequence of (x, y) points in image pixels (y down)",
}


def point(name: str, value: Any) -> Point:
    """Return ``value`` as a float ``(x, y)`` pair, or raise :class:`ScoreInputError`."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise ScoreInputError(name, value, ALLOWED["point"])
    for coordinate in value:
        if isinstance(coordinate, bool) or not isinstance(coordinate, (int, float)):
            raise ScoreInputError(name, value, ALLOWED["point"])
        if not math.isfinite(coordinate):
            raise ScoreInputError(name, value, ALLOWED["point"])
    return (float(value[0]), float(value[1]))


def line(name: str, value: Any) -> Line:
    """Return ``value`` as two distinct points, or raise :class:`ScoreInputError`."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise ScoreInputError(name, value, ALLOWED["line"])
    first, second = point(name, value[0]), point(name, value[1])
    if first == second:
        raise ScoreInputError(name, value, ALLOWED["line"], hint="the two points coincide")
    return (first, second)


def points(name: str, value: Any, count: int) -> tuple[Point, ...]:
    """Return ``value`` as a tuple of exactly ``count`` points, or raise :class:`ScoreInputError`."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != count:
        raise ScoreInputError(name, value if not isinstance(value, Sequence) else f"{len(value)} items",
                              f"{count} (x, y) points in image pixels (y down)")
    return tuple(point(f"{name}[{index}]", p) for index, p in enumerate(value))


def to_frame(p: Point, row_spacing: float = 1.0, column_spacing: float = 1.0) -> Point:
    """Convert an image point (y down, pixels) to the y-up frame (mm when spacings are given)."""
    return (p[0] * column_spacing, -p[1] * row_spacing)


def sub(a: Point, b: Point) -> Point:
    """Return the vector ``a - b``."""
    return (a[0] - b[0], a[1] - b[1])


def mean(*pts: Point) -> Point:
    """Return the centroid of the points."""
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def dot(a: Point, b: Point) -> float:
    return a[0] * b[0] + a[1] * b[1]


def cross(a: Point, b: Point) -> float:
    return a[0] * b[1] - a[1] * b[0]


def signed_angle(a: Point, b: Point) -> float:
    """Return the angle in degrees from vector ``a`` to vector ``b``, counter-clockwise positive."""
    return math.degrees(math.atan2(cross(a, b), dot(a, b)))


def wrap(angle: float) -> float:
    """Return ``angle`` in degrees wrapped to (-180, 180]."""
    wrapped = math.fmod(angle, 360.0)
    if wrapped > 180.0:
        wrapped -= 360.0
    elif wrapped <= -180.0:
        wrapped += 360.0
    return wrapped


COLLINEAR = 1e-3  # numerical guard: |cross| below this share of the longest side squared is "a line"


def circumcentre(name: str, a: Point, b: Point, c: Point) -> Point:
    """Return the centre of the circle through three points (imaging.md §2.5: a femoral head from
    three outline clicks, solved from the two perpendicular-bisector equations).

    Near-collinear points have no useful circle and raise :class:`ScoreInputError` on ``name``.

    >>> circumcentre("head", (0, 10), (10, 0), (0, -10))
    (0.0, 0.0)
    """
    ab, ac = sub(b, a), sub(c, a)
    d = 2 * cross(ab, ac)
    longest = max(dot(ab, ab), dot(ac, ac), dot(sub(c, b), sub(c, b)))
    if longest == 0 or abs(d) / 2 < COLLINEAR * longest:
        raise ScoreInputError(name, None, "three points on the outline of the head, not on a line",
                              hint="the three outline points are (nearly) collinear")
    ab2, ac2 = dot(ab, ab), dot(ac, ac)
    ux = (ac[1] * ab2 - ab[1] * ac2) / d
    uy = (ab[0] * ac2 - ac[0] * ab2) / d
    return (a[0] + ux, a[1] + uy)
