"""mJOA, Benzel 1991 (proms.md §5): ranges, severity bands, recovery rate."""

from __future__ import annotations

import pytest

from spinescores.errors import ScoreInputError
from spinescores.prom import mjoa

BEST = {"upper_motor": 5, "lower_motor": 7, "upper_sensory": 3, "sphincter": 3}


def test_mjoa_domains_add_up_to_18_not_17():
    """proms.md §5 [V]: 5 + 7 + 3 + 3 = 18; labelling it 'out of 17' is wrong."""
    assert mjoa.score(BEST).value == 18
    assert mjoa.score(dict.fromkeys(BEST, 0)).value == 0
    assert mjoa.INSTRUMENT.version == "mjoa@Benzel1991"


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (18, "normal"),
        (17, "mild"),
        (15, "mild"),
        (14, "moderate"),
        (12, "moderate"),
        (11, "severe"),
        (0, "severe"),
    ],
)
def test_mjoa_tetreault_severity_on_both_sides_of_each_cut_point(total, band):
    """proms.md §5 [V], Tetreault 2017: mild 15–17 · moderate 12–14 · severe 0–11; 18 = normal."""
    values, remaining = {}, total
    for item in mjoa.INSTRUMENT.items:
        values[item.id] = min(item.allowed_values[-1], remaining)
        remaining -= values[item.id]
    result = mjoa.score(values)
    assert result.value == total and result.interpretation == band
    assert mjoa.severity(total) == band


def test_mjoa_no_imputation():
    result = mjoa.score(dict(BEST, sphincter=None))
    assert result.value is None and result.interpretation is None and result.missing_items == ("sphincter",)


@pytest.mark.parametrize(
    ("item", "bad"), [("upper_motor", 6), ("lower_motor", 8), ("upper_sensory", 4), ("sphincter", -1)]
)
def test_mjoa_rejects_values_outside_each_domain(item, bad):
    with pytest.raises(ScoreInputError) as error:
        mjoa.score(dict(BEST, **{item: bad}))
    assert error.value.item == item


def test_mjoa_recovery_rate_uses_18():
    """proms.md §5: (post − pre) / (18 − pre) × 100; undefined if pre = 18."""
    assert mjoa.recovery_rate(10, 14).value == pytest.approx(50)
    assert mjoa.recovery_rate(18, 17).value is None
    assert mjoa.recovery_rate(12, 18).interpretation == "excellent"
    with pytest.raises(ScoreInputError):
        mjoa.recovery_rate(10, 19)
