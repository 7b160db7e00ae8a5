"""SAVES v1: Rampersaud YR et al. Spine 2010;35(7):790-795 (classifications.md §8.5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import saves


@pytest.mark.parametrize(
    ("grade", "number", "meaning"),
    [
        ("I", 1, "minimal"),
        ("II", 2, "no_long_term_sequelae"),
        ("III", 3, "long_term_sequelae"),
        ("IV", 4, "death"),
    ],
)
def test_saves_v1_grades_i_to_iv_rampersaud2010(grade, number, meaning):
    """SAVES v1 grades I-IV, IV = death (Rampersaud 2010; tagged [C] in §8.5)."""
    result = saves.classify({"grade": grade})
    assert (result.value, result.category, result.interpretation, result.flags) == (
        number,
        grade,
        meaning,
        (),
    )


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "grade"),
        ({"grade": "V"}, "grade"),
        ({"grade": 1}, "grade"),
        ({"grade": None}, "grade"),
        ({"grade": "I", "los_days": 2}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        saves.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        saves.classify("I")
    with pytest.raises(ScoreInputError):
        saves.classify({"grade": "I"}, version=2)


@given(st.sampled_from(saves.GRADES))
def test_grade_in_range(grade):
    assert 1 <= saves.classify({"grade": grade}).value <= 4


@given(st.one_of(st.none(), st.integers(), st.text(max_size=4).filter(lambda s: s not in saves.GRADES)))
def test_invalid_grade_always_raises(value):
    with pytest.raises(ScoreInputError):
        saves.classify({"grade": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in saves.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*saves.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = saves.classify(data)
    except ScoreInputError:
        return
    assert result.code == saves.INSTRUMENT.code
