"""Clavien-Dindo: Dindo D et al. Ann Surg 2004;240(2):205-213 (classifications.md §8.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import clavien_dindo


@pytest.mark.parametrize("grade", clavien_dindo.GRADES)
def test_clavien_dindo_grades_i_to_v_dindo2004(grade):
    """Grades I, II, IIIa, IIIb, IVa, IVb, V (Dindo 2004)."""
    result = clavien_dindo.classify({"grade": grade, "present_at_discharge": False})
    assert (result.category, result.interpretation, result.missing_items) == (grade, f"grade_{grade}", ())
    assert result.details["suffix_d"] is False


def test_clavien_dindo_suffix_d_for_complication_present_at_discharge_dindo2004():
    """Suffix "d": complication still present at discharge (Dindo 2004)."""
    result = clavien_dindo.classify({"grade": "IIIa", "present_at_discharge": True})
    assert result.interpretation == "grade_IIIa_d" and result.details["suffix_d"] is True


def test_clavien_dindo_unknown_discharge_status_is_listed_as_missing():
    result = clavien_dindo.classify({"grade": "II"})
    assert result.missing_items == ("present_at_discharge",) and result.details["suffix_d"] is None


@pytest.mark.parametrize(
    ("grades", "highest"),
    [
        (["I"], "I"),
        (["II", "I"], "II"),
        (["IIIa", "IIIb"], "IIIb"),
        (["IVb", "IVa", "V"], "V"),
        (("I", "IVa"), "IVa"),
    ],
)
def test_clavien_dindo_patient_summary_is_the_highest_grade_dindo2004(grades, highest):
    """Per-patient summary = highest grade among complications (classifications.md §8.4)."""
    assert clavien_dindo.highest_grade(grades) == highest


@pytest.mark.parametrize("grades", [[], ["I", "IIIc"], "IIIb", None, 3, ["I", None]])
def test_clavien_dindo_bad_grade_lists_are_rejected(grades):
    with pytest.raises(ScoreInputError):
        clavien_dindo.highest_grade(grades)


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "grade"),
        ({"grade": "III"}, "grade"),
        ({"grade": "iiia"}, "grade"),
        ({"grade": 2}, "grade"),
        ({"grade": None}, "grade"),
        ({"grade": "II", "present_at_discharge": "d"}, "present_at_discharge"),
        ({"grade": "II", "organ": "kidney"}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        clavien_dindo.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        clavien_dindo.classify("II")
    with pytest.raises(ScoreInputError):
        clavien_dindo.classify({"grade": "II"}, cci=True)


@given(st.lists(st.sampled_from(clavien_dindo.GRADES), min_size=1))
def test_highest_grade_is_one_of_the_grades_and_not_below_any(grades):
    highest = clavien_dindo.highest_grade(grades)
    assert highest in grades
    assert all(clavien_dindo.GRADES.index(highest) >= clavien_dindo.GRADES.index(g) for g in grades)


@given(st.lists(st.sampled_from(clavien_dindo.GRADES), min_size=1), st.sampled_from(clavien_dindo.GRADES))
def test_adding_a_complication_never_lowers_the_summary(grades, extra):
    order = clavien_dindo.GRADES.index
    assert order(clavien_dindo.highest_grade([*grades, extra])) >= order(clavien_dindo.highest_grade(grades))


@given(
    st.one_of(st.none(), st.integers(), st.text(max_size=4).filter(lambda s: s not in clavien_dindo.GRADES))
)
def test_invalid_grade_always_raises(value):
    with pytest.raises(ScoreInputError):
        clavien_dindo.classify({"grade": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in clavien_dindo.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*clavien_dindo.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = clavien_dindo.classify(data)
    except ScoreInputError:
        return
    assert result.code == clavien_dindo.INSTRUMENT.code
