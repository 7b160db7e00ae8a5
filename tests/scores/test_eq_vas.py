"""EQ VAS: a whole number 0–100, higher is better (proms.md §9.9)."""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import spinescores
from spinescores.base import HIGHER_IS_BETTER
from spinescores.errors import ScoreInputError
from spinescores.prom import eq_vas


@pytest.mark.parametrize("rating", [0, 1, 50, 99, 100])
def test_rating_is_returned_unchanged(rating):
    """proms.md §9.9: record the integer the patient marks, 0 (worst) to 100 (best)."""
    result = eq_vas.score({"vas": rating})
    assert result.value == rating
    assert result.code == "eq_vas"
    assert result.version == eq_vas.INSTRUMENT.version


@given(st.integers(0, 100))
def test_any_whole_number_from_0_to_100_is_its_own_score(rating):
    assert eq_vas.score({"vas": rating}).value == rating


def test_a_whole_float_is_read_as_an_integer():
    value = eq_vas.score({"vas": 73.0}).value
    assert value == 73
    assert isinstance(value, int)


def test_higher_is_better_and_range_is_0_to_100():
    """proms.md §9.9: 100 = best imaginable health; higher = better."""
    assert eq_vas.INSTRUMENT.direction == HIGHER_IS_BETTER
    assert eq_vas.INSTRUMENT.score_range == (0, 100)
    assert eq_vas.INSTRUMENT.item_ids == ("vas",)


@pytest.mark.parametrize("bad", [-1, 101, 50.5, True, False, None, "50", math.nan, math.inf, [50]])
def test_invalid_rating_raises_naming_item_and_range(bad):
    with pytest.raises(ScoreInputError, match="vas: .*allowed: a whole number from 0 to 100"):
        eq_vas.score({"vas": bad})


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.text(),
        st.integers().filter(lambda n: not 0 <= n <= 100),
        st.floats(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_invalid_rating_raises(bad):
    assume(isinstance(bad, bool) or not (isinstance(bad, (int, float)) and bad in range(101)))
    with pytest.raises(ScoreInputError) as caught:
        eq_vas.score({"vas": bad})
    assert caught.value.item == "vas"


def test_missing_rating_raises():
    with pytest.raises(ScoreInputError) as caught:
        eq_vas.score({})
    assert caught.value.item == "vas"


def test_unknown_item_raises_naming_the_known_item():
    with pytest.raises(ScoreInputError) as caught:
        eq_vas.score({"vas": 50, "vas_today": 50})
    assert caught.value.item == "item"
    assert "'vas'" in caught.value.allowed


@pytest.mark.parametrize("bad", [None, 50, "50", [50]])
def test_responses_that_are_not_a_mapping_raise(bad):
    with pytest.raises(ScoreInputError) as caught:
        eq_vas.score(bad)
    assert caught.value.item == "responses"


def test_registry_dispatches_to_the_module():
    assert spinescores.score("eq_vas", {"vas": 80}).value == 80


def test_docstring_examples_run():
    assert doctest.testmod(eq_vas).failed == 0
