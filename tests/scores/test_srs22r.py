"""SRS-22r (proms.md §8): domain means, 3-of-5 rule, subtotal and total, double answers."""

from __future__ import annotations

import pytest
from _promtools import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.base import PRORATED
from spinescores.errors import ScoreInputError
from spinescores.prom import srs22r


def all_items(value):
    return {f"q{n}": value for n in range(1, 23)}


def test_srs22r_domain_item_map_follows_the_reference():
    """proms.md §8 [V]: function 5,9,12,15,18; pain 1,2,8,11,17; self-image 4,6,10,14,19; ..."""
    assert srs22r.DOMAINS["function"] == (5, 9, 12, 15, 18)
    assert srs22r.DOMAINS["pain"] == (1, 2, 8, 11, 17)
    assert srs22r.DOMAINS["self_image"] == (4, 6, 10, 14, 19)
    assert srs22r.DOMAINS["mental_health"] == (3, 7, 13, 16, 20)
    assert srs22r.DOMAINS["satisfaction"] == (21, 22)
    assert sorted(n for items in srs22r.DOMAINS.values() for n in items) == list(range(1, 23))


def test_srs22r_domain_is_the_mean_of_its_items():
    answers = all_items(5) | {"q1": 1, "q2": 2, "q8": 3, "q11": 4, "q17": 5}
    result = srs22r.score(answers)
    assert result.subscores["pain"] == 3.0
    assert result.subscores["function"] == 5.0
    assert result.value == result.subscores["total"] == pytest.approx((15 + 17 * 5) / 22)
    assert result.subscores["subtotal"] == pytest.approx((15 + 15 * 5) / 20)


def test_srs22r_unanswered_items_reduce_the_denominator():
    """proms.md §8 [V]: unanswered items reduce the denominator."""
    answers = all_items(4) | {"q1": None, "q2": 1}
    result = srs22r.score(answers)
    assert result.subscores["pain"] == pytest.approx((1 + 4 + 4 + 4) / 4)
    assert result.value == pytest.approx((1 + 20 * 4) / 21)
    assert result.missing_items == ("q1",) and PRORATED in result.flags


def test_srs22r_domain_with_three_answers_is_scored_with_two_is_not():
    """proms.md §8 [V]: a domain (except satisfaction) is not scored with fewer than 3 of 5."""
    three = all_items(3) | {"q5": None, "q9": None}
    two = three | {"q12": None}
    assert srs22r.score(three).subscores["function"] == 3.0
    result = srs22r.score(two)
    assert result.subscores["function"] is None


def test_srs22r_total_and_subtotal_need_every_contributing_domain():
    """Registry rule (proms.md §8): total/subtotal require every contributing domain to be scorable."""
    result = srs22r.score(all_items(3) | {"q5": None, "q9": None, "q12": None})
    assert result.subscores["subtotal"] is None and result.value is None


def test_srs22r_satisfaction_is_scored_from_one_answer_and_total_needs_it():
    one = srs22r.score(all_items(4) | {"q22": None})
    assert one.subscores["satisfaction"] == 4.0 and one.value is not None
    none = srs22r.score(all_items(4) | {"q21": None, "q22": None})
    assert none.subscores["satisfaction"] is None and none.value is None
    assert none.subscores["subtotal"] == 4.0


def test_srs22r_item_with_two_answers_is_unanswered():
    """proms.md §0.5 and §8 [V]: items with two answers are treated as unanswered."""
    result = srs22r.score(all_items(4) | {"q3": [2, 5]})
    assert "q3" in result.missing_items and result.details["multiple_marked"] == ("q3",)
    assert result.subscores["mental_health"] == 4.0


@pytest.mark.parametrize("bad", [0, 6, 2.5, "3"])
def test_srs22r_rejects_values_outside_1_to_5(bad):
    with pytest.raises(ScoreInputError, match="q7"):
        srs22r.score({"q7": bad})


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_srs22r_every_score_is_a_mean_between_1_and_5(data):
    result = srs22r.score(data.draw(responses(srs22r.INSTRUMENT, missing=True)))
    for value in result.subscores.values():
        assert value is None or 1 <= value <= 5


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_srs22r_is_monotonic(data):
    values = data.draw(responses(srs22r.INSTRUMENT))
    item = data.draw(st.sampled_from(srs22r.INSTRUMENT.item_ids))
    if values[item] < 5:
        assert srs22r.score(dict(values, **{item: values[item] + 1})).value > srs22r.score(values).value
