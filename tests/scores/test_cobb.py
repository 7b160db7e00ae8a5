"""Cobb angle from two lines (classifications.md §3.1; imaging.md §2.1, §2.4)."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import cobb

LINES = {"upper_endplate": ((0, 0), (1, 1)), "lower_endplate": ((0, 0), (1, 0))}


def line_at(tilt_deg, centre=(100.0, 100.0), half=20.0):
    """Two image points (y down) of a line whose y-up tilt is ``tilt_deg``."""
    dx, dy = half * math.cos(math.radians(tilt_deg)), half * math.sin(math.radians(tilt_deg))
    return ((centre[0] - dx, centre[1] + dy), (centre[0] + dx, centre[1] - dy))


def test_cobb_is_the_difference_of_endplate_tilts_section_3_1():
    """Tilt = atan2(-(y2 - y1), x2 - x1) with y down; Cobb = |θ_upper - θ_lower| (§3.1)."""
    result = cobb.classify({"upper_endplate": ((0, 10), (10, 0)), "lower_endplate": ((0, 0), (10, 10))})
    assert result.value == pytest.approx(90.0)
    assert result.details["upper_tilt"] == pytest.approx(45.0)
    assert result.details["lower_tilt"] == pytest.approx(-45.0)


def test_cobb_over_90_degrees_is_not_folded_section_3_1():
    """Range 0-180°: a 110° curve reads 110°, not its supplement (§3.1, imaging.md §2.4 pitfalls)."""
    assert cobb.cobb_angle(line_at(60), line_at(-50)) == pytest.approx(110.0)


def test_cobb_click_order_within_a_line_is_irrelevant_imaging_2_4():
    """Points are ordered left to right before the tilt (imaging.md §2.4 step 1)."""
    upper, lower = line_at(30), line_at(-12)
    assert cobb.cobb_angle(upper[::-1], lower) == pytest.approx(cobb.cobb_angle(upper, lower))


def test_cobb_convex_side_follows_the_sign_of_the_difference_imaging_2_4():
    """Convex toward image right when θ_upper - θ_lower > 0, left when < 0 (imaging.md §2.4)."""
    assert cobb.classify({"upper_endplate": line_at(20), "lower_endplate": line_at(-20)}).details[
        "convex_toward"] == "image_right"
    assert cobb.classify({"upper_endplate": line_at(-20), "lower_endplate": line_at(20)}).details[
        "convex_toward"] == "image_left"


def test_cobb_under_0_05_degrees_is_straight_imaging_2_4():
    """|difference| < 0.05° is straight (imaging.md §2.4); 0.06° is not."""
    assert cobb.classify({"upper_endplate": line_at(0.04), "lower_endplate": line_at(0)}).details[
        "convex_toward"] == "straight"
    assert cobb.classify({"upper_endplate": line_at(0.06), "lower_endplate": line_at(0)}).details[
        "convex_toward"] == "image_right"


def test_cobb_uses_anisotropic_pixel_spacing_imaging_2_1():
    """X = x * column spacing, Y = -y * row spacing before any angle (imaging.md §2.1)."""
    result = cobb.classify({"upper_endplate": ((0, 0), (10, -10)), "lower_endplate": ((0, 0), (10, 0)),
                            "row_spacing_mm": 0.2, "column_spacing_mm": 0.1})
    assert result.value == pytest.approx(math.degrees(math.atan2(2.0, 1.0)))
    assert cobb.cobb_angle(((0, 0), (10, -10)), ((0, 0), (10, 0)), row_spacing=2.0) == pytest.approx(
        math.degrees(math.atan(2.0)))


def test_cobb_vertical_endplate_is_ambiguous_and_flagged_section_3_1():
    """A vertical line has no left-to-right order: undirected angle, needs_review (§3.1 step 3)."""
    result = cobb.classify({"upper_endplate": ((5, 0), (5, 10)), "lower_endplate": line_at(-30)})
    assert result.value == pytest.approx(60.0)
    assert result.flags == (NEEDS_REVIEW,)
    assert result.details["convex_toward"] is None


@pytest.mark.parametrize(("upper", "lower", "expected"), [
    (10, 30, 20), (10, 170, 20), (0, 180, 0), (45, 135, 90), (100, 10, 90)])
def test_cobb_undirected_angles_fold_to_at_most_90_section_3_1(upper, lower, expected):
    """d = |α1 - α2| mod 180; Cobb = min(d, 180 - d) (§3.1 step 3)."""
    result = cobb.classify({"upper_angle": upper, "lower_angle": lower})
    assert result.value == pytest.approx(expected)
    assert result.flags == ()
    assert result.details["max_representable"] == 90.0


def test_cobb_undirected_vertical_angle_is_flagged_section_3_1():
    """An undirected angle of exactly 90° is a vertical line: ambiguous tilt, needs_review (§3.1)."""
    assert cobb.classify({"upper_angle": 90, "lower_angle": 10}).flags == (NEEDS_REVIEW,)


@pytest.mark.parametrize(("inputs", "item"), [
    ({"upper_endplate": ((0, 0), (1, 1))}, "lower_endplate"),
    ({"upper_angle": 10}, "lower_angle"),
    ({}, "upper_endplate"),
    ({**LINES, "upper_angle": 5}, "upper_angle"),
    ({"upper_endplate": ((0, 0), (0, 0)), "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": ((0, 0), (1, True)), "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": ((0, 0), (1, None)), "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": ((0, 0), (1, float("inf"))), "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": "0,0,1,1", "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": ((0, 0, 0), (1, 1)), "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": ((0, 0),), "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_endplate": None, "lower_endplate": ((0, 0), (1, 0))}, "upper_endplate"),
    ({"upper_angle": 181, "lower_angle": 0}, "upper_angle"),
    ({"upper_angle": -1, "lower_angle": 0}, "upper_angle"),
    ({"upper_angle": True, "lower_angle": 0}, "upper_angle"),
    ({**LINES, "row_spacing_mm": 0}, "row_spacing_mm"),
    ({**LINES, "column_spacing_mm": -1}, "column_spacing_mm"),
    ({**LINES, "row_spacing_mm": 0.2}, "column_spacing_mm"),
    ({**LINES, "column_spacing_mm": 0.2}, "row_spacing_mm"),
    ({**LINES, "apex": "T8"}, "item"),
])
def test_cobb_rejects_bad_input_naming_it(inputs, item):
    with pytest.raises(ScoreInputError) as error:
        cobb.classify(inputs)
    assert error.value.item == item


def test_cobb_rejects_unknown_option():
    with pytest.raises(ScoreInputError, match="option"):
        cobb.classify({"upper_angle": 1, "lower_angle": 2}, fold=True)


tilts = st.floats(-80, 80)
coordinates = st.floats(-1000, 1000)


@given(tilts, tilts, coordinates, coordinates)
def test_cobb_is_invariant_under_translation(upper, lower, dx, dy):
    a, b = line_at(upper), line_at(lower, centre=(100.0, 300.0))
    moved = [tuple((x + dx, y + dy) for x, y in line) for line in (a, b)]
    assert cobb.cobb_angle(*moved) == pytest.approx(cobb.cobb_angle(a, b), abs=1e-6)


@given(tilts, tilts, st.floats(-9, 9))
def test_cobb_is_invariant_under_rotation_that_keeps_lines_non_vertical(upper, lower, turn):
    assume(abs(upper + turn) < 89 and abs(lower + turn) < 89)
    centre = (150.0, 200.0)

    def rotate(p):
        c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
        x, y = p[0] - centre[0], -(p[1] - centre[1])
        return (centre[0] + c * x - s * y, centre[1] - (s * x + c * y))

    a, b = line_at(upper), line_at(lower, centre=(100.0, 300.0))
    rotated = [tuple(rotate(p) for p in line) for line in (a, b)]
    assert cobb.cobb_angle(*rotated) == pytest.approx(cobb.cobb_angle(a, b), abs=1e-6)
    assert cobb.cobb_angle(a, b) == pytest.approx(abs(upper - lower), abs=1e-6)


@given(st.floats(0, 180), st.floats(0, 180))
def test_cobb_undirected_is_between_0_and_90(upper, lower):
    assert 0 <= cobb.classify({"upper_angle": upper, "lower_angle": lower}).value <= 90


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(allow_nan=True), st.integers()))
def test_cobb_invalid_line_always_raises(bad):
    with pytest.raises(ScoreInputError):
        cobb.classify({"upper_endplate": bad, "lower_endplate": ((0, 0), (1, 0))})
