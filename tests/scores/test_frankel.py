"""Frankel grade: Frankel HL et al. Paraplegia 1969;7(3):179-192 (classifications.md §7.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import frankel


@pytest.mark.parametrize(
    ("grade", "meaning"),
    [
        ("A", "complete"),
        ("B", "sensory_only"),
        ("C", "motor_useless"),
        ("D", "motor_useful"),
        ("E", "recovery"),
    ],
)
def test_frankel_grade_definitions_frankel1969(grade, meaning):
    """A complete … E recovery (Frankel 1969)."""
    result = frankel.classify({"grade": grade})
    assert (result.category, result.interpretation, result.flags) == (grade, meaning, ())


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "grade"),
        ({"grade": "F"}, "grade"),
        ({"grade": "a"}, "grade"),
        ({"grade": 1}, "grade"),
        ({"grade": "A", "ais": "A"}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        frankel.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        frankel.classify("A")
    with pytest.raises(ScoreInputError):
        frankel.classify({"grade": "A"}, to_ais=True)


@given(st.one_of(st.none(), st.integers(), st.text(max_size=2).filter(lambda s: s not in "ABCDE" or not s)))
def test_invalid_grade_always_raises(value):
    with pytest.raises(ScoreInputError):
        frankel.classify({"grade": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in frankel.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*frankel.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = frankel.classify(data)
    except ScoreInputError:
        return
    assert result.code == frankel.INSTRUMENT.code
