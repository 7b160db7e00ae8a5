"""Pfirrmann grade: Pfirrmann CW et al. Spine 2001;26(17):1873-1878 (classifications.md §4.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import pfirrmann

ITEMS = ("homogeneous_bright_white", "inhomogeneous_white", "nucleus_annulus_distinction", "disc_collapsed")


def answers(*values):
    return dict(zip(ITEMS, values, strict=False))


def test_homogeneous_bright_white_is_grade_1_pfirrmann2001():
    """Flow chart step 1: homogeneous bright white disc → I (Pfirrmann 2001)."""
    result = pfirrmann.classify(answers(True))
    assert (result.category, result.value) == ("I", 1)
    assert result.version == "pfirrmann@pfirrmann2001"


def test_inhomogeneous_white_is_grade_2_pfirrmann2001():
    """Flow chart step 2: inhomogeneous but white → II (Pfirrmann 2001)."""
    assert pfirrmann.classify(answers(False, True)).category == "II"


def test_distinction_present_is_grade_3_pfirrmann2001():
    """Flow chart step 3: nucleus/annulus distinction still present → III (Pfirrmann 2001)."""
    assert pfirrmann.classify(answers(False, False, True)).category == "III"


def test_distinction_lost_not_collapsed_is_grade_4_pfirrmann2001():
    """Flow chart step 4: distinction lost, disc not collapsed → IV (Pfirrmann 2001)."""
    result = pfirrmann.classify(answers(False, False, False, False))
    assert (result.category, result.value) == ("IV", 4)


def test_distinction_lost_collapsed_is_grade_5_pfirrmann2001():
    """Flow chart step 4: distinction lost, collapsed disc → V (Pfirrmann 2001)."""
    result = pfirrmann.classify(answers(False, False, False, True))
    assert (result.category, result.value) == ("V", 5)
    assert result.details["path"] == ITEMS


def test_first_match_wins_and_later_answers_are_ignored_pfirrmann2001():
    """The flow chart stops at the first yes (Pfirrmann 2001)."""
    assert pfirrmann.classify(answers(True, True, True, True)).category == "I"


def test_registry_dispatches_to_pfirrmann():
    assert registry.classify("pfirrmann", answers(True)).category == "I"


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "homogeneous_bright_white"),
        (answers(False), "inhomogeneous_white"),
        (answers(False, False), "nucleus_annulus_distinction"),
        (answers(False, False, False), "disc_collapsed"),
        (answers(None), "homogeneous_bright_white"),
        (answers(1), "homogeneous_bright_white"),
        (answers(False, "yes"), "inhomogeneous_white"),
        ({"grade": "I"}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        pfirrmann.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_unknown_option_are_rejected():
    with pytest.raises(ScoreInputError):
        pfirrmann.classify([True])
    with pytest.raises(ScoreInputError) as excinfo:
        pfirrmann.classify(answers(True), strict=True)
    assert excinfo.value.item == "option"


@given(st.lists(st.booleans(), min_size=4, max_size=4))
def test_any_full_answer_set_gives_a_grade_in_range(values):
    result = pfirrmann.classify(answers(*values))
    assert 1 <= result.value <= 5
    assert result.category == ("I", "II", "III", "IV", "V")[result.value - 1]


@given(st.dictionaries(st.sampled_from(ITEMS), st.one_of(st.none(), st.integers(), st.text(max_size=3)),
                       min_size=1))
def test_non_boolean_answers_always_raise(data):
    with pytest.raises(ScoreInputError):
        pfirrmann.classify(data)


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in pfirrmann.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*pfirrmann.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = pfirrmann.classify(data)
    except ScoreInputError:
        return
    assert result.code == pfirrmann.INSTRUMENT.code
