"""Risser sign (Risser JC 1958; Bitan FD, et al. Clin Orthop Relat Res 2005;436:190-195; §3.7)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import UNVALIDATED
from spinescores.classification import risser


@pytest.mark.parametrize("system", ["us", "french"])
@pytest.mark.parametrize("grade", range(6))
def test_risser_grade_is_stored_with_its_system_bitan2005(system, grade):
    """Grades 0-5 in either system; the system is stored, grades are not interchangeable."""
    result = risser.classify({"system": system, "grade": grade})
    assert (result.value, result.category, result.interpretation) == (grade, f"{system}_{grade}", system)
    assert result.flags == ()


@pytest.mark.parametrize(("percent", "grade"), [(0, 0), (0.1, 1), (24.9, 1), (25.1, 2), (49.9, 2), (50.1, 3),
                                                (74.9, 3), (75.1, 4), (100, 4)])
def test_risser_us_quarters_from_excursion_bitan2005(percent, grade):
    """US: <= 25 % 1, 26-50 % 2, 51-75 % 3, 76-100 % not fused 4 (§3.7)."""
    result = risser.classify({"system": "us", "excursion_percent": percent, "fused": False})
    assert result.value == grade and result.flags == ()


@pytest.mark.parametrize(("percent", "grade"), [(25, 1), (50, 2), (75, 3)])
def test_risser_us_exact_band_edges_are_a_flagged_convention_section_3_7(percent, grade):
    """Exactly 25/50/75 %: '<=' convention, flagged unvalidated (sources differ, §3.7)."""
    result = risser.classify({"system": "us", "excursion_percent": percent, "fused": False})
    assert result.value == grade and result.flags == (UNVALIDATED,)


def test_risser_us_fused_is_grade_5_bitan2005():
    """Apophysis fused to the ilium -> 5 (§3.7)."""
    assert risser.classify({"system": "us", "excursion_percent": 100, "fused": True}).value == 5
    assert risser.classify({"system": "us", "excursion_percent": 50, "fused": True}).flags == ()


@pytest.mark.parametrize(("inputs", "item"), [
    ({"system": "french", "excursion_percent": 50, "fused": False}, "excursion_percent"),
    ({"system": "french"}, "grade"),
    ({"system": "us"}, "excursion_percent"),
    ({"system": "us", "excursion_percent": 40}, "fused"),
    ({"system": "us", "fused": True}, "excursion_percent"),
    ({"system": "us", "grade": 3, "fused": False}, "fused"),
    ({"system": "us", "grade": 3, "excursion_percent": 60}, "excursion_percent"),
    ({"system": "us", "grade": 6}, "grade"),
    ({"system": "us", "grade": 2.5}, "grade"),
    ({"system": "us", "grade": True}, "grade"),
    ({"system": "us", "grade": None}, "grade"),
    ({"system": "uk", "grade": 2}, "system"),
    ({"grade": 2}, "system"),
    ({"system": "us", "excursion_percent": 101, "fused": False}, "excursion_percent"),
    ({"system": "us", "grade": 2, "age": 12}, "item"),
])
def test_risser_rejects_bad_input(inputs, item):
    with pytest.raises(ScoreInputError) as error:
        risser.classify(inputs)
    assert error.value.item == item


def test_risser_rejects_unknown_option():
    with pytest.raises(ScoreInputError, match="option"):
        risser.classify({"system": "us", "grade": 1}, convert=True)


@given(st.floats(0, 100), st.booleans())
def test_risser_us_grade_in_range_and_monotonic(percent, fused):
    grade = risser.classify({"system": "us", "excursion_percent": percent, "fused": fused}).value
    assert 0 <= grade <= 5
    if percent < 100 and not fused:
        assert grade <= risser.classify({"system": "us", "excursion_percent": min(100, percent + 30),
                                         "fused": False}).value


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=6), st.none(), st.text(max_size=2)))
def test_risser_invalid_grade_always_raises(bad):
    with pytest.raises(ScoreInputError):
        risser.classify({"system": "french", "grade": bad})
