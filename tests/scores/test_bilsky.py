"""Bilsky ESCC scale (Bilsky MH, et al. J Neurosurg Spine 2010;13(3):324-328; classifications.md §1.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import bilsky


@pytest.mark.parametrize("grade", ["0", "1a", "1b"])
def test_bilsky_0_to_1b_is_low_grade_bilsky2010(grade):
    """Low grade = {0, 1a, 1b} (Bilsky 2010)."""
    result = bilsky.classify({"grade": grade})
    assert (result.category, result.interpretation) == (grade, "low_grade")


def test_bilsky_1c_is_intermediate_bilsky2010():
    """1c is intermediate: management debated (Bilsky 2010)."""
    assert bilsky.classify({"grade": "1c", "epidural_disease": True}).interpretation == "intermediate"


@pytest.mark.parametrize("grade", ["2", "3"])
def test_bilsky_2_and_3_are_high_grade_bilsky2010(grade):
    """High grade = {2, 3} (Bilsky 2010)."""
    assert bilsky.classify({"grade": grade}).interpretation == "high_grade"


@pytest.mark.parametrize("grade", ["1a", "1b", "1c"])
def test_bilsky_1a_to_1c_require_epidural_disease_bilsky2010(grade):
    """Grades 1a-1c require epidural disease (§1.4 input validation)."""
    with pytest.raises(ScoreInputError, match="epidural_disease"):
        bilsky.classify({"grade": grade, "epidural_disease": False})


def test_bilsky_grade_0_without_epidural_disease_is_accepted():
    assert bilsky.classify({"grade": "0", "epidural_disease": False}).category == "0"


@pytest.mark.parametrize("bad", [0, 1, "1d", None, True, "4", ["1a", "2"]])
def test_bilsky_rejects_anything_but_exactly_one_grade(bad):
    with pytest.raises(ScoreInputError) as error:
        bilsky.classify({"grade": bad})
    assert error.value.item == "grade"


def test_bilsky_rejects_missing_unknown_option_and_bad_flag():
    with pytest.raises(ScoreInputError, match="grade"):
        bilsky.classify({})
    with pytest.raises(ScoreInputError, match="level"):
        bilsky.classify({"grade": "2", "level": "T4"})
    with pytest.raises(ScoreInputError, match="option"):
        bilsky.classify({"grade": "2"}, mri="T1")
    with pytest.raises(ScoreInputError, match="epidural_disease"):
        bilsky.classify({"grade": "2", "epidural_disease": "yes"})


@given(st.sampled_from(sorted(bilsky.GROUP)), st.booleans())
def test_bilsky_group_is_always_one_of_three(grade, epidural):
    if grade in bilsky.EPIDURAL_GRADES and not epidural:
        return
    result = bilsky.classify({"grade": grade, "epidural_disease": epidural})
    assert result.interpretation in {"low_grade", "intermediate", "high_grade"}


@given(st.one_of(st.integers(), st.floats(), st.none(), st.text(max_size=3)))
def test_bilsky_invalid_grade_always_raises(bad):
    if bad in bilsky.GROUP:
        return
    with pytest.raises(ScoreInputError):
        bilsky.classify({"grade": bad})
