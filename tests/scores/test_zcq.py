"""Zurich Claudication Questionnaire (proms.md §11): subscales, local missing policy, satisfaction."""

from __future__ import annotations

import pytest
from _promtools import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.errors import ScoreInputError
from spinescores.prom import zcq

SS = {f"ss{n}": 3 for n in range(1, 7)} | {"ss7": 3}
PF = {f"pf{n}": 2 for n in range(1, 6)}
SAT = {f"sat{n}": 2 for n in range(1, 7)}


def test_zcq_structure_is_seven_five_and_six_items():
    """proms.md §11 [V]: symptom severity 7 items, physical function 5, satisfaction 6."""
    assert [len(v) for v in zcq.SUBSCALES.values()] == [7, 5, 6]
    balance = zcq.INSTRUMENT.item("ss7")
    assert balance.allowed_values == (1, 3, 5)
    assert zcq.INSTRUMENT.item("pf1").allowed_values == (1, 2, 3, 4)


def test_zcq_subscales_are_means_and_there_is_no_total():
    result = zcq.score(SS | {"ss7": 5} | PF | SAT)
    assert result.value is None
    assert result.subscores["symptom_severity"] == pytest.approx((6 * 3 + 5) / 7)
    assert result.subscores["physical_function"] == 2
    assert result.subscores["satisfaction"] == 2


def test_zcq_symptom_severity_is_flagged_unvalidated_for_the_frequency_item():
    """proms.md §11: the pain-frequency item has its own coding, not given in the reference."""
    assert "unvalidated" in zcq.score(SS | PF | SAT).flags
    assert "unvalidated" not in zcq.score(PF | SAT).flags


@pytest.mark.parametrize(
    ("mean", "label"), [(2.5, "satisfied"), (2.0, "satisfied"), (2 + 4 / 6, "not_satisfied")]
)
def test_zcq_satisfaction_at_most_2_5_is_satisfied(mean, label):
    """proms.md §11 [V, Minetama 2024]: a mean ≤ 2.5 is 'at least somewhat satisfied'."""
    ones = round((3 - mean) * 6)  # mix of 2s and 3s giving the mean
    sat = {f"sat{n}": 2 if n <= ones else 3 for n in range(1, 7)}
    result = zcq.score(PF | sat)
    assert result.subscores["satisfaction"] == pytest.approx(mean)
    assert result.interpretation == label


def test_zcq_one_missing_item_per_subscale_uses_the_mean_of_the_rest():
    """proms.md §11: registry policy, mean of answered items if at most one is missing (local)."""
    result = zcq.score(SS | PF | SAT | {"pf5": None, "ss1": None})
    assert result.subscores["physical_function"] == 2
    assert result.subscores["symptom_severity"] == 3
    assert "local_policy" in result.flags and "prorated" in result.flags


def test_zcq_two_missing_items_leave_the_subscale_unscored():
    result = zcq.score(SS | PF | SAT | {"pf4": None, "pf5": None})
    assert result.subscores["physical_function"] is None
    assert result.subscores["symptom_severity"] == 3


def test_zcq_baseline_questionnaire_has_no_satisfaction_and_does_not_report_it_missing():
    result = zcq.score(SS | PF, post_treatment=False)
    assert result.subscores["satisfaction"] is None and result.interpretation is None
    assert result.missing_items == ()
    assert result.details["post_treatment"] is False


def test_zcq_satisfaction_answers_before_treatment_are_refused():
    with pytest.raises(ScoreInputError, match="sat1"):
        zcq.score(SS | PF | {"sat1": 2}, post_treatment=False)


def test_zcq_baseline_with_a_non_mapping_still_raises_score_input_error():
    with pytest.raises(ScoreInputError, match="responses"):
        zcq.score(["ss1"], post_treatment=False)


@pytest.mark.parametrize("flag", ["yes", 1, None])
def test_zcq_post_treatment_must_be_boolean(flag):
    with pytest.raises(ScoreInputError, match="post_treatment"):
        zcq.score(SS, post_treatment=flag)


@pytest.mark.parametrize(("item", "bad"), [("ss7", 2), ("ss1", 6), ("pf1", 5), ("sat3", 0)])
def test_zcq_rejects_values_outside_each_item_coding(item, bad):
    with pytest.raises(ScoreInputError) as error:
        zcq.score({item: bad})
    assert error.value.item == item


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_zcq_subscales_stay_in_their_ranges(data):
    result = zcq.score(data.draw(responses(zcq.INSTRUMENT, missing=True)))
    ranges = {"symptom_severity": (1, 5), "physical_function": (1, 4), "satisfaction": (1, 4)}
    for name, (low, high) in ranges.items():
        value = result.subscores[name]
        assert value is None or low <= value <= high
