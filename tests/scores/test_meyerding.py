"""Meyerding grade: Meyerding HW. Surg Gynecol Obstet 1932;54:371-377 (classifications.md §4.3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import meyerding


@pytest.mark.parametrize(
    ("slip", "grade"),
    [
        (0.001, "I"),
        (25, "I"),
        (25.001, "II"),
        (50, "II"),
        (50.001, "III"),
        (75, "III"),
        (75.001, "IV"),
        (100, "IV"),
        (100.001, "V"),
        (180, "V"),
    ],
)
def test_meyerding_slip_bands_upper_limit_inclusive_meyerding1932(slip, grade):
    """Source bands 0-25/26-50/51-75/76-100/>100 %, with the reference's real-number convention
    0 < slip ≤ 25 → I, 25 < slip ≤ 50 → II, … , slip > 100 → V (classifications.md §4.3)."""
    result = meyerding.classify({"slip_percent": slip})
    assert result.category == grade
    assert result.value == slip


def test_meyerding_slip_zero_is_no_listhesis_meyerding1932():
    """Slip = 0 → no listhesis (classifications.md §4.3)."""
    result = meyerding.classify({"slip_percent": 0})
    assert (result.category, result.interpretation) == ("no_listhesis", "no_listhesis")


@pytest.mark.parametrize(("grade", "band"), [("I", "low_grade"), ("II", "low_grade"), ("III", "high_grade"),
                                             ("IV", "high_grade"), ("V", "high_grade")])
def test_meyerding_low_grade_is_1_2_and_high_grade_is_3_5_meyerding1932(grade, band):
    """Low grade = I-II, high grade = III-V (classifications.md §4.3)."""
    result = meyerding.classify({"grade": grade})
    assert (result.category, result.interpretation, result.value) == (grade, band, None)


def test_meyerding_slip_from_measurements_meyerding1932():
    """Slip % = 100 × displacement / lower endplate AP length (classifications.md §4.3)."""
    result = meyerding.classify({"displacement_mm": 10, "endplate_length_mm": 40})
    assert result.value == 25.0 and result.category == "I"
    assert meyerding.classify({"displacement_mm": 10.4, "endplate_length_mm": 40}).category == "II"


def test_retrolisthesis_is_graded_the_same_way_with_a_direction():
    result = meyerding.classify({"slip_percent": 10, "direction": "retrolisthesis"})
    assert result.category == "I" and result.details["direction"] == "retrolisthesis"
    assert meyerding.classify({"slip_percent": 10}).details["direction"] is None


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "inputs"),
        ({"grade": "II", "slip_percent": 30}, "inputs"),
        ({"displacement_mm": 5}, "inputs"),
        ({"direction": "retrolisthesis"}, "inputs"),
        ({"slip_percent": -1}, "slip_percent"),
        ({"slip_percent": True}, "slip_percent"),
        ({"slip_percent": None}, "slip_percent"),
        ({"slip_percent": "30"}, "slip_percent"),
        ({"slip_percent": float("nan")}, "slip_percent"),
        ({"grade": "VI"}, "grade"),
        ({"displacement_mm": 5, "endplate_length_mm": 0}, "endplate_length_mm"),
        ({"displacement_mm": 1e308, "endplate_length_mm": 1e-300}, "endplate_length_mm"),
        ({"slip_percent": 5, "direction": "lateral"}, "direction"),
        ({"slip": 5}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        meyerding.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        meyerding.classify(30)
    with pytest.raises(ScoreInputError):
        meyerding.classify({"grade": "I"}, convention="lower")


@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_any_slip_gives_a_grade(slip):
    result = meyerding.classify({"slip_percent": slip})
    assert result.category in ("no_listhesis", *meyerding.GRADES)


@given(st.floats(min_value=0, max_value=500), st.floats(min_value=0, max_value=500))
def test_grade_never_falls_as_slip_rises(a, b):
    low, high = sorted((a, b))
    order = ("no_listhesis", *meyerding.GRADES)
    assert order.index(meyerding.classify({"slip_percent": low}).category) <= order.index(
        meyerding.classify({"slip_percent": high}).category)


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(max_value=-0.0001)))
def test_invalid_slip_always_raises(value):
    with pytest.raises(ScoreInputError):
        meyerding.classify({"slip_percent": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in meyerding.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*meyerding.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = meyerding.classify(data)
    except ScoreInputError:
        return
    assert result.code == meyerding.INSTRUMENT.code
