"""Whole-film measurement from named landmarks (imaging.md §2, §6.2; classifications.md §3.1, §3.5).

Synthetic films are built from known parameters (imaging.md §6.2): the expected values are the
generating parameters, and PI = PT + SS holds by construction. ``film`` places each landmark in the
(anterior, up) mm frame, then maps it to image pixels with a chosen facing, content rotation and
pixel spacing; the geometry must undo all three.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import sagittal
from spinescores.radiograph import calibration, measure, protocol

MM = calibration.Calibration(0.2, 0.2, "detector_plane")


def _dir(angle, length):
    return (length * math.cos(math.radians(angle)), length * math.sin(math.radians(angle)))


def _endplate(centre, tilt, half=20.0):
    d = _dir(tilt, half)
    return (centre[0] + d[0], centre[1] + d[1]), (centre[0] - d[0], centre[1] - d[1])


def _corners(centre, tilt=0.0):
    sup = _endplate((centre[0], centre[1] + 10), tilt)
    inf = _endplate((centre[0], centre[1] - 10), tilt)
    return {"anterosuperior": sup[0], "posterosuperior": sup[1], "posteroinferior": inf[1],
            "anteroinferior": inf[0]}


def lateral(ss=40.0, pt=15.0, ll=50.0, tk=35.0, c2c7=12.0, sva=30.0, csva=20.0, t1spi=-5.0):
    """Landmarks in the (anterior, up) mm frame with S1m at the origin."""
    pts = {}
    pts["s1_anterior"], pts["s1_posterior"] = _endplate((0, 0), -ss)
    pts["femoral_head_1"] = (100 * math.sin(math.radians(pt)), -100 * math.cos(math.radians(pt)))
    pts["l1_anterior"], pts["l1_posterior"] = _endplate((5, 200), ll - ss)  # t(L1) = LL + t(S1)
    pts["t12_anterior"], pts["t12_posterior"] = _endplate((0, 230), ll - ss)
    pts["tk_upper_anterior"], pts["tk_upper_posterior"] = _endplate((-10, 400), ll - ss - tk)
    c7 = (pts["s1_posterior"][0] + sva, 500.0)
    for corner, p in _corners(c7).items():
        pts["c7_" + corner] = p
    c7_inf_tilt = 0.0
    c2 = (pts["c7_posterosuperior"][0] + csva, 600.0)
    pts["c2_centroid"] = c2
    pts["c2_inferior_anterior"], pts["c2_inferior_posterior"] = _endplate((c2[0], 590), c7_inf_tilt + c2c7)
    ha = pts["femoral_head_1"]
    t1 = (ha[0] + 600 * math.sin(math.radians(t1spi)), ha[1] + 600 * math.cos(math.radians(t1spi)))
    for corner, p in _corners(t1).items():
        pts["t1_" + corner] = p
    return pts


def to_image(pts, facing="right", phi=0.0, row=0.2, col=0.2, origin=(1500.0, 4000.0), vertical=False):
    """Map (anterior, up) mm points to image pixels: mirror, rotate the content by phi, scale."""
    sign = 1 if facing == "right" else -1
    c, s = math.cos(math.radians(phi)), math.sin(math.radians(phi))

    def image(p):
        x, y = sign * p[0], p[1]
        x, y = c * x - s * y, s * x + c * y
        return (origin[0] + x / col, origin[1] - y / row)

    out = {name: image(p) for name, p in pts.items()}
    if vertical:
        out["vertical_top"], out["vertical_bottom"] = image((0, 300)), image((0, -100))
    return out


def run(points, cal=MM, **kw):
    return measure.measure(points, view="standing_lateral", calibration=cal, **kw)


def test_lateral_film_returns_its_generating_parameters():
    values = run(to_image(lateral())).subscores
    expected = {"ss": 40, "pt": 15, "pi": 55, "ll": 50, "pi_ll": 5, "tk": 35, "c2_c7": 12, "sva_mm": 30,
                "csva_mm": 20}
    for key, value in expected.items():
        assert values[key] == pytest.approx(value, abs=1e-6), key
    assert values["tpa"] == pytest.approx(-5 + 15, abs=1e-6)  # TPA = T1 spinopelvic inclination + PT


def test_values_match_the_independent_sagittal_module():
    """A second implementation (classifications.md §3.5 module) guards against shared sign errors."""
    points = to_image(lateral(ss=33, pt=-4, ll=61), facing="left", row=0.15, col=0.2)
    ours = run(points, calibration.Calibration(0.15, 0.2, "calibrated")).subscores
    c7 = [points["c7_" + c] for c in ("anterosuperior", "posterosuperior", "posteroinferior",
                                      "anteroinferior")]
    keys = ("femoral_head_1", "s1_anterior", "s1_posterior", "l1_anterior", "l1_posterior")
    c7_centroid = (sum(p[0] for p in c7) / 4, sum(p[1] for p in c7) / 4)
    theirs = sagittal.classify({key: points[key] for key in keys} | {
        "c7_centroid": c7_centroid, "row_spacing_mm": 0.15, "column_spacing_mm": 0.2}).subscores
    for key in ("pi", "pt", "ss", "ll", "pi_ll", "sva_mm", "gt"):
        assert ours[key] == pytest.approx(theirs[key], abs=1e-9), key


def test_tilted_film_with_marked_vertical_is_corrected():
    points = to_image(lateral(), phi=7.0, vertical=True)
    result = run(points)
    assert result.subscores["ss"] == pytest.approx(40, abs=1e-6)
    assert result.subscores["sva_mm"] == pytest.approx(30, abs=1e-6)
    assert result.details["vertical"] == "marked"


def test_tilt_without_vertical_moves_sva_as_the_reference_says():
    """imaging.md §2.2: SVA becomes cos φ·SVA - sin φ·H; 1° with H = 550 mm moves SVA ≈ 9.6 mm."""
    pts = lateral(sva=0.0)
    h = pts["c7_anterosuperior"][1] - 10 - pts["s1_posterior"][1]
    result = run(to_image(pts, phi=1.0)).subscores
    assert h == pytest.approx(500 - pts["s1_posterior"][1])
    assert result["sva_mm"] == pytest.approx(-math.sin(math.radians(1)) * h, abs=1e-6)
    assert -math.sin(math.radians(1)) * 550 == pytest.approx(-9.6, abs=0.05)
    assert result["ss"] == pytest.approx(40 - 1, abs=1e-6)  # SS changes by -φ
    assert result["pt"] == pytest.approx(15 + 1, abs=1e-6)  # PT by +φ


def test_uncalibrated_film_gives_angles_but_no_millimetres():
    result = run(to_image(lateral()), calibration.NONE)
    assert result.subscores["sva_mm"] is None and result.subscores["csva_mm"] is None
    assert result.subscores["pi"] == pytest.approx(55)
    assert result.details["calibration"] == "none"


def test_two_femoral_heads_use_their_midpoint():
    pts = lateral()
    ha = pts["femoral_head_1"]
    pts["femoral_head_1"], pts["femoral_head_2"] = (ha[0] - 6, ha[1] + 2), (ha[0] + 6, ha[1] - 2)
    assert run(to_image(pts)).subscores["pt"] == pytest.approx(15, abs=1e-6)


def test_partial_film_measures_only_what_was_clicked():
    pts = lateral()
    only = {k: v for k, v in pts.items() if k.startswith(("s1_", "t12_", "tk_upper_"))}
    values = run(to_image(only)).subscores
    assert values["ss"] == pytest.approx(40) and values["tk"] == pytest.approx(35)
    assert values["pi"] is None and values["ll"] is None and values["sva_mm"] is None


def test_facing_falls_back_to_other_endplates_without_s1():
    pts = lateral()
    only = {k: v for k, v in pts.items() if k.startswith(("t12_", "tk_upper_"))}
    result = run(to_image(only, facing="left"))
    assert result.subscores["tk"] == pytest.approx(35)
    assert result.details["anterior_from"] == "t12"


def test_no_endplate_at_all_still_measures_csva():
    pts = lateral()
    only = {k: v for k, v in pts.items() if k.startswith("c2_centroid") or k.startswith("c7_")}
    result = run(to_image(only))
    assert result.details["anterior_from"] is None
    assert result.subscores["csva_mm"] == pytest.approx(20)


def test_lenke_sagittal_segments():
    pts = {}
    pts["t2_anterior"], pts["t2_posterior"] = _endplate((0, 500), 10)
    pts["t5_inferior_anterior"], pts["t5_inferior_posterior"] = _endplate((0, 400), -12)
    pts["t10_anterior"], pts["t10_posterior"] = _endplate((0, 250), 3)
    pts["l2_inferior_anterior"], pts["l2_inferior_posterior"] = _endplate((0, 150), 8)
    values = run(to_image(pts)).subscores
    assert values["t2_t5"] == pytest.approx(-22) and values["t10_l2"] == pytest.approx(5)


def test_inconsistent_identity_is_flagged(monkeypatch):
    monkeypatch.setattr(measure, "IDENTITY_TOLERANCE", -1.0)
    assert NEEDS_REVIEW in run(to_image(lateral())).flags


def test_consistent_identity_is_not_flagged():
    assert run(to_image(lateral())).flags == ()


@given(ss=st.floats(-10, 70), pt=st.floats(-20, 45), ll=st.floats(-20, 90), phi=st.floats(-15, 15),
       facing=st.sampled_from(["left", "right"]), row=st.floats(0.1, 0.3), col=st.floats(0.1, 0.3),
       ox=st.floats(-500, 3000), oy=st.floats(2000, 6000))
def test_angles_survive_rotation_translation_mirroring_and_spacing(ss, pt, ll, phi, facing, row, col, ox, oy):
    cal = calibration.Calibration(row, col, "calibrated")
    points = to_image(lateral(ss=ss, pt=pt, ll=ll), facing=facing, phi=phi, row=row, col=col,
                      origin=(ox, oy), vertical=True)
    values = run(points, cal).subscores
    for key, expected in {"ss": ss, "pt": pt, "pi": ss + pt, "ll": ll, "tk": 35, "sva_mm": 30}.items():
        assert values[key] == pytest.approx(expected, abs=1e-6), key
    assert values["pi"] == pytest.approx(values["pt"] + values["ss"], abs=1e-9)


# --- coronal ---------------------------------------------------------------------------------------

def coronal_line(prefix, centre, tilt, half=100.0):
    d = _dir(tilt, half)
    # image y is down: a tilt up-to-the-right has its right end at a smaller row
    return {f"{prefix}_1": (centre[0] - d[0], centre[1] + d[1]),
            f"{prefix}_2": (centre[0] + d[0], centre[1] - d[1])}


def test_curve_over_ninety_degrees_is_not_folded():
    """imaging.md §2.4: acos(|cos|) folds a 110° curve to 70°; the tilt difference does not."""
    points = coronal_line("mt_upper", (500, 1000), 55) | coronal_line("mt_lower", (500, 2000), -55)
    values = measure.measure(points, view="standing_pa").subscores
    assert values["mt_cobb"] == pytest.approx(110)
    assert values["mt_convex"] == "image_right"
    assert values["pt_cobb"] is None


def test_convex_side_is_named_for_the_patient():
    points = coronal_line("tll_upper", (500, 1000), -20) | coronal_line("tll_lower", (500, 2000), 15)
    values = measure.measure(points, view="standing_pa", column_direction="L").subscores
    assert values["tll_cobb"] == pytest.approx(35) and values["tll_convex"] == "patient_right"
    values = measure.measure(points, view="standing_pa", column_direction="R").subscores
    assert values["tll_convex"] == "patient_left"


def test_straight_curve_has_no_side():
    points = coronal_line("pt_upper", (500, 1000), 5) | coronal_line("pt_lower", (500, 2000), 5)
    values = measure.measure(points, view="bending_left", column_direction="L").subscores
    assert values["pt_convex"] == "straight"


def test_vertical_endplate_is_flagged():
    points = {"mt_upper_1": (10, 10), "mt_upper_2": (10, 50)} | coronal_line("mt_lower", (500, 2000), 0)
    assert NEEDS_REVIEW in measure.measure(points, view="standing_pa").flags


@given(tilt_a=st.floats(-80, 80), tilt_b=st.floats(-80, 80), phi=st.floats(-5, 5))
def test_cobb_is_rotation_invariant(tilt_a, tilt_b, phi):
    points = coronal_line("mt_upper", (500, 1000), tilt_a + phi)
    points |= coronal_line("mt_lower", (500, 2000), tilt_b + phi)
    cobb = measure.measure(points, view="standing_pa").subscores["mt_cobb"]
    assert cobb == pytest.approx(abs(tilt_a - tilt_b), abs=1e-6)


def test_lumbar_apex_positions_follow_the_marked_vertical():
    points = {"s1_centre": (1000, 3000), "apex_body_left": (900, 2000), "apex_pedicle_left": (950, 2000),
              "apex_pedicle_right": (1050, 2000), "apex_body_right": (1100, 2000)}
    values = measure.measure(points, view="standing_pa", calibration=MM).subscores
    assert values["csvl_x"] == pytest.approx(200) and values["pedicle_left_x"] == pytest.approx(190)
    tilted = points | {"vertical_top": (1100, 2000), "vertical_bottom": (1000, 3000)}
    values = measure.measure(tilted, view="standing_pa").subscores
    # the CSVL through S1 along the tilted vertical passes x = 1100 at the apex row
    assert values["csvl_x"] == pytest.approx(values["body_right_x"])


def test_lumbar_apex_out_of_order_is_refused():
    points = {"s1_centre": (1000, 3000), "apex_body_left": (900, 2000), "apex_pedicle_left": (1060, 2000),
              "apex_pedicle_right": (1050, 2000), "apex_body_right": (1100, 2000)}
    with pytest.raises(ScoreInputError, match="apex_pedicle_left"):
        measure.measure(points, view="standing_pa")


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"view": "oblique"}, "view"),
    ({"view": "standing_lateral", "tk_upper_level": "T3"}, "tk_upper_level"),
    ({"view": "standing_lateral", "column_direction": "L"}, "column_direction"),
    ({"view": "standing_pa", "column_direction": "A"}, "column_direction"),
])
def test_bad_options_name_the_field(kwargs, field):
    with pytest.raises(ScoreInputError, match=field):
        measure.measure({}, **kwargs)


def test_unknown_landmark_is_refused():
    with pytest.raises(ScoreInputError, match="unknown landmark"):
        measure.measure({"mt_upper_1": (1, 1)}, view="standing_lateral")


def test_skipped_step_names_the_missing_landmark():
    with pytest.raises(ScoreInputError, match="s1_posterior.*protocol step 's1'"):
        run({"s1_anterior": (1, 1)})


def test_landmark_outside_the_image_is_refused():
    with pytest.raises(ScoreInputError, match="l1_anterior.*outside the image"):
        run({"l1_anterior": (10, 5000), "l1_posterior": (5, 5)}, image_size=(100, 200))
    edge = run({"l1_anterior": (99.5, 0), "l1_posterior": (5, 5)}, image_size=(100, 200))
    assert edge.subscores["ll"] is None


@pytest.mark.parametrize(("points", "field"), [
    ({"femoral_head_2": (1, 1)}, "femoral_head_1"),
    ({"femoral_head_1": (1, 1)}, "s1_anterior"),
    ({"s1_anterior": (5, 1), "s1_posterior": (5, 9)}, "s1_anterior"),
    ({"femoral_head_1": (5, 5), "s1_anterior": (10, 5), "s1_posterior": (0, 5)}, "femoral_head_1"),
    ({"vertical_top": (5, 5), "vertical_bottom": (5, 5)}, "vertical_bottom"),
    ({"s1_anterior": ("a", 1), "s1_posterior": (0, 5)}, "s1_anterior"),
])
def test_impossible_geometry_names_the_field(points, field):
    with pytest.raises(ScoreInputError, match=field):
        run(points)


def test_protocol_lists_named_steps_per_view():
    first = protocol.landmark_names("standing_lateral")[:9]
    assert first == ("femoral_head_1", "femoral_head_1_outline_1", "femoral_head_1_outline_2",
                     "femoral_head_1_outline_3", "femoral_head_2", "femoral_head_2_outline_1",
                     "femoral_head_2_outline_2", "femoral_head_2_outline_3", "s1_anterior")
    assert "mt_upper_1" in protocol.landmark_names("bending_right")
    assert all(step.name_zh for step in protocol.steps_for("standing_pa"))


def test_as_inputs_drops_missing_values():
    assert measure.as_inputs({"a": 1, "b": None}) == {"a": 1}


# --- calibration (imaging.md §2.7) -------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"pixel_spacing": (0.14, 0.15), "imager_pixel_spacing": (0.2, 0.2)}, (0.14, 0.15, "calibrated")),
    ({"pixel_spacing": (0.2, 0.2), "imager_pixel_spacing": (0.2, 0.2), "magnification": 1.25},
     (0.16, 0.16, "magnification_corrected")),
    ({"imager_pixel_spacing": (0.2, 0.1)}, (0.2, 0.1, "detector_plane")),
    ({"imager_pixel_spacing": (0.2, 0.1), "magnification": 0}, (0.2, 0.1, "detector_plane")),
    ({"pixel_spacing": (0.1, 0.1)}, (0.1, 0.1, "unknown")),
    ({"pixel_spacing": (0, 0)}, (None, None, "none")),
    ({}, (None, None, "none")),
])
def test_spacing_policy_table(kwargs, expected):
    result = calibration.resolve(**kwargs)
    assert (result.row_mm, result.column_mm, result.label) == pytest.approx(expected) \
        if expected[0] else (result.row_mm, result.column_mm, result.label) == expected


def test_manual_marker_wins_and_is_isotropic():
    manual = calibration.from_marker((10, 10), (10, 510), 100)
    result = calibration.resolve(pixel_spacing=(0.3, 0.3), manual=manual)
    assert (result.row_mm, result.column_mm, result.label) == (0.2, 0.2, "manual") and result.has_mm


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"pixel_spacing": "0.2"}, "pixel_spacing"),
    ({"pixel_spacing": (0.2,)}, "pixel_spacing"),
    ({"imager_pixel_spacing": (0.2, float("nan"))}, "imager_pixel_spacing"),
    ({"imager_pixel_spacing": (0.2, True)}, "imager_pixel_spacing"),
    ({"imager_pixel_spacing": (0.2, 0.2), "magnification": "x"}, "magnification"),
])
def test_bad_spacing_names_the_attribute(kwargs, field):
    with pytest.raises(ScoreInputError, match=field):
        calibration.resolve(**kwargs)


@pytest.mark.parametrize(("args", "field"), [
    (((0, 0), (0, 100), 0), "calibration_mm"),
    (((0, 0), (0, 100), True), "calibration_mm"),
    (((0, 0), (0, 100), float("inf")), "calibration_mm"),
    (((0, 0), (0, 0.5), 10), "calibration_end"),
    (((0, 0), "x", 10), "calibration_end"),
])
def test_bad_marker_names_the_field(args, field):
    with pytest.raises(ScoreInputError, match=field):
        calibration.from_marker(*args)


def test_pelvis_alone_leaves_spinal_offsets_empty():
    pts = {k: v for k, v in lateral().items() if k.startswith(("s1_", "femoral_head_1"))}
    values = run(to_image(pts)).subscores
    assert values["pi"] == pytest.approx(55)
    assert values["tpa"] is None and values["gt"] is None and values["sva_mm"] is None


# --- femoral heads (imaging.md §1.2, §2.5) -----------------------------------------------------------

def _outline(centre, radius, angles=(10.0, 130.0, 250.0)):
    return [(centre[0] + radius * math.cos(math.radians(a)), centre[1] + radius * math.sin(math.radians(a)))
            for a in angles]


def test_a_head_from_three_outline_points_equals_its_centre_click():
    """§2.5: a head from 3 outline points is the circumcentre; PI/PT/SS are those of the centre click."""
    pts = lateral()
    for n, p in enumerate(_outline(pts.pop("femoral_head_1"), 24.0), start=1):
        pts[f"femoral_head_1_outline_{n}"] = p
    values = run(to_image(pts, facing="left", row=0.15, col=0.2),
                 calibration.Calibration(0.15, 0.2, "calibrated")).subscores
    for key, value in {"pt": 15, "pi": 55, "ss": 40, "tpa": 10}.items():
        assert values[key] == pytest.approx(value, abs=1e-6), key


def test_two_heads_not_superimposed_use_their_midpoint():
    """§2.5: HA = mean of the two head centres (the accepted convention when they are apart)."""
    pts = lateral(pt=20.0)
    ha = pts["femoral_head_1"]
    pts["femoral_head_1"] = (ha[0] - 6.0, ha[1] + 4.0)
    for n, p in enumerate(_outline((ha[0] + 6.0, ha[1] - 4.0), 22.0), start=1):
        pts[f"femoral_head_2_outline_{n}"] = p
    values = run(to_image(pts)).subscores
    assert values["pt"] == pytest.approx(20, abs=1e-6) and values["pi"] == pytest.approx(60, abs=1e-6)
    one_head = run(to_image(pts | {"femoral_head_1": ha}) | {}).subscores  # moved head alone would differ
    assert one_head["pt"] != pytest.approx(values["pt"], abs=1e-3)


@given(st.floats(-60, 60), st.floats(-60, 60), st.floats(5, 40), st.floats(0, 359))
def test_circumcentre_recovers_any_circle(cx, cy, radius, start):
    from spinescores.classification import _geometry as geo

    a, b, c = _outline((cx, cy), radius, (start, start + 100, start + 220))
    centre = geo.circumcentre("head", a, b, c)
    assert centre == pytest.approx((cx, cy), abs=1e-6)


def test_collinear_outline_points_and_both_forms_are_refused():
    pts = lateral()
    ha = pts.pop("femoral_head_1")
    line = {f"femoral_head_1_outline_{n}": (ha[0] + n, ha[1] + 2 * n) for n in (1, 2, 3)}
    with pytest.raises(ScoreInputError, match="femoral_head_1_outline_1.*collinear"):
        run(pts | line)
    circle = {f"femoral_head_1_outline_{n}": p for n, p in enumerate(_outline(ha, 20), start=1)}
    with pytest.raises(ScoreInputError, match="femoral_head_1_outline_1.*both ways"):
        run(pts | circle | {"femoral_head_1": ha})
    with pytest.raises(ScoreInputError, match="femoral_head_1_outline_3.*unfinished"):
        run(pts | {k: v for k, v in circle.items() if not k.endswith("_3")})


# --- orientation header (imaging.md §2.2, §2.4 step 3) ------------------------------------------------

def test_lateral_orientation_header_is_cross_checked_with_the_s1_corners():
    facing_right = to_image(lateral())
    assert measure.ORIENTATION_MISMATCH not in run(facing_right, column_direction="A").flags
    flipped = run(facing_right, column_direction="P")
    assert measure.ORIENTATION_MISMATCH in flipped.flags
    assert flipped.subscores["pi"] == pytest.approx(55)  # values stay; the reader is told to check
    facing_left = to_image(lateral(), facing="left")
    assert measure.ORIENTATION_MISMATCH not in run(facing_left, column_direction="P").flags
    assert measure.ORIENTATION_MISMATCH in run(facing_left, column_direction="A").flags
    assert run(facing_left).flags == ()  # no header: nothing to cross-check


def test_coronal_film_without_orientation_keeps_image_sides_and_says_so():
    points = coronal_line("mt_upper", (500, 1000), 20) | coronal_line("mt_lower", (500, 2000), -20)
    unknown = measure.measure(points, view="standing_pa")
    assert unknown.subscores["mt_convex"] in ("image_right", "image_left")
    assert measure.ORIENTATION_UNKNOWN in unknown.flags
    known = measure.measure(points, view="standing_pa", column_direction="L")
    assert known.subscores["mt_convex"].startswith("patient_") and known.flags == ()
    assert known.subscores["mt_cobb"] == unknown.subscores["mt_cobb"] == pytest.approx(40)


# --- apical vertebral translation (classifications.md §3.3, imaging.md §2.8) --------------------------

APEX = {"s1_centre": (1000, 3000), "apex_body_left": (1100, 2000), "apex_pedicle_left": (1150, 2000),
        "apex_pedicle_right": (1250, 2000), "apex_body_right": (1300, 2000)}


def test_apical_translation_is_the_apex_body_midpoint_to_the_csvl_in_mm():
    values = measure.measure(APEX, view="standing_pa", calibration=MM, column_direction="L").subscores
    assert values["apical_translation_mm"] == pytest.approx((1200 - 1000) * 0.2)  # 40 mm
    assert values["apical_translation_side"] == "patient_left"
    mirrored = {k: (2000 - x, y) for k, (x, y) in APEX.items()}
    mirrored = {"s1_centre": mirrored["s1_centre"], "apex_body_left": mirrored["apex_body_right"],
                "apex_pedicle_left": mirrored["apex_pedicle_right"],
                "apex_pedicle_right": mirrored["apex_pedicle_left"],
                "apex_body_right": mirrored["apex_body_left"]}
    values = measure.measure(mirrored, view="standing_pa", calibration=MM, column_direction="L").subscores
    assert values["apical_translation_mm"] == pytest.approx(-40)
    assert values["apical_translation_side"] == "patient_right"


def test_apical_translation_follows_the_marked_vertical_and_needs_calibration():
    # The content is tilted: the true vertical through S1 leans right by 100 px per 1000 rows, so the
    # CSVL passes x = 1100 at the apex row and the apex body midpoint (1200) is 100 px from it.
    tilted = APEX | {"vertical_top": (1100, 2000), "vertical_bottom": (1000, 3000)}
    values = measure.measure(tilted, view="standing_pa", calibration=MM, column_direction="L").subscores
    assert values["apical_translation_mm"] == pytest.approx(100 * 0.2 * math.cos(math.atan(0.1)))
    bare = measure.measure(APEX, view="standing_pa").subscores
    assert bare["apical_translation_mm"] is None and bare["apical_translation_side"] == "image_right"
