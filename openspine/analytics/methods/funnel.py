"""Funnel-plot control limits (outcomes.md section 4, Spiegelhalter 2005 Stat Med 24:1185-1202).

A funnel plot puts each unit (surgeon, procedure group) at its precision (n operations for a
proportion, E for an O/E ratio) against its indicator, with limits around the target at 95 %
("alert") and 99.8 % ("alarm"). Limits here are per precision value; a chart evaluates them over
a grid (:func:`funnel_curve`). Points are classified, never ranked (section 9).

Methods (the ``method`` names on every result):

- ``exact_binomial_interp`` (default for proportions, section 4.2): Spiegelhalter's appendix.
  For each tail probability p, r_p is the smallest r with P(Y <= r) >= p, Y ~ Bin(n, theta0);
  alpha = (P(Y <= r_p) - p) / (P(Y <= r_p) - P(Y <= r_p - 1)); limit = (r_p - alpha) / n,
  clipped to [0, 1].
- ``normal`` (section 4.2): theta0 +/- z_p sqrt(theta0 (1 - theta0) / n).
- ``exact_poisson_interp`` (default for O/E, section 4.4): the same interpolation with
  Poisson(E) quantiles, limit = (r_p - alpha) / E, target 1. Seaton & Manktelow 2012 (BMC Med Res
  Methodol 12:98) favour these probability-based limits over CI-based ones.
- ``normal_ratio``: 1 +/- z_p sqrt(1/E); ``log_normal_ratio`` (SHMI style): exp(+/- z_p sqrt(1/E + tau2)).
- ``chi_square_ratio`` (FunnelPlotR's unadjusted form, a documented alternative):
  lower = chi2_p(2E)/(2E), upper = chi2_{1-p}(2E+2)/(2E).
- ``normal_mean`` (section 4.2, continuous indicators such as observed - expected PROM change):
  target +/- z_p sigma / sqrt(n).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scipy import stats

from openspine.analytics.methods._base import (
    ALARM,
    ALERT,
    Params,
    check_choice,
    check_count,
    check_number,
    params,
)

LEVELS = (ALERT, ALARM)
PROPORTION_METHODS = ("exact_binomial_interp", "normal")
RATIO_METHODS = ("exact_poisson_interp", "normal_ratio", "log_normal_ratio", "chi_square_ratio")


@dataclass(frozen=True)
class Limits:
    """Lower and upper funnel limits at one coverage (0.95 or 0.998)."""

    level: float
    lower: float
    upper: float


@dataclass(frozen=True)
class FunnelLimits:
    """The funnel limits for one precision value (n or E), with the method and its parameters."""

    method: str
    target: float
    precision: float
    limits: tuple[Limits, ...]
    parameters: Params = ()

    def at(self, level: float) -> Limits:
        """Return the limits at ``level`` (0.95 or 0.998)."""
        return next(limit for limit in self.limits if math.isclose(limit.level, level))

    def classify(self, value: float) -> str:
        """Return ``inside``, ``alert_low``/``alert_high`` (outside 95 %) or ``alarm_low``/``alarm_high``."""
        value = check_number("value", value)
        alarm, alert = self.at(ALARM), self.at(ALERT)
        if value < alarm.lower:
            return "alarm_low"
        if value > alarm.upper:
            return "alarm_high"
        if value < alert.lower:
            return "alert_low"
        if value > alert.upper:
            return "alert_high"
        return "inside"


def _tails(level: float) -> tuple[float, float]:
    return (1 - level) / 2, 1 - (1 - level) / 2


def _interpolated_quantile(distribution, p: float) -> float:
    """Return r_p - alpha of Spiegelhalter's appendix for a discrete ``distribution`` (frozen scipy)."""
    r = int(distribution.ppf(p))
    # ppf works in floating point: step until r is exactly the smallest integer with cdf(r) >= p
    while r > 0 and distribution.cdf(r - 1) >= p:
        r -= 1
    while distribution.cdf(r) < p:
        r += 1
    at_r = distribution.cdf(r)
    below = distribution.cdf(r - 1) if r > 0 else 0.0
    alpha = (at_r - p) / (at_r - below)
    return r - alpha


def proportion_limits(target: float, n: int, *, method: str = "exact_binomial_interp") -> FunnelLimits:
    """Return the 95 % and 99.8 % funnel limits for a proportion with target ``target`` at size ``n``.

    Parameters
    ----------
    target : float
        theta0, the pooled rate of the comparison population, strictly between 0 and 1.
    n : int
        Number of index operations of the unit (its precision).
    method : {"exact_binomial_interp", "normal"}

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-1202 (appendix: exact binomial limits with interpolation; Table I).
    """
    check_choice("method", method, PROPORTION_METHODS)
    target = check_number("target", target, low=0, high=1, open_low=True, open_high=True)
    n = check_count("n", n, minimum=1)
    limits = []
    for level in LEVELS:
        low_p, high_p = _tails(level)
        if method == "normal":
            half = stats.norm.ppf(high_p) * math.sqrt(target * (1 - target) / n)
            lower, upper = target - half, target + half
        else:
            binomial = stats.binom(n, target)
            lower = _interpolated_quantile(binomial, low_p) / n
            upper = _interpolated_quantile(binomial, high_p) / n
        limits.append(Limits(level, float(min(max(lower, 0.0), 1.0)), float(min(max(upper, 0.0), 1.0))))
    return FunnelLimits(method, target, n, tuple(limits), params(target=target, n=n))


def ratio_limits(expected: float, *, method: str = "exact_poisson_interp", tau2: float = 0.0) -> FunnelLimits:
    """Return the 95 % and 99.8 % funnel limits for an O/E ratio (target 1) at expected count E.

    ``tau2`` (the additive random-effects variance on the log scale) is used only by
    ``log_normal_ratio``; outcomes.md section 4.4.

    References
    ----------
    Spiegelhalter 2005 Stat Med 24:1185 (Poisson limits, Table I); Seaton SE, Manktelow BN. BMC
    Med Res Methodol 2012;12:98; FunnelPlotR (chi-square form).
    """
    check_choice("method", method, RATIO_METHODS)
    expected = check_number("expected", expected, low=0, open_low=True)
    tau2 = check_number("tau2", tau2, low=0)
    limits = []
    for level in LEVELS:
        low_p, high_p = _tails(level)
        z = stats.norm.ppf(high_p)
        if method == "exact_poisson_interp":
            poisson = stats.poisson(expected)
            lower = _interpolated_quantile(poisson, low_p) / expected
            upper = _interpolated_quantile(poisson, high_p) / expected
        elif method == "normal_ratio":
            lower, upper = 1 - z * math.sqrt(1 / expected), 1 + z * math.sqrt(1 / expected)
        elif method == "log_normal_ratio":
            spread = z * math.sqrt(1 / expected + tau2)
            lower, upper = math.exp(-spread), math.exp(spread)
        else:
            lower = stats.chi2.ppf(low_p, 2 * expected) / (2 * expected)
            upper = stats.chi2.ppf(high_p, 2 * expected + 2) / (2 * expected)
        limits.append(Limits(level, max(float(lower), 0.0), float(upper)))
    return FunnelLimits(method, 1.0, expected, tuple(limits), params(expected=expected, tau2=tau2))


def mean_limits(sigma: float, n: int, *, target: float = 0.0) -> FunnelLimits:
    """Return funnel limits for the mean of a continuous indicator: target +/- z_p sigma / sqrt(n).

    ``sigma`` is the residual SD of the risk model (outcomes.md section 4.2, Spiegelhalter 2005
    Table I, normal case).
    """
    sigma = check_number("sigma", sigma, low=0, open_low=True)
    n = check_count("n", n, minimum=1)
    target = check_number("target", target)
    limits = []
    for level in LEVELS:
        half = stats.norm.ppf(_tails(level)[1]) * sigma / math.sqrt(n)
        limits.append(Limits(level, target - half, target + half))
    return FunnelLimits("normal_mean", target, n, tuple(limits), params(sigma=sigma, n=n, target=target))


def funnel_curve(
    target: float, precisions: Iterable[float], *, kind: str = "proportion", method: str | None = None
) -> tuple[FunnelLimits, ...]:
    """Return limits over a grid of precision values, for drawing the funnel as smooth curves.

    ``kind`` is ``proportion`` (precisions are n, whole numbers) or ``ratio`` (precisions are E;
    ``target`` must then be 1).
    """
    check_choice("kind", kind, ("proportion", "ratio"))
    if kind == "proportion":
        chosen = method or "exact_binomial_interp"
        return tuple(proportion_limits(target, n, method=chosen) for n in precisions)
    check_choice("target", target, (1, 1.0))
    chosen = method or "exact_poisson_interp"
    return tuple(ratio_limits(e, method=chosen) for e in precisions)
