"""JOA cervical 1994 revision (proms.md §4b) with the recovery rate (§4c)."""

from __future__ import annotations

import pytest

from spinescores.errors import ScoreInputError
from spinescores.prom import joa_cervical_1994 as joa

BEST = {
    "fingers": 4,
    "shoulder_elbow": 0,
    "lower_extremity": 4,
    "sensory_upper": 2,
    "sensory_lower": 2,
    "sensory_trunk": 2,
    "bladder": 3,
}
WORST = {
    "fingers": 0,
    "shoulder_elbow": -2,
    "lower_extremity": 0,
    "sensory_upper": 0,
    "sensory_lower": 0,
    "sensory_trunk": 0,
    "bladder": 0,
}


def test_joa_1994_maximum_is_17_and_minimum_is_minus_2():
    """proms.md §4b [V]: total maximum 17, minimum −2."""
    assert joa.score(BEST).value == 17
    assert joa.score(WORST).value == -2


def test_joa_1994_allowed_values_follow_the_table():
    """proms.md §4b [V]: allowed values per domain."""
    allowed = {item.id: item.allowed_values for item in joa.INSTRUMENT.items}
    assert allowed["shoulder_elbow"] == (-2, -1, -0.5, 0)
    assert allowed["lower_extremity"] == (0, 0.5, 1, 1.5, 2, 2.5, 3, 4)
    assert allowed["sensory_trunk"] == (0, 0.5, 1, 1.5, 2)
    assert allowed["fingers"] == (0, 1, 2, 3, 4) and allowed["bladder"] == (0, 1, 2, 3)


def test_joa_1994_half_points_and_subscores():
    result = joa.score(dict(BEST, shoulder_elbow=-0.5, lower_extremity=2.5, sensory_upper=1.5))
    assert result.value == pytest.approx(17 - 0.5 - 1.5 - 0.5)
    assert result.subscores["motor"] == pytest.approx(6.0)
    assert result.subscores["sensory"] == pytest.approx(5.5)


@pytest.mark.parametrize(
    ("item", "bad"),
    [
        ("fingers", 0.5),
        ("shoulder_elbow", -1.5),
        ("shoulder_elbow", 1),
        ("lower_extremity", 3.5),
        ("sensory_upper", 2.5),
        ("bladder", 1.5),
    ],
)
def test_joa_1994_validates_each_entry_against_the_allowed_values(item, bad):
    """proms.md §4b: validate that each entry is one of the allowed values."""
    with pytest.raises(ScoreInputError) as error:
        joa.score(dict(BEST, **{item: bad}))
    assert error.value.item == item


def test_joa_1994_all_items_required():
    """proms.md §4b: clinician-rated; all items required (no imputation)."""
    result = joa.score(dict(BEST, fingers=None))
    assert result.value is None and result.missing_items == ("fingers",)


def test_joa_1994_recovery_rate_still_uses_17():
    """proms.md §4c: the same formula is used for the 1994 version (denominator still 17)."""
    assert joa.recovery_rate(-2, 17).value == 100
    assert joa.recovery_rate(7, 12).value == pytest.approx(50)
    assert joa.recovery_rate(7, -2).value == pytest.approx(-90)
    with pytest.raises(ScoreInputError):
        joa.recovery_rate(-2.5, 3)
