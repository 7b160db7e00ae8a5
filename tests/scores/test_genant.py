"""Genant grade: Genant HK et al. J Bone Miner Res 1993;8(9):1137-1148 (classifications.md §5.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import genant


def reduction(x, **extra):
    return {"anterior_height_reduction_percent": x, **extra}


@pytest.mark.parametrize(
    ("x", "grade", "flagged"),
    [
        (18.9, 0, False),
        (19.5, 0, True),
        (20, 1, True),
        (21.01, 1, False),
        (23.9, 1, False),
        (24.99, 1, True),
        (25, 2, True),
        (26.01, 2, False),
        (38.9, 2, False),
        (40, 2, True),
        (40.01, 3, True),
        (41.01, 3, False),
        (100, 3, False),
    ],
)
def test_genant_height_bands_20_25_40_convention_genant1993(x, grade, flagged):
    """< 20 → 0; 20 ≤ x < 25 → 1; 25 ≤ x ≤ 40 → 2; x > 40 → 3; ±1 % of an edge flagged
    (Genant 1993 bands with the convention of classifications.md §5.2)."""
    result = genant.classify(reduction(x, suspected_deformity=False))
    assert result.value == grade
    assert (NEEDS_REVIEW in result.flags) is flagged


def test_genant_below_20_with_suspected_deformity_is_borderline_genant1993():
    """Suspected deformity not reaching 20 % → 0.5 borderline (Genant 1993)."""
    result = genant.classify(reduction(10, suspected_deformity=True))
    assert (result.value, result.category, result.interpretation) == (0.5, "0.5", "borderline")


def test_genant_largest_of_anterior_middle_posterior_is_graded_genant1993():
    """Height reduction of any of anterior/middle/posterior counts (Genant 1993)."""
    result = genant.classify({"anterior_height_reduction_percent": 5, "middle_height_reduction_percent": 33,
                              "posterior_height_reduction_percent": 0})
    assert result.value == 2 and result.details["height_reduction_percent"] == 33


@pytest.mark.parametrize(("grade", "meaning"), [(0, "normal"), (0.5, "borderline"), (1, "mild"),
                                                (2, "moderate"), (3, "severe")])
def test_genant_reader_grade_is_stored_genant1993(grade, meaning):
    result = genant.classify({"grade": grade})
    assert (result.value, result.interpretation, result.flags) == (grade, meaning, ())


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "inputs"),
        ({"grade": 1, "anterior_height_reduction_percent": 22}, "inputs"),
        ({"suspected_deformity": True}, "inputs"),
        (reduction(10), "suspected_deformity"),
        (reduction(-1), "anterior_height_reduction_percent"),
        (reduction(101), "anterior_height_reduction_percent"),
        (reduction(True), "anterior_height_reduction_percent"),
        (reduction(None), "anterior_height_reduction_percent"),
        ({"grade": 4}, "grade"),
        ({"grade": True}, "grade"),
        ({"grade": "2"}, "grade"),
        (reduction(10, suspected_deformity=1), "suspected_deformity"),
        (reduction(30, area_reduction_percent=30), "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        genant.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        genant.classify(30)
    with pytest.raises(ScoreInputError):
        genant.classify({"grade": 1}, method="qm")


percent = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(percent, st.booleans())
def test_grade_in_range_for_any_reduction(x, suspected):
    assert genant.classify(reduction(x, suspected_deformity=suspected)).value in (0, 0.5, 1, 2, 3)


@given(percent, percent)
def test_grade_never_falls_as_reduction_rises(a, b):
    low, high = sorted((a, b))
    assert genant.classify(reduction(low, suspected_deformity=True)).value <= genant.classify(
        reduction(high, suspected_deformity=True)).value


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(min_value=100.001),
                 st.floats(max_value=-0.001)))
def test_invalid_reduction_always_raises(value):
    with pytest.raises(ScoreInputError):
        genant.classify(reduction(value, suspected_deformity=False))


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in genant.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*genant.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = genant.classify(data)
    except ScoreInputError:
        return
    assert result.code == genant.INSTRUMENT.code
