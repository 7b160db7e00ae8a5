"""ODI 2.1a (proms.md §1): formula, denominator rule, missing vs not applicable, bands."""

from __future__ import annotations

import pytest
from _promtools import complete, responses
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.base import PRORATED, UNVALIDATED
from spinescores.errors import ScoreInputError
from spinescores.prom import odi

ITEMS = odi.INSTRUMENT.item_ids


def answers(**overrides):
    base = complete(odi.INSTRUMENT, 0)
    base.update(overrides)
    return base


def test_odi_formula_is_sum_over_five_times_answered_sections():
    """proms.md §1 [V]: ODI = 100 × sum / (5 × answered); 16 points over 10 sections = 32 %."""
    result = odi.score(answers(pain_intensity=3, lifting=4, walking=2, sitting=3, standing=4))
    assert result.value == pytest.approx(32.0)
    assert result.answered == 10 and result.flags == ()


def test_odi_extremes_are_0_and_100():
    assert odi.score(complete(odi.INSTRUMENT, 0)).value == 0
    assert odi.score(complete(odi.INSTRUMENT, 5)).value == 100


def test_odi_one_missing_section_removes_five_from_the_denominator():
    """proms.md §1 [V]: 16 points over 9 answered sections = 16/45 = 35.6 %."""
    result = odi.score(
        answers(pain_intensity=3, lifting=4, walking=2, sitting=3, standing=4, travelling=None)
    )
    assert result.value == pytest.approx(100 * 16 / 45)
    assert result.missing_items == ("travelling",)
    assert PRORATED in result.flags


def test_odi_sex_life_not_applicable_is_reported_apart_from_missing():
    """proms.md §0.2 and §1: sex life skipped as not applicable → divide by 45, not 'missing'."""
    result = odi.score(answers(pain_intensity=5, sex_life="na"))
    assert result.value == pytest.approx(100 * 5 / 45)
    assert result.not_applicable_items == ("sex_life",)
    assert result.missing_items == ()


def test_odi_absent_key_and_none_are_both_missing():
    with_none = odi.score(answers(walking=None))
    without = odi.score({k: v for k, v in answers().items() if k != "walking"})
    assert with_none.missing_items == without.missing_items == ("walking",)


def test_odi_registry_default_needs_nine_sections():
    """proms.md §1: registry default computes with ≥ 9 sections answered."""
    result = odi.score(answers(walking=None, sex_life="na"))
    assert result.value is None and result.interpretation is None
    assert "at least 9" in result.details["reason"]


def test_odi_limit_is_configurable_down_to_eight():
    result = odi.score(answers(pain_intensity=4, walking=None, sex_life="na"), min_answered=8)
    assert result.value == pytest.approx(100 * 4 / 40)


@pytest.mark.parametrize("limit", [7, 11, 0, -1, 8.0, "9", True, None])
def test_odi_never_computes_from_fewer_than_eight(limit):
    """proms.md §1: 'Never compute from fewer than 8.'"""
    with pytest.raises(ScoreInputError, match="min_answered"):
        odi.score(answers(), min_answered=limit)


def test_odi_seven_answered_is_never_scored_even_with_limit_eight():
    result = odi.score(answers(walking=None, sitting=None, sex_life="na"), min_answered=8)
    assert result.value is None


@pytest.mark.parametrize(
    ("total", "answered", "band"),
    [
        (10, 10, "minimal"),  # 20 %, on the edge
        (11, 10, "moderate"),  # 22 %
        (9, 9, "minimal"),  # 20.0 % with 9 sections
        (10, 9, "moderate"),  # 22.2 %: non-integer percentages use ≤20 cut-points
        (20, 10, "moderate"),  # 40 %
        (21, 10, "severe"),
        (30, 10, "severe"),  # 60 %
        (31, 10, "crippled"),
        (40, 10, "crippled"),  # 80 %
        (41, 10, "bed_bound"),
        (50, 10, "bed_bound"),
    ],
)
def test_odi_fairbank_bands_on_both_sides_of_each_cut_point(total, answered, band):
    """proms.md §1 [V]: 0–20 minimal · 21–40 moderate · 41–60 severe · 61–80 crippled · 81–100."""
    values = {}
    remaining = total
    for item in [i for i in ITEMS if answered == 10 or i != "sex_life"]:
        values[item] = min(5, remaining)
        remaining -= values[item]
    if answered < 10:
        values["sex_life"] = "na"
    result = odi.score(values)
    assert result.interpretation == band
    assert odi.band(result.value) == band


def test_odi_several_marked_answers_take_the_worst_and_are_flagged_unvalidated():
    """proms.md §0.5: ODI guidance takes the highest-scoring statement [M]."""
    result = odi.score(answers(lifting=[1, 4]))
    assert result.value == pytest.approx(100 * 4 / 50)
    assert UNVALIDATED in result.flags
    assert result.details["multiple_marked"] == ("lifting",)


def test_odi_a_list_with_one_value_is_that_value():
    assert odi.score(answers(lifting=[3])).value == odi.score(answers(lifting=3)).value


@pytest.mark.parametrize("bad", [[], [1, 9], ["1"], [True]])
def test_odi_marked_lists_are_validated(bad):
    with pytest.raises(ScoreInputError, match="lifting"):
        odi.score(answers(lifting=bad))


@pytest.mark.parametrize("bad", [6, -1, 2.5, "2", True, False, float("nan"), {}, "NA"])
def test_odi_bad_section_value_names_item_value_and_allowed(bad):
    with pytest.raises(ScoreInputError) as error:
        odi.score(answers(sitting=bad))
    assert error.value.item == "sitting"
    assert "0, 1, 2, 3, 4, 5" in str(error.value)


def test_odi_not_applicable_only_for_sex_life():
    with pytest.raises(ScoreInputError, match="walking"):
        odi.score(answers(walking="na"))


def test_odi_float_section_values_equal_to_integers_are_accepted():
    assert odi.score(answers(walking=2.0)).value == pytest.approx(4.0)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_odi_is_monotonic_in_every_section(data):
    values = data.draw(responses(odi.INSTRUMENT))
    item = data.draw(st.sampled_from(ITEMS))
    if values[item] == 5:
        return
    worse = dict(values, **{item: values[item] + 1})
    assert odi.score(worse).value > odi.score(values).value
