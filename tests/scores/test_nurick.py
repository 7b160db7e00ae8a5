"""Nurick grade: Nurick S. Brain 1972;95(1):87-100 (classifications.md §4.6, proms.md §12)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import nurick


@pytest.mark.parametrize(
    ("grade", "interpretation"),
    [
        (0, "root_signs_only"),
        (1, "cord_signs_walking_normal"),
        (2, "slight_walking_difficulty"),
        (3, "walking_prevents_full_time_work"),
        (4, "walks_only_with_help_or_frame"),
        (5, "chair_bound_or_bedridden"),
    ],
)
def test_nurick_grade_definitions_nurick1972(grade, interpretation):
    """Six grades 0-5 defined by gait and employment (Nurick 1972)."""
    result = nurick.score({"grade": grade})
    assert (result.value, result.category, result.interpretation) == (grade, str(grade), interpretation)


def test_nurick_is_a_clinician_score_reachable_by_score_and_classify():
    assert nurick.INSTRUMENT.kind == "clinician"
    assert registry.score("nurick", {"grade": 2}).value == 2
    assert nurick.classify({"grade": 2}).value == 2


@pytest.mark.parametrize(
    ("inputs", "item"),
    [({}, "grade"), ({"grade": 6}, "grade"), ({"grade": 2.5}, "grade"), ({"grade": -1}, "grade"),
     ({"grade": True}, "grade"),
     ({"grade": "3"}, "grade"), ({"grade": None}, "grade"), ({"grade": 2, "gait": 1}, "item")],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        nurick.score(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        nurick.score(3)
    with pytest.raises(ScoreInputError):
        nurick.score({"grade": 3}, side="left")


@given(st.integers(min_value=0, max_value=5))
def test_grade_in_range(grade):
    assert 0 <= nurick.score({"grade": grade}).value <= 5


@given(st.one_of(st.none(), st.integers().filter(lambda n: not 0 <= n <= 5), st.text(max_size=2),
                 st.floats().filter(lambda f: not (f.is_integer() and 0 <= f <= 5))))
def test_invalid_grade_always_raises(value):
    with pytest.raises(ScoreInputError):
        nurick.score({"grade": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in nurick.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*nurick.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = nurick.classify(data)
    except ScoreInputError:
        return
    assert result.code == nurick.INSTRUMENT.code


def test_whole_number_float_grade_is_read_as_its_integer():
    """Spreadsheets turn 2 into 2.0; the library reads it as grade 2 (base Item.validate)."""
    result = nurick.score({"grade": 2.0})
    assert result.value == 2 and isinstance(result.value, int)
