"""Schizas grade: Schizas C et al. Spine 2010;35(21):1919-1924 (classifications.md §4.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import schizas

GRADES = ("A1", "A2", "A3", "A4", "B", "C", "D")


@pytest.mark.parametrize("grade", ["A1", "A2", "A3", "A4"])
def test_schizas_group_a_is_none_or_minor_schizas2010(grade):
    """A1-A4 → none/minor stenosis (Schizas 2010)."""
    result = schizas.classify({"grade": grade})
    assert (result.category, result.interpretation) == (grade, "none_or_minor")
    assert result.subscores["group"] == "A"


@pytest.mark.parametrize(("grade", "severity"), [("B", "moderate"), ("C", "severe"), ("D", "extreme")])
def test_schizas_b_moderate_c_severe_d_extreme_schizas2010(grade, severity):
    """B moderate, C severe, D extreme (Schizas 2010)."""
    assert schizas.classify({"grade": grade}).interpretation == severity


@pytest.mark.parametrize(
    ("inputs", "item"),
    [({}, "grade"), ({"grade": "A5"}, "grade"), ({"grade": None}, "grade"), ({"grade": "A"}, "grade"),
     ({"grade": "B", "level": "L4"}, "item")],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        schizas.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        schizas.classify("B")
    with pytest.raises(ScoreInputError):
        schizas.classify({"grade": "B"}, level="L4")


@given(st.sampled_from(GRADES))
def test_every_grade_has_a_severity(grade):
    severities = ("none_or_minor", "moderate", "severe", "extreme")
    assert schizas.classify({"grade": grade}).interpretation in severities


@given(st.one_of(st.none(), st.integers(), st.text(max_size=3).filter(lambda s: s not in GRADES)))
def test_invalid_grade_always_raises(value):
    with pytest.raises(ScoreInputError):
        schizas.classify({"grade": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in schizas.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*schizas.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = schizas.classify(data)
    except ScoreInputError:
        return
    assert result.code == schizas.INSTRUMENT.code
