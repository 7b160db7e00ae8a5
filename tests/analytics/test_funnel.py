"""Funnel limits of outcomes.md 4.2 and 4.4 against hand-worked binomial and Poisson cases.

The exact cases use integer binomial coefficients (math.comb) and Poisson terms written out, not
scipy, and follow the interpolation as printed in Spiegelhalter 2005's appendix.
"""

import math
from fractions import Fraction

import pytest

from openspine.analytics.methods import funnel
from openspine.analytics.methods._base import AnalyticsInputError


def _hand_binomial_limit(n, theta, p):
    cdf, r = Fraction(0), -1
    while True:
        r += 1
        previous = cdf
        cdf += Fraction(math.comb(n, r)) * theta**r * (1 - theta) ** (n - r)
        if cdf >= p:
            alpha = (cdf - p) / (cdf - previous)
            return float((r - alpha) / n)


@pytest.mark.parametrize(("level", "tail"), [(0.95, Fraction(25, 1000)), (0.998, Fraction(1, 1000))])
def test_exact_binomial_limits_match_a_hand_worked_case(level, tail):
    """n = 10, theta0 = 1/2: P(Y <= 1) = 11/1024, P(Y <= 2) = 56/1024, so the 95 % lower limit is
    (2 - (56/1024 - 0.025) / (45/1024)) / 10 = 0.132444..."""
    limits = funnel.proportion_limits(0.5, 10).at(level)
    half = Fraction(1, 2)
    assert limits.lower == pytest.approx(max(_hand_binomial_limit(10, half, tail), 0.0))
    assert limits.upper == pytest.approx(_hand_binomial_limit(10, half, 1 - tail))
    if level == 0.95:
        assert limits.lower == pytest.approx(0.1324444, abs=1e-6)


def test_exact_binomial_limits_are_clipped_to_zero_and_one():
    limits = funnel.proportion_limits(0.5, 1).at(0.95)
    assert (limits.lower, limits.upper) == pytest.approx((0.0, 0.95))


def test_normal_limits_use_spiegelhalter_table_i_z_values():
    """theta0 = 0.1, n = 100: 0.1 +/- 1.959964 x 0.03 and 0.1 +/- 3.090232 x 0.03."""
    result = funnel.proportion_limits(0.1, 100, method="normal")
    assert (result.at(0.95).lower, result.at(0.95).upper) == pytest.approx((0.041201, 0.158799), abs=1e-6)
    assert (result.at(0.998).lower, result.at(0.998).upper) == pytest.approx((0.007293, 0.192707), abs=1e-6)


def test_exact_poisson_limits_match_hand_worked_poisson_terms():
    """E = 10: the interpolated quantile of Poisson(10), terms e^-10 10^k / k! written out."""
    terms = [math.exp(-10) * 10**k / math.factorial(k) for k in range(60)]
    cumulative = [sum(terms[: k + 1]) for k in range(60)]

    def hand(p):
        r = next(k for k, c in enumerate(cumulative) if c >= p)
        below = cumulative[r - 1] if r else 0.0
        return (r - (cumulative[r] - p) / (cumulative[r] - below)) / 10

    result = funnel.ratio_limits(10.0)
    assert result.target == 1.0
    assert result.at(0.95).lower == pytest.approx(hand(0.025))
    assert result.at(0.998).upper == pytest.approx(hand(0.999))


def test_chi_square_ratio_limits_match_chi_square_tables():
    """E = 10: chi2_0.025(20) = 9.591 and chi2_0.975(22) = 36.781 (printed chi-square tables)."""
    limits = funnel.ratio_limits(10.0, method="chi_square_ratio").at(0.95)
    assert limits.lower == pytest.approx(9.591 / 20, abs=1e-4)
    assert limits.upper == pytest.approx(36.781 / 20, abs=1e-4)


def test_normal_and_log_normal_ratio_limits():
    normal = funnel.ratio_limits(25.0, method="normal_ratio").at(0.95)
    assert (normal.lower, normal.upper) == pytest.approx((1 - 1.959964 / 5, 1 + 1.959964 / 5), abs=1e-6)
    log = funnel.ratio_limits(25.0, method="log_normal_ratio", tau2=0.05).at(0.998)
    assert log.upper == pytest.approx(math.exp(3.090232 * math.sqrt(0.04 + 0.05)), abs=1e-5)
    assert log.lower * log.upper == pytest.approx(1.0)


def test_mean_limits_for_a_continuous_indicator():
    limits = funnel.mean_limits(10.0, 25).at(0.95)
    assert (limits.lower, limits.upper) == pytest.approx((-3.919928, 3.919928), abs=1e-5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.10, "inside"), (0.16, "alert_high"), (0.20, "alarm_high"), (0.03, "alert_low"), (0.0, "alarm_low")],
)
def test_points_are_classified_never_ranked(value, expected):
    assert funnel.proportion_limits(0.1, 100, method="normal").classify(value) == expected


def test_funnel_curve_over_a_grid():
    curve = funnel.funnel_curve(0.1, [10, 50, 100])
    assert [limits.precision for limits in curve] == [10, 50, 100]
    ratio = funnel.funnel_curve(1, [2.0, 5.0], kind="ratio")
    assert all(limits.method == "exact_poisson_interp" for limits in ratio)


def test_bad_input_is_refused_by_name():
    with pytest.raises(AnalyticsInputError, match="target"):
        funnel.proportion_limits(1.0, 10)
    with pytest.raises(AnalyticsInputError, match="method"):
        funnel.proportion_limits(0.1, 10, method="wilson")
    with pytest.raises(AnalyticsInputError, match="target"):
        funnel.funnel_curve(0.5, [2.0], kind="ratio")
