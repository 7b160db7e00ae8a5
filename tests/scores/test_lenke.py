"""Lenke classification (Lenke LG, et al. J Bone Joint Surg Am 2001;83(8):1169-1181; §3.3)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import lenke

# Type 1 baseline: MT major, PT and TL/L flexible and not kyphotic.
BASE = {"pt_cobb": 20, "mt_cobb": 50, "tll_cobb": 30, "pt_bending": 10, "mt_bending": 30, "tll_bending": 10,
        "t2_t5": 5, "t10_l2": 0, "t5_t12": 25, "lumbar_modifier": "A"}
GEOMETRY = {"body_left_x": 100, "pedicle_left_x": 110, "pedicle_right_x": 130, "body_right_x": 140}


def classify(**overrides):
    return lenke.classify({**BASE, **overrides})


def test_lenke_type_1_main_thoracic_lenke2001():
    """MT major, PT and TL/L non-structural -> type 1 (Lenke 2001)."""
    result = classify()
    assert result.category == "1AN" and result.flags == ()
    assert result.subscores["major_curve"] == "mt"


def test_lenke_type_2_double_thoracic_lenke2001():
    """PT structural, MT major -> type 2."""
    assert classify(pt_bending=25).subscores["curve_type"] == "2"


def test_lenke_type_3_double_major_lenke2001():
    """TL/L structural, MT major -> type 3."""
    assert classify(tll_bending=25, lumbar_modifier="C").category == "3CN"


def test_lenke_type_4_triple_major_with_mt_or_tll_major_lenke2001():
    """PT, MT and TL/L structural -> type 4, whichever of MT or TL/L is major."""
    assert classify(pt_bending=30, tll_bending=30).subscores["curve_type"] == "4"
    tll_major = classify(pt_bending=30, mt_bending=30, mt_cobb=40, tll_cobb=50, lumbar_modifier="C")
    assert tll_major.subscores["curve_type"] == "4" and tll_major.subscores["major_curve"] == "tll"


def test_lenke_type_5_tll_only_lenke2001():
    """TL/L major, PT and MT non-structural -> type 5 (C modifier)."""
    result = classify(mt_cobb=30, tll_cobb=50, mt_bending=10, lumbar_modifier="C")
    assert result.category == "5CN"


def test_lenke_type_6_tll_major_with_structural_mt_lenke2001():
    """TL/L major, MT structural -> type 6."""
    assert classify(mt_cobb=45, tll_cobb=50, mt_bending=30, lumbar_modifier="C").category == "6CN"


def test_lenke_pt_structural_mt_not_tll_major_is_unclassifiable_section_3_3():
    """The combination is not in the Lenke table -> no type, needs_review (§3.3)."""
    result = classify(mt_cobb=30, tll_cobb=50, mt_bending=10, pt_bending=30, lumbar_modifier="C")
    assert result.category is None and result.subscores["curve_type"] is None
    assert result.flags == (NEEDS_REVIEW,)


@pytest.mark.parametrize(("bending", "structural"), [(24.9, False), (25, True)])
@pytest.mark.parametrize("curve", ["pt", "tll"])
def test_lenke_minor_curve_is_structural_from_25_degrees_bending_lenke2001(bending, structural, curve):
    """Bending Cobb >= 25° makes a minor curve structural (Lenke 2001)."""
    assert classify(**{f"{curve}_bending": bending}).subscores[f"{curve}_structural"] is structural


def test_lenke_minor_mt_is_structural_from_25_degrees_bending_lenke2001():
    """Same rule for MT when TL/L is major."""
    tll_major = {"mt_cobb": 30, "tll_cobb": 50, "lumbar_modifier": "C"}
    assert classify(mt_bending=24.9, **tll_major).subscores["mt_structural"] is False
    assert classify(mt_bending=25, **tll_major).subscores["mt_structural"] is True


@pytest.mark.parametrize(("kyphosis", "structural"), [(19.9, False), (20, True)])
def test_lenke_pt_is_structural_from_t2_t5_kyphosis_20_lenke2001(kyphosis, structural):
    """T2-T5 kyphosis >= +20° makes PT structural (Lenke 2001)."""
    assert classify(t2_t5=kyphosis).subscores["pt_structural"] is structural


@pytest.mark.parametrize(("kyphosis", "structural"), [(19.9, False), (20, True)])
def test_lenke_tll_and_mt_are_structural_from_t10_l2_kyphosis_20_lenke2001(kyphosis, structural):
    """T10-L2 kyphosis >= +20° makes the TL/L (or MT) minor curve structural (Lenke 2001)."""
    assert classify(t10_l2=kyphosis).subscores["tll_structural"] is structural
    tll_major = classify(t10_l2=kyphosis, mt_cobb=30, tll_cobb=50, mt_bending=10, lumbar_modifier="C")
    assert tll_major.subscores["mt_structural"] is structural


@pytest.mark.parametrize(("t5_t12", "modifier"), [(-5, "-"), (9.9, "-"), (10, "N"), (40, "N"), (40.1, "+")])
def test_lenke_sagittal_modifier_bands_lenke2001(t5_t12, modifier):
    """T5-T12: < +10° '-', +10° to +40° 'N', > +40° '+' (Lenke 2001)."""
    assert classify(t5_t12=t5_t12).subscores["sagittal_modifier"] == modifier


@pytest.mark.parametrize(("csvl", "modifier"), [
    (120, "A"), (110.1, "A"), (110, "B"), (100, "B"), (130, "B"), (140, "B"), (99.9, "C"), (140.1, "C"),
])
def test_lenke_lumbar_modifier_from_geometry_section_3_3_convention(csvl, modifier):
    """pL < CSVL < pR -> A; bL <= CSVL <= pL or pR <= CSVL <= bR -> B; else C (§3.3 convention)."""
    inputs = {**BASE, **GEOMETRY, "csvl_x": csvl}
    del inputs["lumbar_modifier"]
    assert lenke.classify(inputs).subscores["lumbar_modifier"] == modifier


def test_lenke_type_5_with_modifier_a_or_b_is_rejected_as_unclassified_section_3_3():
    """Type 5 curves can only carry modifier C (confirmed in §3.3)."""
    result = classify(mt_cobb=30, tll_cobb=50, mt_bending=10, lumbar_modifier="B")
    assert result.category is None and result.flags == (NEEDS_REVIEW,)


def test_lenke_type_6_with_modifier_a_is_flagged_not_rejected_section_3_3():
    """The type 6 restriction to C is ⚠ unconfirmed (§9): 6A is kept but flagged."""
    result = classify(mt_cobb=45, tll_cobb=50, mt_bending=30, lumbar_modifier="A")
    assert result.category == "6AN" and result.flags == (NEEDS_REVIEW,)


def test_lenke_mt_equal_tll_tie_needs_review_section_9():
    """Exact MT = TL/L ties are not resolved in the source (§3.3, §9)."""
    result = classify(mt_cobb=40, tll_cobb=40)
    assert result.category is None and result.subscores["major_curve"] is None
    assert result.flags == (NEEDS_REVIEW,)


def test_lenke_pt_largest_with_mt_above_tll_is_classified_section_3_3():
    """Both readings of step 1 give MT major when MT > TL/L, so no guess is needed."""
    assert classify(pt_cobb=60, pt_bending=40).category == "2AN"


def test_lenke_pt_largest_with_tll_above_mt_needs_review_section_9():
    """'PT largest -> MT major' is from a secondary source only (§9) and disagrees with step 1 here."""
    result = classify(pt_cobb=60, mt_cobb=30, tll_cobb=40)
    assert result.category is None and result.flags == (NEEDS_REVIEW,)


def test_lenke_missing_bending_is_listed_unless_kyphosis_decides():
    inputs = dict(BASE)
    del inputs["tll_bending"]
    result = lenke.classify(inputs)
    assert result.category is None and result.missing_items == ("tll_bending",)
    assert result.flags == (NEEDS_REVIEW,)
    assert lenke.classify({**inputs, "t10_l2": 25}).subscores["tll_structural"] is True


def test_lenke_missing_sagittal_and_lumbar_inputs_are_listed():
    inputs = {key: value for key, value in BASE.items() if key not in ("t5_t12", "lumbar_modifier")}
    result = lenke.classify({**inputs, "csvl_x": 120})
    assert result.subscores["curve_type"] == "1" and result.category is None
    assert set(result.missing_items) == {"t5_t12", "lumbar_modifier", "body_left_x", "pedicle_left_x",
                                         "pedicle_right_x", "body_right_x"}


def test_lenke_rejects_modifier_and_geometry_together():
    with pytest.raises(ScoreInputError, match="csvl_x"):
        classify(csvl_x=120)


def test_lenke_rejects_disordered_geometry():
    inputs = {**BASE, **GEOMETRY, "csvl_x": 120, "pedicle_left_x": 135}
    del inputs["lumbar_modifier"]
    with pytest.raises(ScoreInputError, match="pedicle_left_x"):
        lenke.classify(inputs)


@pytest.mark.parametrize(("item_id", "value"), [("pt_cobb", -1), ("mt_cobb", 181), ("tll_cobb", None),
                                                 ("pt_bending", -181), ("t5_t12", True), ("t2_t5", "20"),
                                                 ("lumbar_modifier", "D"), ("csvl_x", float("nan"))])
def test_lenke_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        classify(**{item_id: value})
    assert error.value.item == item_id


def test_lenke_rejects_missing_unknown_and_options():
    inputs = dict(BASE)
    del inputs["mt_cobb"]
    with pytest.raises(ScoreInputError, match="mt_cobb"):
        lenke.classify(inputs)
    with pytest.raises(ScoreInputError, match="apex"):
        classify(apex="T8")
    with pytest.raises(ScoreInputError, match="option"):
        lenke.classify(BASE, tie="mt")


angle = st.floats(0, 120)
signed = st.floats(-60, 90)


@given(angle, angle, angle, signed, signed, signed, signed, signed, signed, st.sampled_from("ABC"))
def test_lenke_output_is_a_valid_class_or_flagged(pt, mt, tll, ptb, mtb, tllb, t2, t10, t5, modifier):
    result = lenke.classify({"pt_cobb": pt, "mt_cobb": mt, "tll_cobb": tll, "pt_bending": ptb,
                             "mt_bending": mtb, "tll_bending": tllb, "t2_t5": t2, "t10_l2": t10, "t5_t12": t5,
                             "lumbar_modifier": modifier})
    if result.category is None:
        assert NEEDS_REVIEW in result.flags
    else:
        assert re.fullmatch(r"[1-6][ABC][-N+]", result.category)
        assert not result.category.startswith(("5A", "5B"))


@given(st.one_of(st.floats(max_value=-0.001), st.floats(min_value=180.001), st.booleans(), st.none(),
                 st.text()))
def test_lenke_invalid_standing_cobb_always_raises(bad):
    with pytest.raises(ScoreInputError):
        classify(mt_cobb=bad)
