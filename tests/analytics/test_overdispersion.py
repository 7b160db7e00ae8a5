"""Over-dispersion (outcomes.md 4.3, Spiegelhalter 2005 QSHC 14:347) on hand-worked z-scores."""

import math

import pytest

from openspine.analytics.methods import funnel, overdispersion
from openspine.analytics.methods._base import AnalyticsInputError


def test_winsorising_pulls_in_floor_ten_percent_at_each_end():
    """I = 25 -> k = 2: the two smallest become the 3rd smallest, the two largest the 3rd largest."""
    values = list(range(25))
    result = overdispersion.winsorise(values)
    assert result[:3] == (2, 2, 2) and result[-3:] == (22, 22, 22)
    assert overdispersion.winsorise([3, 1, 2]) == (3, 1, 2)  # k = 0 below 10 units


def test_phi_and_tau2_of_an_over_dispersed_hand_example():
    """z = -4..5, s_i = 0.1 (w_i = 100): winsorised z^2 sum to 69, phi = 6.9; I phi - (I - 1) = 60,
    sum w - sum w^2 / sum w = 1000 - 100 = 900, tau^2 = 60/900; unwinsorised chi-square = 85 on 10 df."""
    z = [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5]
    result = overdispersion.estimate(z, [0.1] * 10, target=0.2, method="proportion")
    assert result.phi == pytest.approx(6.9)
    assert result.tau2 == pytest.approx(60 / 900)
    assert (result.chi_square, result.degrees_of_freedom) == (85, 10)
    assert result.significant and result.winsorised_each_end == 1


def test_tau2_is_zero_without_excess_dispersion():
    """Winsorised z^2 sum to 8.31 < I - 1 = 9, so tau^2 = 0."""
    z = [-3, -1, -0.5, 0, 0.2, 0.4, 0.6, 1, 1.5, 4]
    result = overdispersion.estimate(z, [0.1] * 10, target=0.2, method="proportion")
    assert result.phi == pytest.approx(0.831)
    assert result.tau2 == 0.0


def test_proportion_and_ratio_z_scores():
    assert overdispersion.proportion_z_scores([20, 5], [100, 100], 0.1) == pytest.approx((10 / 3, -5 / 3))
    assert overdispersion.ratio_z_scores([16, 4], [16.0, 4.0]) == pytest.approx((0.0, 0.0))


def test_adjusted_limits_widen_by_tau2_or_phi():
    dispersion = overdispersion.for_proportions([30, 2, 10, 25, 5, 12, 8, 40, 9, 11], [100] * 10, 0.15)
    s = math.sqrt(0.15 * 0.85 / 100)
    plain = funnel.proportion_limits(0.15, 100, method="normal").at(0.95)
    additive = overdispersion.adjusted_limits(dispersion, s, 100).at(0.95)
    multiplicative = overdispersion.adjusted_limits(dispersion, s, 100, model="multiplicative").at(0.95)
    assert dispersion.tau2 > 0 and dispersion.phi > 1
    assert additive.upper - 0.15 == pytest.approx(1.959964 * math.sqrt(s * s + dispersion.tau2), rel=1e-6)
    assert additive.lower == 0.0  # clipped to [0, 1] for a proportion
    assert multiplicative.upper - 0.15 == pytest.approx(1.959964 * math.sqrt(dispersion.phi) * s, rel=1e-6)
    assert additive.upper > plain.upper


def test_ratio_over_dispersion_targets_one():
    result = overdispersion.for_ratios([5, 30, 12, 8], [10.0, 10.0, 10.0, 10.0])
    assert result.target == 1.0 and result.method == "ratio"
    assert result.z_scores[0] == pytest.approx((0.5 - 1) / math.sqrt(0.1))


def test_bad_input_is_refused_by_name():
    with pytest.raises(AnalyticsInputError, match="sizes"):
        overdispersion.proportion_z_scores([1, 2], [10], 0.1)
    with pytest.raises(AnalyticsInputError, match="events"):
        overdispersion.proportion_z_scores([11, 2], [10, 10], 0.1)
    with pytest.raises(AnalyticsInputError, match="units"):
        overdispersion.ratio_z_scores([1], [1.0])
