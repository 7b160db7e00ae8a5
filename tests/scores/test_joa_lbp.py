"""JOA low-back-pain score, 29 points (proms.md §6), with its recovery rate."""

from __future__ import annotations

import pytest

from spinescores.errors import ScoreInputError
from spinescores.prom import joa_lbp

ADL = [item for item in joa_lbp.INSTRUMENT.item_ids if item.startswith("adl_")]
BEST = {
    "low_back_pain": 3,
    "leg_pain": 3,
    "gait": 3,
    "slr": 2,
    "sensory": 2,
    "motor": 2,
    "bladder": 0,
    **dict.fromkeys(ADL, 2),
}


def test_joa_lbp_has_seven_adl_items_and_a_29_point_maximum():
    """proms.md §6 [V]: the 1986 scale has seven ADL items (7 × 2 = 14); total max 29."""
    assert len(ADL) == 7
    result = joa_lbp.score(BEST)
    assert result.value == 29
    assert dict(result.subscores) == {"subjective": 9, "signs": 6, "adl": 14, "bladder": 0}


def test_joa_lbp_minimum_is_minus_6():
    """proms.md §6: total −6 to 29; bladder 0 normal, −3 mild, −6 severe."""
    worst = dict.fromkeys(BEST, 0) | {"bladder": -6}
    assert joa_lbp.score(worst).value == -6
    assert joa_lbp.score(dict(BEST, bladder=-3)).value == 26


@pytest.mark.parametrize(
    ("item", "bad"), [("bladder", -1), ("bladder", 3), ("gait", 4), ("slr", 3), ("adl_walking", 3)]
)
def test_joa_lbp_rejects_values_not_on_the_sheet(item, bad):
    with pytest.raises(ScoreInputError) as error:
        joa_lbp.score(dict(BEST, **{item: bad}))
    assert error.value.item == item


def test_joa_lbp_requires_every_item():
    result = joa_lbp.score(dict(BEST, adl_sitting=None))
    assert result.value is None and result.missing_items == ("adl_sitting",)


def test_joa_lbp_recovery_rate_uses_29():
    """proms.md §6: (post − pre) / (29 − pre) × 100; undefined if pre = 29."""
    assert joa_lbp.recovery_rate(9, 24).value == pytest.approx(75)
    assert joa_lbp.recovery_rate(9, 24).interpretation == "excellent"
    assert joa_lbp.recovery_rate(9, 23.9).interpretation == "good"
    assert joa_lbp.recovery_rate(-6, 29).value == 100
    assert joa_lbp.recovery_rate(29, 20).value is None
    with pytest.raises(ScoreInputError):
        joa_lbp.recovery_rate(-7, 20)
