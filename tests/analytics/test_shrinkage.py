"""Reliability and shrinkage (outcomes.md 3.4), hand-worked."""

import math

import pytest

from openspine.analytics.methods import shrinkage
from openspine.analytics.methods._base import AnalyticsInputError


def test_reliability_of_a_proportion():
    """s2_between 0.01, p = 0.5 (s2_within 0.25), n = 30: 0.01 / (0.01 + 0.25/30) = 6/11."""
    assert shrinkage.proportion_reliability(0.01, 0.5, 30) == pytest.approx(6 / 11)


def test_cases_needed_reaches_the_target_reliability():
    """n = 0.7/0.3 x 0.25/0.01 = 58.3 -> 59 cases."""
    n = shrinkage.cases_needed(0.7, 0.01, 0.25)
    assert n == 59
    assert shrinkage.reliability(0.01, 0.25, n) >= 0.7 > shrinkage.reliability(0.01, 0.25, n - 1)


def test_shrunken_rate_is_the_reliability_weighted_average():
    """6/30 with overall 0.1, s2_between 0.01: R = 0.01/(0.01 + 0.09/30) = 10/13."""
    result = shrinkage.shrink_rate(6, 30, overall=0.1, between_variance=0.01)
    assert result.reliability == pytest.approx(10 / 13)
    assert result.shrunken == pytest.approx(10 / 13 * 0.2 + 3 / 13 * 0.1)
    assert (result.numerator, result.denominator) == (6, 30)


def test_log_oe_is_shrunk_toward_one():
    """O = 20, E = 10, tau2 = 0.1, v = 1/E = 0.1: w = 1/2, shrunken O/E = 2^(1/2)."""
    result = shrinkage.shrink_ratio(20, 10.0, tau2=0.1)
    assert result.weight == pytest.approx(0.5)
    assert result.shrunken_ratio == pytest.approx(math.sqrt(2))
    assert shrinkage.shrink_ratio(0, 4.0, tau2=0.0).shrunken_ratio == 1.0


@pytest.mark.parametrize(
    ("n", "r", "allowed", "reason"),
    [
        (29, 0.95, False, "too_few_cases"),
        (30, 0.69, False, "low_reliability"),
        (30, 0.70, True, ""),
        (100, None, False, "reliability_unknown"),
    ],
)
def test_comparison_needs_30_cases_and_reliability_070(n, r, allowed, reason):
    result = shrinkage.comparison_eligibility(n, r)
    assert (result.allowed, result.reason) == (allowed, reason)


def test_bad_input_is_refused_by_name():
    with pytest.raises(AnalyticsInputError, match="within_variance"):
        shrinkage.reliability(0.1, 0, 10)
    with pytest.raises(AnalyticsInputError, match="target_reliability"):
        shrinkage.cases_needed(1.0, 0.1, 0.2)
