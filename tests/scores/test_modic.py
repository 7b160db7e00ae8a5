"""Modic endplate types: Modic MT et al. Radiology 1988;166:193-199 (classifications.md §4.2)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import modic

SIGNALS = ("low", "normal", "high")


@pytest.mark.parametrize(
    ("t1", "t2", "category", "interpretation"),
    [
        ("normal", "normal", "0", "none"),
        ("low", "high", "1", "oedema_fibrovascular"),
        ("high", "normal", "2", "fatty_replacement"),
        ("high", "high", "2", "fatty_replacement"),
        ("low", "low", "3", "sclerosis"),
    ],
)
def test_modic_signal_table_modic1988(t1, t2, category, interpretation):
    """T1/T2 signal → type table (Modic 1988)."""
    result = modic.classify({"t1": t1, "t2": t2})
    assert (result.category, result.interpretation, result.value) == (category, interpretation, int(category))
    assert result.flags == ()


@pytest.mark.parametrize(
    ("t1", "t2"), [("low", "normal"), ("normal", "low"), ("normal", "high"), ("high", "low")]
)
def test_other_signal_combinations_need_review_modic1988(t1, t2):
    """Combinations outside the table are not a Modic type → needs_review (classifications.md §4.2)."""
    result = modic.classify({"t1": t1, "t2": t2})
    assert result.category is None and result.value is None
    assert result.flags == (NEEDS_REVIEW,)


def test_mixed_type_1_2_is_reported_with_a_slash_modic1988():
    """Mixed types are recorded as e.g. 1/2 (classifications.md §4.2)."""
    result = modic.classify({"t1": "high", "t2": "high", "t1_secondary": "low", "t2_secondary": "high"})
    assert (result.category, result.interpretation, result.value) == ("1/2", "mixed", None)
    assert dict(result.subscores) == {"primary": 2, "secondary": 1}


def test_mixed_with_a_normal_region_is_the_abnormal_type():
    result = modic.classify({"t1": "normal", "t2": "normal", "t1_secondary": "low", "t2_secondary": "low"})
    assert result.category == "3"


def test_same_type_in_both_regions_is_that_type():
    result = modic.classify({"t1": "low", "t2": "high", "t1_secondary": "low", "t2_secondary": "high"})
    assert result.category == "1"


def test_unclassifiable_second_region_needs_review():
    result = modic.classify({"t1": "low", "t2": "high", "t1_secondary": "normal", "t2_secondary": "high"})
    assert result.flags == (NEEDS_REVIEW,) and result.category is None


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({"t2": "low"}, "t1"),
        ({"t1": "low"}, "t2"),
        ({"t1": "low", "t2": "low", "t1_secondary": "low"}, "t2_secondary"),
        ({"t1": "low", "t2": "low", "t2_secondary": "low"}, "t1_secondary"),
        ({"t1": "dark", "t2": "low"}, "t1"),
        ({"t1": None, "t2": "low"}, "t1"),
        ({"t1": True, "t2": "low"}, "t1"),
        ({"t1": "low", "t2": "low", "type": 1}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        modic.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        modic.classify("1")
    with pytest.raises(ScoreInputError):
        modic.classify({"t1": "low", "t2": "low"}, mixed=True)


@given(st.sampled_from(list(itertools.product(SIGNALS, repeat=4))))
def test_any_signal_pair_gives_a_type_or_needs_review(signals):
    t1, t2, t1b, t2b = signals
    result = modic.classify({"t1": t1, "t2": t2, "t1_secondary": t1b, "t2_secondary": t2b})
    if result.category is None:
        assert result.flags == (NEEDS_REVIEW,)
    else:
        assert set(result.category.split("/")) <= {"0", "1", "2", "3"}


@given(st.one_of(st.none(), st.integers(), st.text(max_size=4).filter(lambda s: s not in SIGNALS)))
def test_invalid_signal_always_raises(value):
    with pytest.raises(ScoreInputError):
        modic.classify({"t1": value, "t2": "low"})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in modic.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*modic.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = modic.classify(data)
    except ScoreInputError:
        return
    assert result.code == modic.INSTRUMENT.code
