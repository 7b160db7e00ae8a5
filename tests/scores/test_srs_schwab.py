"""SRS-Schwab classification (Schwab F, et al. Spine 2012;37(12):1077-1082; classifications.md §3.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import UNVALIDATED
from spinescores.classification import srs_schwab

BASE = {"thoracic_cobb": 10, "tll_cobb": 10, "pi_ll": 0, "sva_mm": 0, "pt": 10}


def classify(**overrides):
    return srs_schwab.classify({**BASE, **overrides})


@pytest.mark.parametrize(("thoracic", "tll", "curve_type"), [
    (31, 10, "T"), (10, 31, "L"), (31, 31, "D"), (29.9, 29.9, "N"), (30.1, 29, "T"), (29, 30.1, "L"),
])
def test_schwab_curve_type_needs_over_30_degrees_schwab2012(thoracic, tll, curve_type):
    """Major coronal curve = over 30°: T, L, D or N (Schwab 2012)."""
    result = classify(thoracic_cobb=thoracic, tll_cobb=tll)
    assert result.subscores["curve_type"] == curve_type and result.flags == ()


def test_schwab_exactly_30_degrees_is_not_major_and_unvalidated_section_3_4_convention():
    """30° is unassigned by the source; convention: not major, flagged unvalidated (§3.4, §9)."""
    result = classify(thoracic_cobb=30, tll_cobb=45)
    assert result.subscores["curve_type"] == "L" and result.flags == (UNVALIDATED,)
    assert classify(tll_cobb=30).subscores["curve_type"] == "N"


@pytest.mark.parametrize(("value", "grade"), [(-5, "0"), (9.9, "0"), (10, "+"), (20, "+"), (20.1, "++")])
def test_schwab_pi_ll_modifier_bands_schwab2012(value, grade):
    """PI-LL: < 10° 0, 10-20° +, > 20° ++ (Schwab 2012)."""
    assert classify(pi_ll=value).subscores["pi_ll"] == grade


@pytest.mark.parametrize(("value", "grade"), [(-30, "0"), (39.9, "0"), (40, "+"), (95, "+"), (95.1, "++")])
def test_schwab_sva_modifier_bands_schwab2012(value, grade):
    """SVA: < 4 cm 0, 4-9.5 cm +, > 9.5 cm ++ (Schwab 2012), entered in mm."""
    assert classify(sva_mm=value).subscores["sva"] == grade


@pytest.mark.parametrize(("value", "grade"), [(19.9, "0"), (20, "+"), (30, "+"), (30.1, "++")])
def test_schwab_pt_modifier_bands_schwab2012(value, grade):
    """PT: < 20° 0, 20-30° +, > 30° ++ (Schwab 2012)."""
    assert classify(pt=value).subscores["pt"] == grade


def test_schwab_output_string_section_3_4():
    """Output e.g. 'L, PI-LL ++, SVA +, PT +' (§3.4)."""
    result = classify(tll_cobb=45, pi_ll=25, sva_mm=50, pt=22)
    assert result.category == "L, PI-LL ++, SVA +, PT +"
    assert result.interpretation == "L"


@pytest.mark.parametrize(("item_id", "value"), [("thoracic_cobb", -1), ("tll_cobb", 181), ("pi_ll", None),
                                                 ("sva_mm", "40"), ("pt", True), ("pt", 91),
                                                 ("sva_mm", float("inf"))])
def test_schwab_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        classify(**{item_id: value})
    assert error.value.item == item_id


def test_schwab_rejects_missing_unknown_and_options():
    inputs = dict(BASE)
    del inputs["pt"]
    with pytest.raises(ScoreInputError, match="pt"):
        srs_schwab.classify(inputs)
    with pytest.raises(ScoreInputError, match="apex"):
        classify(apex="T9")
    with pytest.raises(ScoreInputError, match="option"):
        srs_schwab.classify(BASE, units="cm")


@given(st.floats(0, 180), st.floats(0, 180), st.floats(-180, 180), st.floats(-1000, 1000), st.floats(-90, 90))
def test_schwab_always_gives_a_known_class(thoracic, tll, pi_ll, sva, pt):
    result = srs_schwab.classify({"thoracic_cobb": thoracic, "tll_cobb": tll, "pi_ll": pi_ll, "sva_mm": sva,
                                  "pt": pt})
    assert result.subscores["curve_type"] in {"T", "L", "D", "N"}
    assert {result.subscores[key] for key in ("pi_ll", "sva", "pt")} <= {"0", "+", "++"}
    assert (UNVALIDATED in result.flags) == (30 in (thoracic, tll))


@given(st.one_of(st.none(), st.booleans(), st.text(), st.floats(min_value=180.0001)))
def test_schwab_invalid_cobb_always_raises(bad):
    with pytest.raises(ScoreInputError):
        classify(thoracic_cobb=bad)
