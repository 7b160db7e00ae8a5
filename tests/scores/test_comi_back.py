"""COMI back (proms.md §10): recoding, domains, local missing-item policy."""

from __future__ import annotations

import pytest
from _promtools import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.errors import ScoreInputError
from spinescores.prom import comi_back

FULL = {
    "back_pain": 6,
    "leg_pain": 8,
    "function": 3,
    "well_being": 4,
    "quality_of_life": 3,
    "social_disability": 2,
    "work_disability": 1,
}


def test_comi_items_2_to_6_are_recoded_0_to_10_in_steps_of_2_5():
    """proms.md §10 [V]: items 2–6 recoded to 0, 2.5, 5, 7.5, 10."""
    for code, recoded in zip(range(1, 6), (0, 2.5, 5, 7.5, 10), strict=True):
        result = comi_back.score(dict(FULL, function=code))
        assert result.subscores["function"] == recoded


def test_comi_pain_is_the_worse_of_back_and_leg_and_disability_the_mean():
    """proms.md §10 [V]: pain = max(1a, 1b); disability = mean(5, 6)."""
    result = comi_back.score(FULL)
    assert result.subscores["pain"] == 8
    assert result.subscores["disability"] == pytest.approx((2.5 + 0) / 2)


def test_comi_is_the_mean_of_five_domains():
    """proms.md §10 [V]: COMI = mean(pain, function, well-being, QoL, disability), 0–10."""
    assert comi_back.score(FULL).value == pytest.approx((8 + 5 + 7.5 + 5 + 1.25) / 5)
    assert comi_back.score(dict.fromkeys(FULL, 1) | {"back_pain": 0, "leg_pain": 0}).value == 0
    assert comi_back.score(dict.fromkeys(FULL, 5) | {"back_pain": 10, "leg_pain": 10}).value == 10


def test_comi_local_policy_uses_the_other_pain_item_when_one_is_missing():
    """proms.md §10: registry policy (flag as local): one of 1a/1b missing → use the other."""
    result = comi_back.score(dict(FULL, leg_pain=None))
    assert result.subscores["pain"] == 6
    assert result.flags == ("local_policy", "prorated")
    assert result.details["substituted"] == ("back_pain",)


def test_comi_local_policy_uses_the_other_disability_item_when_one_is_missing():
    result = comi_back.score(dict(FULL, social_disability=None))
    assert result.subscores["disability"] == 0
    assert "local_policy" in result.flags and result.details["substituted"] == ("work_disability",)


def test_comi_both_pain_items_missing_leaves_no_score():
    result = comi_back.score(dict(FULL, back_pain=None, leg_pain=None))
    assert result.value is None and result.subscores["pain"] is None and result.flags == ()


@pytest.mark.parametrize("item", ["function", "well_being", "quality_of_life"])
def test_comi_single_item_domains_are_required(item):
    result = comi_back.score(dict(FULL, **{item: None}))
    assert result.value is None and item in result.missing_items


@pytest.mark.parametrize(("item", "bad"), [("back_pain", 11), ("function", 0), ("work_disability", 6)])
def test_comi_rejects_values_off_the_scale(item, bad):
    with pytest.raises(ScoreInputError) as error:
        comi_back.score(dict(FULL, **{item: bad}))
    assert error.value.item == item


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_comi_is_monotonic_non_decreasing(data):
    values = data.draw(responses(comi_back.INSTRUMENT))
    item = data.draw(st.sampled_from(comi_back.INSTRUMENT.items))
    if values[item.id] < item.allowed_values[-1]:
        assert (
            comi_back.score(dict(values, **{item.id: values[item.id] + 1})).value
            >= comi_back.score(values).value
        )
