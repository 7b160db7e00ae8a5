"""Automatic Cobb estimation from vertebral corner landmarks (AASCE 2019) and the SMAPE metric.

An **automated estimate**, never a clinician-measured Cobb angle (classifications.md §3.2).

Input: 68 ``(x, y)`` points, image pixels with **y down**, for the 17 vertebrae T1-L5 from top to
bottom, each as upper-left, upper-right, lower-left, lower-right corner; and the image height H in
pixels. Angles between vectors do not depend on the y direction, so points are used as given.

Steps (a paraphrase of the organisers' ``angleCal`` script, implemented independently):

1. Mid-line vector of vertebra k: mean(upper-right, lower-right) - mean(upper-left, lower-left).
2. A[i][j] = arccos of the cosine between vectors i and j, in degrees; as in the MATLAB script the
   cosine is rounded to 8 decimals and not clipped (so angles above 90° are kept); the rounding
   limits precision near 0° to about 0.006°.
3. Cobb 1 = the largest A[i][j]; its pair (a, b) is taken at the first column reaching the
   maximum, so a is the upper and b the lower vertebra.
4. S-shape test on the 34 endplate midpoints m1..m34: d_i = (y_i - y34)/(y1 - y34) -
   (x_i - x34)/(x1 - x34) for i = 1..32; one sign throughout means a single ("C") curve, else "S".
   When a denominator is 0 the test is undefined: like the reference scripts (NaN) the S branch is
   taken, and the result is flagged ``needs_review``.
5. C curve: Cobb 2 = A[1][a], Cobb 3 = A[17][b].
6. S curve: if y(m_2a) + y(m_2b) < H, Cobb 2 = max over k <= a of A[a][k] and Cobb 3 = max over
   k >= b of A[b][k]; otherwise Cobb 2 = max over k <= a of A[a][k], reached at k1, and
   Cobb 3 = max over k <= k1 of A[k1][k].

The scripts label the triple (PT, MT, TL/L), but Cobb 1 is simply the largest curve. With the
option ``triple=False`` only steps 1-3 run (the mid-line method alone).

>>> from spinescores.classification import aasce_cobb
>>> aasce_cobb.smape([[10, 20, 30]], [[10, 20, 30]])
0.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, NEEDS_REVIEW, Instrument, Item, Reference, Result
from spinescores.base import frozen_mapping as frozen
from spinescores.classification import _geometry as geo
from spinescores.classification._common import number, read_inputs, read_options
from spinescores.errors import ScoreInputError

LEVELS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12",
          "L1", "L2", "L3", "L4", "L5")
CORNERS = ("upper_left", "upper_right", "lower_left", "lower_right")
SCRIPT_LABELS = ("PT", "MT", "TL/L")

INSTRUMENT = Instrument(
    code="aasce_cobb",
    name="Automatic Cobb estimation from vertebral corners (AASCE 2019)",
    name_zh="基于椎体角点的自动Cobb角估计（AASCE 2019）",
    version="aasce_cobb@wang2021-midline",
    kind="classification",
    items=(
        Item("landmarks", "68 corner points, T1-L5, upper-left/upper-right/lower-left/lower-right",
             "68个椎体角点（T1-L5，左上/右上/左下/右下）", kind="points", minimum=68, maximum=68),
        number("image_height", "Image height", "图像高度", 0, None, "pixels"),
    ),
    references=(
        Reference("Wang L", 2021, "Med Image Anal"),
        Reference("Wu H", 2017, "MICCAI"),
    ),
    score_range=(0, 180),
    direction=HIGHER_IS_WORSE,
    confidence="C",
    notes="Automated estimate; never present it as a clinician-measured Cobb angle.",
)


@dataclass(frozen=True)
class AasceCobbResult(Result):
    """Largest curve (``value``), the script's triple (``subscores``), end vertebrae (``details``)."""


def classify(inputs: Any, **options: Any) -> AasceCobbResult:
    """Estimate Cobb angles from 68 vertebral corner landmarks.

    Parameters
    ----------
    inputs : mapping
        ``landmarks`` (68 ``(x, y)`` points, image pixels, y down) and ``image_height`` (pixels).
    triple : bool, default True
        Also compute Cobb 2 and Cobb 3 with the challenge's S-shape rule (steps 4-6).

    Returns
    -------
    AasceCobbResult
        ``value`` Cobb 1 in degrees; ``subscores`` ``cobb_1``-``cobb_3``; ``details`` the end
        vertebrae, the curve shape and the script's labels; ``interpretation`` ``automated_estimate``.

    References
    ----------
    Wang L, Xie C, Lin Y, et al. Med Image Anal 2021;72:102115 (AASCE2019 challenge).
    """
    triple = read_options(options, {"triple": (True, False)}).get("triple", True)
    values = read_inputs(INSTRUMENT, inputs)
    if values["image_height"] == 0:
        raise ScoreInputError("image_height", 0, "a number above 0 pixels")
    corners = values["landmarks"]
    matrix = angle_matrix(midline_vectors(corners))
    cobb1, a, b = _largest(matrix)
    subscores: dict[str, float | None] = {"cobb_1": cobb1, "cobb_2": None, "cobb_3": None}
    details: dict[str, Any] = {"upper_end_vertebra": LEVELS[a], "lower_end_vertebra": LEVELS[b],
                               "script_labels": SCRIPT_LABELS, "automated": True}
    flags: tuple[str, ...] = ()
    if triple:
        midpoints = endplate_midpoints(corners)
        shape = curve_shape(midpoints)
        flags = (NEEDS_REVIEW,) if shape is None else ()
        subscores["cobb_2"], subscores["cobb_3"] = _regional(matrix, midpoints, a, b, shape or "S",
                                                             values["image_height"])
        details["curve_shape"] = shape
    return AasceCobbResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=cobb1, interpretation="automated_estimate",
        subscores=frozen(subscores), flags=flags, details=frozen(details),
    )


def midline_vectors(corners: Sequence[geo.Point]) -> list[geo.Point]:
    """Return the 17 vertebral mid-line vectors (right mid minus left mid) of 68 corner points."""
    vectors = []
    for k in range(len(corners) // 4):
        upper_left, upper_right, lower_left, lower_right = corners[4 * k:4 * k + 4]
        vector = geo.sub(geo.mean(upper_right, lower_right), geo.mean(upper_left, lower_left))
        if geo.dot(vector, vector) == 0:  # zero, or so small that its square underflows
            raise ScoreInputError(f"landmarks[{4 * k}:{4 * k + 4}]", LEVELS[k],
                                  "corners whose left and right midpoints differ",
                                  hint="zero-length mid-line")
        vectors.append(vector)
    return vectors


def angle_matrix(vectors: Sequence[geo.Point]) -> list[list[float]]:
    """Return the matrix of angles in degrees between every pair of vectors."""
    return [[_angle(u, v) for v in vectors] for u in vectors]


def _angle(u: geo.Point, v: geo.Point) -> float:
    cosine = round(geo.dot(u, v) / (math.hypot(*u) * math.hypot(*v)), 8)
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))  # rounding already keeps it in range


def endplate_midpoints(corners: Sequence[geo.Point]) -> list[geo.Point]:
    """Return the 34 endplate midpoints, top to bottom (upper then lower endplate of each vertebra)."""
    midpoints = []
    for k in range(len(corners) // 4):
        upper_left, upper_right, lower_left, lower_right = corners[4 * k:4 * k + 4]
        midpoints += [geo.mean(upper_left, upper_right), geo.mean(lower_left, lower_right)]
    return midpoints


def curve_shape(midpoints: Sequence[geo.Point]) -> str | None:
    """Return ``"C"`` or ``"S"`` by the challenge's sign test, or ``None`` when it is undefined."""
    (x1, y1), (xn, yn) = midpoints[0], midpoints[-1]
    if y1 == yn or x1 == xn:
        return None
    offsets = [(y - yn) / (y1 - yn) - (x - xn) / (x1 - xn) for x, y in midpoints[:32]]
    single = all(d >= 0 for d in offsets) or all(d <= 0 for d in offsets)
    return "C" if single else "S"


def _largest(matrix: list[list[float]]) -> tuple[float, int, int]:
    best = max(max(row) for row in matrix)
    column = next(j for j in range(len(matrix)) if max(row[j] for row in matrix) == best)
    row = next(i for i in range(len(matrix)) if matrix[i][column] == best)
    return best, min(row, column), max(row, column)


def _regional(matrix: list[list[float]], midpoints: Sequence[geo.Point], a: int, b: int, shape: str,
              height: float) -> tuple[float, float]:
    last = len(matrix) - 1
    if shape == "C":
        return matrix[0][a], matrix[last][b]
    cobb2, k1 = _max_with_index(matrix[a][:a + 1])
    if midpoints[2 * a + 1][1] + midpoints[2 * b + 1][1] < height:
        return cobb2, max(matrix[b][b:])
    return cobb2, max(matrix[k1][:k1 + 1])


def _max_with_index(row: Sequence[float]) -> tuple[float, int]:
    best = max(row)
    return best, row.index(best)


def smape(predicted: Any, truth: Any) -> float:
    """Return the symmetric mean absolute percentage error (0-100 %) of Cobb-angle vectors.

    For image n, s_n = sum_j |p_nj - g_nj| / sum_j (p_nj + g_nj), and s_n = 0 when all its angles
    are 0; SMAPE = 100 % x mean of s_n (AASCE 2019 ranking metric, classifications.md §3.2).

    Parameters
    ----------
    predicted, truth : sequence of sequences of float
        One vector of non-negative angles (degrees) per image; same shapes.

    Examples
    --------
    >>> smape([[10, 0, 0]], [[30, 0, 0]])
    50.0
    """
    predicted = _angle_vectors("predicted", predicted)
    truth = _angle_vectors("truth", truth)
    if len(predicted) != len(truth):
        raise ScoreInputError("truth", f"{len(truth)} vectors", f"{len(predicted)} vectors, one per image")
    total = 0.0
    for index, (p, g) in enumerate(zip(predicted, truth, strict=True)):
        if len(p) != len(g):
            raise ScoreInputError(f"truth[{index}]", f"{len(g)} angles", f"{len(p)} angles like predicted")
        denominator = sum(p) + sum(g)
        total += 0.0 if denominator == 0 else sum(abs(x - y) for x, y in zip(p, g, strict=True)) / denominator
    return 100.0 * total / len(predicted)


def _angle_vectors(name: str, value: Any) -> list[list[float]]:
    allowed = "a non-empty sequence of non-empty sequences of angles >= 0 deg"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise ScoreInputError(name, value, allowed)
    vectors = []
    for index, vector in enumerate(value):
        if isinstance(vector, (str, bytes)) or not isinstance(vector, Sequence) or not vector:
            raise ScoreInputError(f"{name}[{index}]", vector, allowed)
        vectors.append([_angle_value(f"{name}[{index}]", angle) for angle in vector])
    return vectors


def _angle_value(name: str, angle: Any) -> float:
    if isinstance(angle, bool) or not isinstance(angle, (int, float)):
        raise ScoreInputError(name, angle, "finite angles >= 0 deg")
    if not math.isfinite(angle) or angle < 0:
        raise ScoreInputError(name, angle, "finite angles >= 0 deg")
    return float(angle)
