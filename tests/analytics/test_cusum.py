"""RA-CUSUM, VLAD and learning curves (outcomes.md section 5), hand-worked."""

import math

import pytest

from openspine.analytics.methods import cusum
from openspine.analytics.methods._base import AnalyticsInputError


@pytest.mark.parametrize(
    ("odds_ratio", "risk", "death", "survival"),
    [
        # Steiner 2000: W = y ln R_A - ln(1 - p + R_A p); for R_A = 2 that is ln 2 - ln(1 + p) / -ln(1 + p)
        (2.0, 0.05, math.log(2) - math.log(1.05), -math.log(1.05)),
        (2.0, 0.20, 0.510826, -0.182322),
        # improvement chart, R_A = 0.5: ln 0.5 - ln(1 - p/2) / -ln(1 - p/2)
        (0.5, 0.20, -0.587787, 0.105361),
    ],
)
def test_steiner_weights_for_the_stated_odds_ratios(odds_ratio, risk, death, survival):
    assert cusum.steiner_weight(1, risk, odds_ratio) == pytest.approx(death, abs=1e-6)
    assert cusum.steiner_weight(0, risk, odds_ratio) == pytest.approx(survival, abs=1e-6)


def test_ra_cusum_accumulates_floors_at_zero_signals_and_resets():
    """p = 0.2, R_A = 2: deaths add 0.510826, survivals subtract 0.182322; h = 1.0. The chart shows
    1.021651 at the signal, then restarts from 0 (floored: the next survival leaves it at 0)."""
    chart = cusum.ra_cusum([0, 1, 1, 0, 1, 0], [0.2] * 6, limit=1.0)
    assert chart.values == pytest.approx((0, 0.510826, 1.021651, 0, 0.510826, 0.328504), abs=1e-6)
    assert chart.signals == (2,)
    assert (chart.numerator, chart.denominator, chart.expected) == (3, 6, pytest.approx(1.2))
    no_reset = cusum.ra_cusum([0, 1, 1, 0], [0.2] * 4, limit=1.0, reset=False)
    assert no_reset.values[3] == pytest.approx(1.021651 - 0.182322, abs=1e-6)


def test_ra_cusum_equals_the_bernoulli_cusum_when_all_risks_are_equal():
    outcomes = [0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0]
    bernoulli = cusum.bernoulli_cusum(outcomes, risk=0.15, limit=0.8)
    adjusted = cusum.ra_cusum(outcomes, [0.15] * len(outcomes), limit=0.8)
    assert bernoulli.values == adjusted.values and bernoulli.signals == adjusted.signals
    assert bernoulli.method == "bernoulli_cusum"


def test_vlad_is_cumulative_expected_minus_observed():
    chart = cusum.vlad([0, 1, 0, 0], [0.1, 0.3, 0.2, 0.4])
    assert chart.values == pytest.approx((0.1, -0.6, -0.4, 0.0))


def test_learning_curve_sprt_boundaries_for_10_and_20_percent():
    """p0 = 0.10, p1 = 0.20, alpha = beta = 0.05: P = ln 2, Q = ln(0.9/0.8), s = Q/(P+Q) = 0.1452,
    h0 = h1 = ln 19 / (P+Q) = 3.6309."""
    curve = cusum.learning_curve_cusum([0] * 30, acceptable_rate=0.10, unacceptable_rate=0.20)
    assert curve.step == pytest.approx(0.145245, abs=1e-6)
    assert (curve.lower_boundary, curve.upper_boundary) == pytest.approx((-3.63094, 3.63094), abs=1e-5)
    assert curve.first_acceptable == 24  # 25 successes: -25 s = -3.631 crosses -h0
    assert curve.first_unacceptable is None
    bad = cusum.learning_curve_cusum([1] * 5, acceptable_rate=0.10, unacceptable_rate=0.20)
    assert bad.first_unacceptable == 4  # 5 (1 - s) = 4.27 >= 3.63; 4 (1 - s) = 3.42 is not


def test_descriptive_cusum_ends_at_zero_and_names_its_turning_point():
    result = cusum.descriptive_cusum([120, 110, 100, 80, 70, 60])
    assert result.values[-1] == pytest.approx(0)
    assert result.turning_point == 2 and result.label == "descriptive"


def test_choose_threshold_reaches_the_target_in_control_arl():
    small = cusum.choose_threshold([0.1] * 20, target_arl=100, runs=1000)
    large = cusum.choose_threshold([0.1] * 20, target_arl=400, runs=1000)
    assert small.simulated_arl == pytest.approx(100, rel=0.15)
    assert large.limit > small.limit
    assert small.seed == 20260101 and small.runs == 1000


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: cusum.ra_cusum([0, 1], [0.1]), "risks"),
        (lambda: cusum.ra_cusum([2], [0.1]), "outcomes"),
        (lambda: cusum.ra_cusum([1], [0.1], odds_ratio=1), "odds_ratio"),
        (
            lambda: cusum.learning_curve_cusum([1], acceptable_rate=0.2, unacceptable_rate=0.1),
            "unacceptable_rate",
        ),
        (lambda: cusum.descriptive_cusum([1]), "measures"),
    ],
)
def test_bad_input_is_refused_by_name(call, field):
    with pytest.raises(AnalyticsInputError) as error:
        call()
    assert error.value.field == field
