"""AASCE 2019 Cobb estimation and SMAPE (Wang L, et al. Med Image Anal 2021;72:102115; §3.2)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import aasce_cobb as aasce

ZIGZAG = [0, 5, 10, 15, 20, 15, 10, 5, 0, -5, -10, -15, -20, -15, -10, -5, 0]


def spine(tilts, xs, top=50.0, step=40.0, half_width=20.0, half_height=12.0):
    """68 image corners (y down) of 17 rectangles with image-plane rotations ``tilts`` (degrees)."""
    corners = []
    for k, (tilt, x) in enumerate(zip(tilts, xs, strict=True)):
        c, s = math.cos(math.radians(tilt)), math.sin(math.radians(tilt))
        cy = top + step * k
        for dx, dy in ((-half_width, -half_height), (half_width, -half_height),
                       (-half_width, half_height), (half_width, half_height)):
            corners.append((x + c * dx - s * dy, cy + s * dx + c * dy))
    return corners


def s_shape_xs():
    return [200 + 40 * math.sin(2 * math.pi * k / 16) + k for k in range(17)]


def c_shape_xs():
    return [200 + 60 * math.sin(math.pi * (k + 0.5) / 17) + k for k in range(17)]


def test_aasce_cobb1_is_the_largest_midline_angle_wang2021():
    """Steps 1-3: Cobb 1 = max A[i][j]; pair (a, b) with a the upper vertebra (§3.2)."""
    result = aasce.classify({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": 1000})
    assert result.value == pytest.approx(40.0)
    assert result.details["upper_end_vertebra"] == "T5"
    assert result.details["lower_end_vertebra"] == "L1"
    assert result.interpretation == "automated_estimate" and result.details["automated"] is True


def test_aasce_single_curve_uses_t1_and_l5_wang2021():
    """Step 5, C curve: Cobb 2 = A[T1][a], Cobb 3 = A[L5][b] (§3.2)."""
    tilts = [-10, *ZIGZAG[1:]]
    result = aasce.classify({"landmarks": spine(tilts, c_shape_xs()), "image_height": 1000})
    assert result.details["curve_shape"] == "C"
    assert result.subscores["cobb_2"] == pytest.approx(30.0)
    assert result.subscores["cobb_3"] == pytest.approx(20.0)


def test_aasce_s_curve_in_upper_half_looks_above_a_and_below_b_wang2021():
    """Step 6: y(m_2a) + y(m_2b) < H -> Cobb 2 = max_{k<=a} A[a][k], Cobb 3 = max_{k>=b} A[b][k]."""
    tilts = [0, 5, 10, 15, 20, 15, 10, 5, 0, -5, -10, -15, -20, -15, -10, -5, -8]
    result = aasce.classify({"landmarks": spine(tilts, s_shape_xs()), "image_height": 2000})
    assert result.details["curve_shape"] == "S"
    assert result.subscores["cobb_2"] == pytest.approx(20.0)
    assert result.subscores["cobb_3"] == pytest.approx(15.0)
    assert result.flags == ()


def test_aasce_s_curve_in_lower_half_chains_from_k1_wang2021():
    """Step 6 otherwise: Cobb 2 = max_{k<=a} A[a][k] at k1; Cobb 3 = max_{k<=k1} A[k1][k]."""
    tilts = [-6, 5, 10, 15, 20, 15, 10, 5, 0, -5, -10, -15, -20, -15, -10, -5, 0]
    result = aasce.classify({"landmarks": spine(tilts, s_shape_xs()), "image_height": 100})
    assert result.subscores["cobb_2"] == pytest.approx(26.0)  # T5 (20°) vs T1 (-6°), k1 = T1
    assert result.subscores["cobb_3"] == pytest.approx(0.0)  # only T1 itself lies at or above k1


def test_aasce_undefined_s_test_takes_s_branch_and_is_flagged_wang2021():
    """x1 == x34 divides by zero: the scripts fall into the S branch; we flag it (§3.2 cautions)."""
    result = aasce.classify({"landmarks": spine(ZIGZAG, [200.0] * 17), "image_height": 2000})
    assert result.details["curve_shape"] is None
    assert result.flags == (NEEDS_REVIEW,)
    assert result.subscores["cobb_2"] == pytest.approx(20.0)


def test_aasce_curve_shape_signs_wang2021():
    """All d_i of one sign (zeros allowed) -> C; mixed -> S; horizontal chord -> undefined."""
    straight = [(float(i), float(i)) for i in range(34)]
    assert aasce.curve_shape(straight) == "C"
    bent = [(float(i) + (3 if 5 < i < 10 else 0) - (3 if 20 < i < 25 else 0), float(i)) for i in range(34)]
    assert aasce.curve_shape(bent) == "S"
    assert aasce.curve_shape([(float(i), 0.0) for i in range(34)]) is None


def test_aasce_cosines_above_90_degrees_are_not_clipped_wang2021():
    """The MATLAB script does not clip cosines: opposite vectors give 180° (§3.2)."""
    matrix = aasce.angle_matrix([(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0)])
    assert matrix[0][1] == pytest.approx(180.0) and matrix[0][2] == pytest.approx(90.0)


def test_aasce_triple_false_runs_the_midline_method_only():
    result = aasce.classify({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": 1000}, triple=False)
    assert result.subscores["cobb_2"] is None and "curve_shape" not in result.details


def test_aasce_parallel_vertebrae_give_zero():
    result = aasce.classify({"landmarks": spine([7] * 17, c_shape_xs()), "image_height": 1000})
    assert result.value == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(("inputs", "item"), [
    ({"landmarks": [(0, 0)] * 67, "image_height": 100}, "landmarks"),
    ({"landmarks": "points", "image_height": 100}, "landmarks"),
    ({"landmarks": None, "image_height": 100}, "landmarks"),
    ({"landmarks": [(0, 0)] * 67 + [(0, True)], "image_height": 100}, "landmarks[67]"),
    ({"landmarks": [(0, 0)] * 68, "image_height": 100}, "landmarks[0:4]"),
    ({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": 0}, "image_height"),
    ({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": -5}, "image_height"),
    ({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": None}, "image_height"),
    ({"landmarks": spine(ZIGZAG, c_shape_xs())}, "image_height"),
    ({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": 1000, "width": 3}, "item"),
])
def test_aasce_rejects_bad_input_naming_it(inputs, item):
    with pytest.raises(ScoreInputError) as error:
        aasce.classify(inputs)
    assert error.value.item == item


@pytest.mark.parametrize("options", [{"triple": "yes"}, {"triple": 1}, {"clip": True}])
def test_aasce_rejects_bad_options(options):
    with pytest.raises(ScoreInputError):
        aasce.classify({"landmarks": spine(ZIGZAG, c_shape_xs()), "image_height": 1000}, **options)


def test_smape_worked_example_wang2021():
    """s_n = Σ|p - g| / Σ(p + g); SMAPE = 100 % × mean (§3.2)."""
    assert aasce.smape([[10, 0, 0]], [[30, 0, 0]]) == pytest.approx(50.0)
    assert aasce.smape([[10, 20, 30], [5, 5, 5]], [[10, 20, 30], [15, 5, 5]]) == pytest.approx(100 * 0.25 / 2)


def test_smape_all_zero_image_counts_as_zero_wang2021():
    """If the denominator is 0 (all six angles 0), s_n = 0 (§3.2)."""
    assert aasce.smape([[0, 0, 0], [10, 0, 0]], [[0, 0, 0], [0, 0, 0]]) == pytest.approx(50.0)


@pytest.mark.parametrize(("predicted", "truth", "item"), [
    ([[1, 2, 3]], [[1, 2, 3], [1, 2, 3]], "truth"),
    ([[1, 2, 3]], [[1, 2]], "truth[0]"),
    ([], [], "predicted"),
    ("123", [[1, 2, 3]], "predicted"),
    ([[1, 2, 3]], [[1, 2, -3]], "truth[0]"),
    ([[1, 2, True]], [[1, 2, 3]], "predicted[0]"),
    ([[1, 2, float("nan")]], [[1, 2, 3]], "predicted[0]"),
    ([[1, 2, None]], [[1, 2, 3]], "predicted[0]"),
    ([[]], [[1]], "predicted[0]"),
    ([5], [[1]], "predicted[0]"),
])
def test_smape_rejects_bad_vectors(predicted, truth, item):
    with pytest.raises(ScoreInputError) as error:
        aasce.smape(predicted, truth)
    assert error.value.item == item


angles = st.lists(st.floats(0, 180), min_size=3, max_size=3)


@given(st.lists(st.tuples(angles, angles), min_size=1, max_size=5))
def test_smape_is_between_0_and_100(pairs):
    value = aasce.smape([p for p, _ in pairs], [g for _, g in pairs])
    assert 0 <= value <= 100 + 1e-9


@given(st.lists(angles, min_size=1, max_size=5))
def test_smape_of_identical_vectors_is_zero(vectors):
    assert aasce.smape(vectors, vectors) == 0


tilt_lists = st.lists(st.floats(-40, 40), min_size=17, max_size=17)


@given(tilt_lists, st.floats(-math.pi, math.pi), st.floats(-500, 500), st.floats(-500, 500))
def test_aasce_cobb1_is_invariant_under_rotation_and_translation(tilts, turn, dx, dy):
    corners = spine(tilts, c_shape_xs())
    c, s = math.cos(turn), math.sin(turn)
    moved = [(c * x - s * y + dx, s * x + c * y + dy) for x, y in corners]
    original = aasce.classify({"landmarks": corners, "image_height": 1000}, triple=False).value
    assert aasce.classify({"landmarks": moved, "image_height": 1000}, triple=False).value == pytest.approx(
        original, abs=0.01)
    # Cosines rounded to 8 decimals (as in the MATLAB script) limit precision near 0° to ~0.006°.
    assert original == pytest.approx(max(tilts) - min(tilts), abs=0.01)


@given(tilt_lists)
def test_aasce_angles_are_in_range(tilts):
    result = aasce.classify({"landmarks": spine(tilts, s_shape_xs()), "image_height": 1000})
    assert all(0 <= result.subscores[key] <= 180 for key in ("cobb_1", "cobb_2", "cobb_3"))
    assert result.subscores["cobb_2"] <= result.value and result.subscores["cobb_3"] <= result.value
