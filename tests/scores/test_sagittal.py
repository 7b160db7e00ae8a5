"""Sagittal spinopelvic parameters (classifications.md §3.5; imaging.md §2.1-2.6).

Synthetic films are built from known parameters, as imaging.md §6.2 suggests: the expected values
are the generating parameters (PI = PT + SS by construction).
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import sagittal


def film(ss=40.0, pt=15.0, ll=50.0, sva=30.0, t1spi=-5.0, c7_height=500.0, facing="right", row=1.0, col=1.0,
         origin=(400.0, 900.0), two_heads=False):
    """Image points (pixels, y down) of a lateral film with the given parameters (mm, degrees)."""
    def au(angle, length):
        return (length * math.cos(math.radians(angle)), length * math.sin(math.radians(angle)))

    s1m = (0.0, 0.0)
    half = au(-ss, 20.0)
    s1a, s1p = (half[0], half[1]), (-half[0], -half[1])
    ha = (100.0 * math.sin(math.radians(pt)), -100.0 * math.cos(math.radians(pt)))
    l1_half = au(ll - ss, 18.0)
    l1a, l1p = (5 + l1_half[0], 200 + l1_half[1]), (5 - l1_half[0], 200 - l1_half[1])
    c7 = (s1p[0] + sva, c7_height)
    t1 = (ha[0] + 600 * math.sin(math.radians(t1spi)), ha[1] + 600 * math.cos(math.radians(t1spi)))
    sign = 1 if facing == "right" else -1

    def image(p):
        return (origin[0] + sign * p[0] / col, origin[1] - p[1] / row)

    points = {"femoral_head_1": image(ha), "s1_anterior": image(s1a), "s1_posterior": image(s1p),
              "l1_anterior": image(l1a), "l1_posterior": image(l1p), "c7_centroid": image(c7),
              "t1_centroid": image(t1), "row_spacing_mm": row, "column_spacing_mm": col}
    if two_heads:
        points["femoral_head_1"] = image((ha[0] + 6, ha[1] + 2))
        points["femoral_head_2"] = image((ha[0] - 6, ha[1] - 2))
    return points, {"s1m": s1m, "c7": c7}


def test_sagittal_pi_equals_pt_plus_ss_from_landmarks_section_3_5():
    """SS, PT and PI computed independently satisfy PI = PT + SS (§3.5, imaging.md §2.5)."""
    points, _ = film(ss=38, pt=17)
    result = sagittal.classify(points)
    assert result.subscores["ss"] == pytest.approx(38)
    assert result.subscores["pt"] == pytest.approx(17)
    assert result.subscores["pi"] == pytest.approx(55)
    assert result.flags == ()


def test_sagittal_negative_pt_when_ha_is_posterior_imaging_2_5():
    """PT is positive when HA is anterior to S1m; negative PT exists (imaging.md §2.5)."""
    points, _ = film(pt=-6)
    assert sagittal.classify(points).subscores["pt"] == pytest.approx(-6)


def test_sagittal_lumbar_lordosis_and_mismatch_imaging_2_3():
    """LL = t(L1 sup) - t(S1 sup), lordosis positive; PI - LL positive = deficit (imaging.md §2.3)."""
    points, _ = film(ss=40, pt=20, ll=45)
    result = sagittal.classify(points)
    assert result.subscores["ll"] == pytest.approx(45)
    assert result.subscores["pi_ll"] == pytest.approx(15)


def test_sagittal_sva_in_mm_needs_pixel_spacing_imaging_2_6():
    """SVA = (C7c - S1p)·a in mm, positive anterior; null without spacing (imaging.md §2.1, §2.6)."""
    points, _ = film(sva=42, row=0.2, col=0.2)
    result = sagittal.classify(points)
    assert result.subscores["sva_mm"] == pytest.approx(42)
    assert result.details["calibration"] == "mm"
    del points["row_spacing_mm"], points["column_spacing_mm"]
    uncalibrated = sagittal.classify(points)
    assert uncalibrated.subscores["sva_mm"] is None and uncalibrated.details["calibration"] == "none"
    assert uncalibrated.subscores["pi"] == pytest.approx(result.subscores["pi"])


def test_sagittal_tpa_is_t1_inclination_plus_pt_protopsaltis2014():
    """TPA = T1 spinopelvic inclination + PT (Protopsaltis 2014; imaging.md §2.6)."""
    points, _ = film(pt=18, t1spi=-7)
    result = sagittal.classify(points)
    assert result.subscores["t1_spinopelvic_inclination"] == pytest.approx(-7)
    assert result.subscores["tpa"] == pytest.approx(11)


def test_sagittal_global_tilt_is_pt_plus_c7_vertical_tilt_obeid2016():
    """GT = PT + C7 vertical tilt, angle of S1m -> C7 from vertical (Obeid 2016; §3.5)."""
    points, geometry = film(pt=12, sva=80, c7_height=450)
    c7 = geometry["c7"]
    expected_tilt = math.degrees(math.atan2(c7[0], c7[1]))
    result = sagittal.classify(points)
    assert result.subscores["c7_vertical_tilt"] == pytest.approx(expected_tilt)
    assert result.subscores["gt"] == pytest.approx(12 + expected_tilt)


def test_sagittal_facing_left_gives_the_same_values_imaging_2_2():
    """Anterior comes from the S1 corners: a mirrored film reads the same (imaging.md §2.2)."""
    right = sagittal.classify(film(facing="right", row=0.3, col=0.3)[0])
    left = sagittal.classify(film(facing="left", row=0.3, col=0.3)[0])
    assert left.details["anterior_toward"] == "image_left"
    for key, value in right.subscores.items():
        assert left.subscores[key] == pytest.approx(value)


def test_sagittal_anisotropic_spacing_is_applied_imaging_2_1():
    """X = x · column spacing, Y = -y · row spacing before any angle (imaging.md §2.1)."""
    result = sagittal.classify(film(ss=35, pt=10, row=0.15, col=0.3)[0])
    assert result.subscores["ss"] == pytest.approx(35) and result.subscores["pi"] == pytest.approx(45)


def test_sagittal_hip_axis_is_the_mean_of_two_heads_imaging_2_5():
    """HA = mean of the femoral-head centres (imaging.md §2.5)."""
    one = sagittal.classify(film()[0])
    two = sagittal.classify(film(two_heads=True)[0])
    assert two.subscores["pt"] == pytest.approx(one.subscores["pt"])


def test_sagittal_optional_landmarks_may_be_left_out():
    points, _ = film()
    for key in ("l1_anterior", "l1_posterior", "c7_centroid", "t1_centroid"):
        del points[key]
    result = sagittal.classify(points)
    assert all(result.subscores[key] is None for key in ("ll", "tpa", "gt"))
    assert result.subscores["pi"] is not None


@pytest.mark.parametrize(("measured", "expected"), [
    ({"pt": 15, "ss": 40}, {"pi": 55}), ({"pi": 55, "ss": 40}, {"pt": 15}),
    ({"pi": 55, "pt": 15}, {"ss": 40}),
])
def test_sagittal_values_derive_the_third_of_pi_pt_ss_section_3_5(measured, expected):
    """Geometric identity PI = PT + SS (§3.5)."""
    result = sagittal.classify(measured)
    for key, value in expected.items():
        assert result.subscores[key] == value
    assert result.details["method"] == "values"


def test_sagittal_values_flag_inconsistency_over_1_degree_section_3_5_convention():
    """|PI - (PT + SS)| > 1° is flagged (§3.5 convention); exactly 1° is not."""
    assert sagittal.classify({"pi": 56, "pt": 15, "ss": 40}).flags == ()
    assert sagittal.classify({"pi": 56.01, "pt": 15, "ss": 40}).flags == (NEEDS_REVIEW,)
    assert sagittal.classify({"pi": 53.9, "pt": 15, "ss": 40}).flags == (NEEDS_REVIEW,)


def test_sagittal_values_derive_mismatch_tpa_and_gt_section_3_5():
    """PI - LL; TPA = T1SPI + PT; GT = PT + C7 vertical tilt (§3.5)."""
    result = sagittal.classify({"pi": 60, "pt": 25, "ll": 35, "sva_mm": 70, "t1_spinopelvic_inclination": 3,
                                "c7_vertical_tilt": 8})
    assert result.subscores["ss"] == 35 and result.subscores["pi_ll"] == 25
    assert result.subscores["tpa"] == 28 and result.subscores["gt"] == 33 and result.subscores["sva_mm"] == 70


def test_sagittal_single_value_leaves_the_rest_empty():
    result = sagittal.classify({"pt": 20})
    assert result.subscores["pi"] is None and result.subscores["tpa"] is None
    assert sagittal.classify({}).subscores["pt"] is None


@pytest.mark.parametrize(("change", "item"), [
    ({"pt": 10}, "femoral_head_1"),
    ({"femoral_head_1": None}, "femoral_head_1"),
    ({"s1_anterior": (1, 2, 3)}, "s1_anterior"),
    ({"s1_anterior": ("1", 2)}, "s1_anterior"),
    ({"c7_centroid": (float("nan"), 2)}, "c7_centroid"),
    ({"row_spacing_mm": 0}, "row_spacing_mm"),
    ({"hip": (1, 1)}, "item"),
])
def test_sagittal_rejects_bad_landmark_input(change, item):
    points, _ = film()
    points.update(change)
    with pytest.raises(ScoreInputError) as error:
        sagittal.classify(points)
    assert error.value.item == item


def test_sagittal_rejects_missing_pelvis_points_and_partial_inputs():
    points, _ = film()
    del points["s1_posterior"]
    with pytest.raises(ScoreInputError, match="s1_posterior"):
        sagittal.classify(points)
    points, _ = film()
    del points["l1_posterior"]
    with pytest.raises(ScoreInputError, match="l1_posterior"):
        sagittal.classify(points)
    points, _ = film()
    del points["column_spacing_mm"]
    with pytest.raises(ScoreInputError, match="column_spacing_mm"):
        sagittal.classify(points)


def test_sagittal_rejects_hip_axis_on_the_s1_midpoint():
    with pytest.raises(ScoreInputError, match="femoral_head_1"):
        sagittal.classify({"femoral_head_1": (5, 5), "s1_anterior": (10, 5), "s1_posterior": (0, 5)})


def test_sagittal_rejects_vertical_s1_and_coincident_l1_corners():
    points, _ = film()
    points["s1_anterior"] = (points["s1_posterior"][0], points["s1_posterior"][1] - 5)
    with pytest.raises(ScoreInputError, match="s1_anterior"):
        sagittal.classify(points)
    points, _ = film()
    points["l1_anterior"] = points["l1_posterior"]
    with pytest.raises(ScoreInputError, match="l1_anterior"):
        sagittal.classify(points)


@pytest.mark.parametrize(("item_id", "value"), [("pi", None), ("pt", "15"), ("ss", True), ("sva_mm", 5000),
                                                 ("c7_vertical_tilt", 91), ("ll", float("inf"))])
def test_sagittal_rejects_bad_values(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        sagittal.classify({"pt": 10, item_id: value} if item_id != "pt" else {item_id: value})
    assert error.value.item == item_id


@pytest.mark.parametrize(("angle", "wrapped"), [(190, -170), (-190, 170), (180, 180), (-180, 180), (540, 180),
                                                (45, 45)])
def test_sagittal_angles_are_wrapped_to_minus_180_to_180(angle, wrapped):
    """Derived angle differences are reported in (-180°, 180°]."""
    from spinescores.classification import _geometry

    assert _geometry.wrap(angle) == pytest.approx(wrapped)


def test_sagittal_rejects_unknown_option_and_non_mapping():
    with pytest.raises(ScoreInputError, match="option"):
        sagittal.classify({"pt": 10}, facing="left")
    with pytest.raises(ScoreInputError, match="inputs"):
        sagittal.classify([("pt", 10)])


point = st.tuples(st.floats(-2000, 2000), st.floats(-2000, 2000))


@given(point, point, point)
def test_sagittal_pi_equals_pt_plus_ss_for_any_landmarks(head, anterior, posterior):
    midpoint = ((anterior[0] + posterior[0]) / 2, (anterior[1] + posterior[1]) / 2)
    if abs(anterior[0] - posterior[0]) < 1e-3 or math.dist(head, midpoint) < 1e-3:
        return
    result = sagittal.classify({"femoral_head_1": head, "s1_anterior": anterior, "s1_posterior": posterior})
    pi, pt, ss = (result.subscores[key] for key in ("pi", "pt", "ss"))
    difference = (pi - (pt + ss) + 180) % 360 - 180
    assert abs(difference) < 1e-6


@given(st.floats(20, 60), st.floats(-10, 40), st.floats(0, 80), st.floats(-100, 150), st.floats(-20, 20),
       st.floats(-500, 500), st.floats(-500, 500))
def test_sagittal_parameters_are_invariant_under_translation(ss, pt, ll, sva, t1spi, dx, dy):
    points, _ = film(ss=ss, pt=pt, ll=ll, sva=sva, t1spi=t1spi)
    moved = {key: (value[0] + dx, value[1] + dy) if isinstance(value, tuple) else value
             for key, value in points.items()}
    original, shifted = sagittal.classify(points), sagittal.classify(moved)
    assert original.subscores["pi"] == pytest.approx(ss + pt, abs=1e-6)
    for key, value in original.subscores.items():
        assert shifted.subscores[key] == pytest.approx(value, abs=1e-6)


@given(st.floats(20, 60), st.floats(-10, 40), st.floats(0, 80), st.floats(-15, 15))
def test_sagittal_pi_ll_and_tpa_do_not_depend_on_the_vertical(ss, pt, ll, turn):
    """PI, LL and TPA are differences of directions; SS changes by -φ and PT by +φ (imaging.md §2.2)."""
    points, _ = film(ss=ss, pt=pt, ll=ll)
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))

    def rotate(p):  # rotate content counter-clockwise on screen (y down) about the origin
        return (c * p[0] + s * p[1], -s * p[0] + c * p[1])

    rotated = {key: rotate(value) if isinstance(value, tuple) else value for key, value in points.items()}
    before, after = sagittal.classify(points), sagittal.classify(rotated)
    for key in ("pi", "ll", "tpa"):
        assert after.subscores[key] == pytest.approx(before.subscores[key], abs=1e-6)
    assert after.subscores["ss"] - before.subscores["ss"] == pytest.approx(
        -(after.subscores["pt"] - before.subscores["pt"]), abs=1e-6)
