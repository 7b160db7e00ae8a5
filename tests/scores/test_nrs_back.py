"""Pain NRS, back (proms.md §3); the shared rules of the four NRS modules are tested here."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.base import HIGHER_IS_WORSE
from spinescores.errors import ScoreInputError
from spinescores.prom import nrs_arm, nrs_back, nrs_leg, nrs_neck

MODULES = (nrs_back, nrs_leg, nrs_neck, nrs_arm)


@pytest.mark.parametrize("module", MODULES)
def test_nrs_is_a_single_item_from_0_to_10_higher_worse(module):
    """proms.md §3: 11-point integer scale 0 (no pain) – 10 (worst imaginable)."""
    assert module.INSTRUMENT.item_ids == ("pain",)
    assert module.INSTRUMENT.items[0].allowed_values == tuple(range(11))
    assert module.INSTRUMENT.direction == HIGHER_IS_WORSE
    assert module.score({"pain": 0}).value == 0
    assert module.score({"pain": 10}).value == 10


@pytest.mark.parametrize("module", MODULES)
def test_nrs_blank_is_missing(module):
    """proms.md §3: no missing-item rule (single item); blank = missing."""
    for blank in ({}, {"pain": None}):
        result = module.score(blank)
        assert result.value is None and result.missing_items == ("pain",)


@pytest.mark.parametrize("bad", [11, -1, 3.5, "3", True])
def test_nrs_rejects_values_off_the_scale(bad):
    with pytest.raises(ScoreInputError, match="pain"):
        nrs_back.score({"pain": bad})


def test_nrs_vas_is_converted_as_mm_over_ten_and_flagged():
    """proms.md §3: convert VAS to the NRS scale only as mm/10 and flag it."""
    result = nrs_back.score({"pain": 37}, scale="vas")
    assert result.value == pytest.approx(3.7)
    assert result.flags == ("vas_converted",) and result.scale == "vas"
    assert result.details["vas_mm"] == 37


def test_nrs_vas_accepts_millimetres_with_decimals_up_to_100():
    assert nrs_back.score({"pain": 100}, scale="vas").value == 10
    assert nrs_back.score({"pain": 12.5}, scale="vas").value == pytest.approx(1.25)


@pytest.mark.parametrize("bad", [101, -0.1, "50", False])
def test_nrs_vas_out_of_range_raises(bad):
    with pytest.raises(ScoreInputError, match="pain"):
        nrs_back.score({"pain": bad}, scale="vas")


def test_nrs_vas_blank_is_missing():
    result = nrs_back.score({}, scale="vas")
    assert result.value is None and result.missing_items == ("pain",) and result.scale == "vas"


@pytest.mark.parametrize("scale", ["mm", "NRS", None, 1])
def test_nrs_unknown_scale_raises(scale):
    with pytest.raises(ScoreInputError, match="scale"):
        nrs_back.score({"pain": 3}, scale=scale)


def test_nrs_unknown_item_in_vas_mode_raises():
    with pytest.raises(ScoreInputError, match="item"):
        nrs_back.score({"back": 3}, scale="vas")


def test_nrs_docstring_names_the_site():
    assert "nrs_leg" in nrs_leg.score.__doc__ and "Parameters" in nrs_leg.score.__doc__


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10))
def test_nrs_value_is_the_answer(value):
    assert nrs_back.score({"pain": value}).value == value
