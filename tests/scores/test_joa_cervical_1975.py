"""JOA cervical 1975 (proms.md §4a) and the Hirabayashi recovery rate (§4c)."""

from __future__ import annotations

import pytest
from _promtools import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from spinescores.errors import ScoreInputError
from spinescores.prom import joa_cervical_1975 as joa
from spinescores.prom import joa_cervical_1994

FULL = {
    "upper_motor": 4,
    "lower_motor": 4,
    "sensory_upper": 2,
    "sensory_lower": 2,
    "sensory_trunk": 2,
    "bladder": 3,
}


def test_joa_1975_domain_ranges_add_up_to_17():
    """proms.md §4a [V]: 4 + 4 + 2 + 2 + 2 + 3 = 17."""
    assert joa.score(FULL).value == 17
    assert joa.score(dict.fromkeys(FULL, 0)).value == 0
    assert [i.allowed_values[-1] for i in joa.INSTRUMENT.items] == [4, 4, 2, 2, 2, 3]


def test_joa_1975_subscores():
    result = joa.score(dict(FULL, upper_motor=2, sensory_trunk=1, bladder=2))
    assert dict(result.subscores) == {"motor": 6, "sensory": 5, "bladder": 2}
    assert result.value == 13


def test_joa_1975_all_items_required_no_imputation():
    result = joa.score(dict(FULL, bladder=None))
    assert result.value is None and result.missing_items == ("bladder",) and not result.subscores


def test_joa_1975_has_no_severity_band():
    """proms.md §4c: severity bands for the JOA total are not standardised."""
    assert joa.score(FULL).interpretation is None


def test_joa_1975_and_1994_are_separate_codes_and_versions():
    """proms.md §4: not interchangeable; store which version."""
    assert joa.INSTRUMENT.version == "joa_cervical@1975"
    assert joa_cervical_1994.INSTRUMENT.version == "joa_cervical@1994"


@pytest.mark.parametrize("bad", [5, -1, 0.5, "4"])
def test_joa_1975_rejects_half_points_and_out_of_range(bad):
    with pytest.raises(ScoreInputError, match="upper_motor"):
        joa.score(dict(FULL, upper_motor=bad))


def test_hirabayashi_recovery_rate_formula():
    """proms.md §4c: RR = (post − pre) / (17 − pre) × 100; 8 → 12.5 = 50 %."""
    result = joa.recovery_rate(8, 12.5)
    assert result.value == pytest.approx(50.0)
    assert result.interpretation == "good" and result.grading == "hirabayashi"


def test_hirabayashi_recovery_rate_is_undefined_when_pre_is_17():
    """proms.md §4c: undefined when pre = 17 (store null with reason)."""
    result = joa.recovery_rate(17, 16)
    assert result.value is None and "maximum" in result.details["reason"]


def test_hirabayashi_negative_rate_is_valid_deterioration():
    result = joa.recovery_rate(10, 8)
    assert result.value == pytest.approx(-200 / 7) and result.interpretation == "poor"


@pytest.mark.parametrize(
    ("pre", "post", "band"),
    [
        (9, 15, "excellent"),
        (9, 14.9, "good"),
        (9, 13, "good"),
        (9, 12.9, "fair"),
        (9, 11, "fair"),
        (9, 10.9, "poor"),
    ],
)
def test_hirabayashi_bands_on_both_sides_of_each_cut_point(pre, post, band):
    """proms.md §4c [V]: ≥75 % excellent · 50–74 % good · 25–49 % fair · <25 % poor."""
    assert joa.recovery_rate(pre, post).interpretation == band


@pytest.mark.parametrize(
    ("pre", "post", "band"),
    [
        (7, 17, "cured"),
        (7, 16.9, "markedly_effective"),
        (7, 13.1, "markedly_effective"),
        (7, 13, "effective"),
        (7, 9.5, "effective"),
        (7, 9.4, "ineffective"),
    ],
)
def test_chinese_efficacy_grading_on_both_sides_of_each_cut_point(pre, post, band):
    """proms.md §4c [V]: 100 % cured · >60 % markedly effective · 25–60 % effective · <25 % ineffective."""
    result = joa.recovery_rate(pre, post, grading="efficacy")
    assert result.interpretation == band and result.grading == "efficacy"


def test_recovery_rate_accepts_score_results():
    pre = joa.score(dict(FULL, upper_motor=0, lower_motor=0))
    assert joa.recovery_rate(pre, joa.score(FULL)).value == 100


@pytest.mark.parametrize(
    ("pre", "post"), [(18, 10), (-1, 10), (10, 17.5), ("9", 10), (None, 10), (True, 10), (float("nan"), 10)]
)
def test_recovery_rate_rejects_totals_off_the_scale(pre, post):
    with pytest.raises(ScoreInputError):
        joa.recovery_rate(pre, post)


def test_recovery_rate_rejects_a_result_without_total():
    with pytest.raises(ScoreInputError, match="no total"):
        joa.recovery_rate(joa.score({}), 10)


def test_recovery_rate_rejects_unknown_grading():
    with pytest.raises(ScoreInputError, match="grading"):
        joa.recovery_rate(5, 10, grading="jp")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_joa_1975_is_monotonic(data):
    values = data.draw(responses(joa.INSTRUMENT))
    item = data.draw(st.sampled_from(joa.INSTRUMENT.items))
    if values[item.id] < item.allowed_values[-1]:
        assert joa.score(dict(values, **{item.id: values[item.id] + 1})).value > joa.score(values).value
