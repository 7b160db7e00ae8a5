"""NDI (proms.md §2): raw and percentage, author's pro-rating, driving n/a, Vernon bands."""

from __future__ import annotations

import pytest
from _promtools import complete, responses
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.base import PRORATED
from spinescores.errors import ScoreInputError
from spinescores.prom import ndi


def answers(**overrides):
    base = complete(ndi.INSTRUMENT, 0)
    base.update(overrides)
    return base


def test_ndi_raw_is_the_sum_and_percent_twice_the_raw():
    """proms.md §2 [V]: raw = sum (0–50); percentage = raw × 2."""
    result = ndi.score(answers(pain_intensity=3, reading=2, work=4, headaches=1))
    assert result.subscores["raw"] == 10
    assert result.value == result.subscores["percent"] == 20
    assert result.flags == ()


def test_ndi_blank_item_is_replaced_by_the_mean_of_the_answered():
    """proms.md §2 [V], author's note: raw = sum × 10 / n_answered."""
    result = ndi.score(answers(pain_intensity=3, reading=2, work=4, concentration=None))
    assert result.subscores["raw"] == pytest.approx(9 * 10 / 9)
    assert result.missing_items == ("concentration",)
    assert PRORATED in result.flags


def test_ndi_driving_not_applicable_is_pro_rated_but_reported_apart():
    """proms.md §2: the driving item is often skipped by non-drivers; treat as not applicable."""
    result = ndi.score(answers(pain_intensity=4, driving="na"))
    assert result.subscores["raw"] == pytest.approx(40 / 9)
    assert result.not_applicable_items == ("driving",) and result.missing_items == ()


def test_ndi_registry_default_needs_eight_items():
    result = ndi.score(answers(reading=None, work=None, driving="na"))
    assert result.value is None and "at least 8" in result.details["reason"]
    assert ndi.score(answers(reading=None, driving="na")).value == 0


def test_ndi_limit_is_configurable():
    assert ndi.score(answers(reading=None, work=None, driving="na"), min_answered=7).value == 0


@pytest.mark.parametrize("limit", [0, 11, "8", 8.5, True])
def test_ndi_bad_limit_raises(limit):
    with pytest.raises(ScoreInputError, match="min_answered"):
        ndi.score(answers(), min_answered=limit)


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (0, "none"),
        (4, "none"),
        (5, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (24, "moderate"),
        (25, "severe"),
        (34, "severe"),
        (35, "complete"),
        (50, "complete"),
    ],
)
def test_ndi_vernon_bands_on_both_sides_of_each_cut_point(raw, band):
    """proms.md §2 [V]: 0–4 none · 5–14 mild · 15–24 moderate · 25–34 severe · ≥35 complete."""
    values, remaining = {}, raw
    for item in ndi.INSTRUMENT.item_ids:
        values[item] = min(5, remaining)
        remaining -= values[item]
    assert ndi.score(values).interpretation == band


@pytest.mark.parametrize(
    ("raw", "band"), [(4.99, "none"), (14.99, "mild"), (24.99, "moderate"), (34.99, "severe")]
)
def test_ndi_pro_rated_raw_scores_use_strict_cut_points(raw, band):
    """proms.md §2: for pro-rated non-integer raw scores use cut-points <5, <15, <25, <35."""
    assert ndi.band(raw) == band


def test_ndi_pro_rated_score_just_below_a_cut_point():
    # 4 points over 9 items → raw 4.44: still "none"
    assert ndi.score(answers(pain_intensity=4, work=None)).interpretation == "none"
    # 14 points over 9 items → raw 15.6: "moderate"
    result = ndi.score(answers(pain_intensity=5, reading=5, headaches=4, work=None))
    assert result.subscores["raw"] == pytest.approx(140 / 9) and result.interpretation == "moderate"


def test_ndi_several_marked_answers_make_the_item_missing():
    result = ndi.score(answers(reading=[1, 3]))
    assert result.missing_items == ("reading",) and result.details["multiple_marked"] == ("reading",)


def test_ndi_bad_value_names_the_item():
    with pytest.raises(ScoreInputError, match="headaches: got 7"):
        ndi.score(answers(headaches=7))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_ndi_is_monotonic_in_every_item(data):
    values = data.draw(responses(ndi.INSTRUMENT))
    item = data.draw(st.sampled_from(ndi.INSTRUMENT.item_ids))
    if values[item] < 5:
        assert ndi.score(dict(values, **{item: values[item] + 1})).value > ndi.score(values).value
