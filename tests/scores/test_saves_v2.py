"""SAVES-V2: Rampersaud YR et al. J Neurosurg Spine 2016;25(2):256-263 (classifications.md §8.5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import UNVALIDATED
from spinescores.classification import saves_v2


@pytest.mark.parametrize(("grade", "meaning"), [(1, "no_treatment_no_adverse_effect"), (6, "death")])
def test_saves_v2_grade_1_and_6_are_confirmed_rampersaud2016(grade, meaning):
    """Grade 1 = no treatment/no adverse effect, 6 = death (§8.5)."""
    result = saves_v2.classify({"grade": grade})
    assert (result.value, result.category, result.interpretation, result.flags) == (
        grade,
        str(grade),
        meaning,
        (),
    )


@pytest.mark.parametrize("grade", [2, 3, 4, 5])
def test_saves_v2_grades_2_to_5_are_stored_and_flagged_unvalidated_rampersaud2016(grade):
    """Wording of grades 2-5 not retrieved (⚠): store the clinician's grade, flag unvalidated (§8.5, §9)."""
    result = saves_v2.classify({"grade": grade, "timing": "postoperative"})
    assert (result.value, result.interpretation, result.flags) == (grade, None, (UNVALIDATED,))
    assert result.details["timing"] == "postoperative"


def test_saves_v2_timing_is_optional():
    assert saves_v2.classify({"grade": 1}).details["timing"] is None


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "grade"),
        ({"grade": 0}, "grade"),
        ({"grade": 7}, "grade"),
        ({"grade": 3.5}, "grade"),
        ({"grade": "3"}, "grade"),
        ({"grade": True}, "grade"),
        ({"grade": None}, "grade"),
        ({"grade": 3, "timing": "preoperative"}, "timing"),
        ({"grade": 3, "type": "dural tear"}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        saves_v2.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        saves_v2.classify(3)
    with pytest.raises(ScoreInputError):
        saves_v2.classify({"grade": 3}, derive=True)


@given(st.integers(1, 6), st.sampled_from(["intraoperative", "postoperative"]))
def test_grade_in_range_and_unconfirmed_grades_flagged(grade, timing):
    result = saves_v2.classify({"grade": grade, "timing": timing})
    assert 1 <= result.value <= 6
    assert (UNVALIDATED in result.flags) is (2 <= grade <= 5)


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers().filter(lambda n: not 1 <= n <= 6),
        st.floats().filter(lambda f: not (f.is_integer() and 1 <= f <= 6)),  # 2.0 reads as grade 2
        st.text(max_size=2),
    )
)
def test_invalid_grade_always_raises(value):
    with pytest.raises(ScoreInputError):
        saves_v2.classify({"grade": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in saves_v2.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*saves_v2.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = saves_v2.classify(data)
    except ScoreInputError:
        return
    assert result.code == saves_v2.INSTRUMENT.code
