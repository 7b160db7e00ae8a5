"""Over-dispersion of performance indicators (outcomes.md section 4.3, Spiegelhalter 2005 QSHC 14:347).

When units differ more than chance allows, plain funnel limits flag too many units. The z-scores
of the units give a dispersion factor phi (after winsorising 10 % at each end, so one extreme unit
cannot hide or create over-dispersion) and, for the additive random-effects model the author
prefers, a between-unit variance tau^2.

OpenSpine winsorising rule [R, outcomes.md 4.3]: sort the I z-scores, k = floor(0.1 I); set the k
smallest to the (k+1)-th smallest and the k largest to the (k+1)-th largest. (FunnelPlotR uses
interpolated quantiles, so its phi differs slightly.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from openspine.analytics.methods._base import (
    ALARM,
    ALERT,
    AnalyticsInputError,
    Params,
    check_choice,
    check_count,
    check_number,
    params,
)
from openspine.analytics.methods.funnel import FunnelLimits, Limits


@dataclass(frozen=True)
class Overdispersion:
    """phi, its chi-square test, tau^2 and the z-scores they came from."""

    method: str
    units: int
    winsorised_each_end: int
    z_scores: tuple[float, ...]
    winsorised_z_scores: tuple[float, ...]
    phi: float
    chi_square: float
    degrees_of_freedom: int
    p_value: float
    tau2: float
    target: float
    parameters: Params = ()

    @property
    def significant(self) -> bool:
        """True when the chi-square test rejects "no over-dispersion" at 5 %."""
        return self.p_value < 0.05


def winsorise(values: Sequence[float], fraction: float = 0.1) -> tuple[float, ...]:
    """Return ``values`` (in their order) with the k = floor(fraction I) extremes at each end pulled in."""
    fraction = check_number("fraction", fraction, low=0, high=0.5, open_high=True)
    ordered = sorted(values)
    k = math.floor(fraction * len(ordered))
    if k == 0:
        return tuple(values)
    low, high = ordered[k], ordered[-k - 1]
    return tuple(min(max(v, low), high) for v in values)


def proportion_z_scores(events: Sequence[int], sizes: Sequence[int], target: float) -> tuple[float, ...]:
    """Return z_i = (y_i - theta0) / sqrt(theta0 (1 - theta0) / n_i) for each unit (section 4.3)."""
    target = check_number("target", target, low=0, high=1, open_low=True, open_high=True)
    _same_length(events, sizes, "sizes")
    scores = []
    for count, n in zip(events, sizes, strict=True):
        n = check_count("sizes", n, minimum=1)
        count = check_count("events", count)
        if count > n:
            raise AnalyticsInputError("events", count, f"a whole number from 0 to n = {n}")
        scores.append((count / n - target) / math.sqrt(target * (1 - target) / n))
    return tuple(scores)


def ratio_z_scores(observed: Sequence[int], expected: Sequence[float]) -> tuple[float, ...]:
    """Return z_i = (O_i/E_i - 1) / sqrt(1/E_i) for each unit's O/E (section 4.3)."""
    _same_length(observed, expected, "expected")
    scores = []
    for o, e in zip(observed, expected, strict=True):
        o = check_count("observed", o)
        e = check_number("expected", e, low=0, open_low=True)
        scores.append((o / e - 1) / math.sqrt(1 / e))
    return tuple(scores)


def _same_length(first: Sequence, second: Sequence, name: str) -> None:
    if len(first) != len(second):
        raise AnalyticsInputError(name, len(second), f"one value per unit ({len(first)})")
    if len(first) < 2:
        raise AnalyticsInputError("units", len(first), "at least 2 units")


def estimate(
    z_scores: Sequence[float], standard_errors: Sequence[float], *, target: float, method: str
) -> Overdispersion:
    """Return phi (winsorised), the chi-square test and tau^2 from z-scores and the units' s_i.

    phi = (1/I) sum z_w^2 over the winsorised z-scores; the test compares I phi computed from the
    unwinsorised z-scores with chi2_I; with w_i = 1/s_i^2,
    tau^2 = (I phi - (I - 1)) / (sum w_i - sum w_i^2 / sum w_i), or 0 when I phi < I - 1.

    References
    ----------
    Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health Care
    2005;14:347-51.
    """
    if len(z_scores) != len(standard_errors) or len(z_scores) < 2:
        raise AnalyticsInputError("standard_errors", len(standard_errors), "one per z-score, at least 2")
    units = len(z_scores)
    winsorised = winsorise(z_scores)
    phi = sum(z * z for z in winsorised) / units
    statistic = sum(z * z for z in z_scores)
    weights = [1 / check_number("standard_errors", s, low=0, open_low=True) ** 2 for s in standard_errors]
    excess = units * phi - (units - 1)
    denominator = sum(weights) - sum(w * w for w in weights) / sum(weights)
    tau2 = excess / denominator if excess > 0 else 0.0
    return Overdispersion(
        method=method,
        units=units,
        winsorised_each_end=math.floor(0.1 * units),
        z_scores=tuple(z_scores),
        winsorised_z_scores=winsorised,
        phi=phi,
        chi_square=statistic,
        degrees_of_freedom=units,
        p_value=float(stats.chi2.sf(statistic, units)),
        tau2=tau2,
        target=target,
        parameters=params(winsorise_fraction=0.1, target=target),
    )


def for_proportions(events: Sequence[int], sizes: Sequence[int], target: float) -> Overdispersion:
    """Return the over-dispersion of unit proportions around ``target`` (s_i = sqrt(theta0(1-theta0)/n_i))."""
    scores = proportion_z_scores(events, sizes, target)
    errors = [math.sqrt(target * (1 - target) / n) for n in sizes]
    return estimate(scores, errors, target=target, method="proportion")


def for_ratios(observed: Sequence[int], expected: Sequence[float]) -> Overdispersion:
    """Return the over-dispersion of unit O/E ratios around 1 (s_i = sqrt(1/E_i))."""
    scores = ratio_z_scores(observed, expected)
    errors = [math.sqrt(1 / e) for e in expected]
    return estimate(scores, errors, target=1.0, method="ratio")


def adjusted_limits(
    dispersion: Overdispersion, standard_error: float, precision: float, *, model: str = "additive"
) -> FunnelLimits:
    """Return over-dispersion-adjusted 95 % / 99.8 % limits for one unit's s_i (section 4.3).

    ``additive`` (random effects, preferred): theta0 +/- z_p sqrt(s_i^2 + tau^2);
    ``multiplicative``: theta0 +/- z_p sqrt(phi) s_i, used only when phi > 1 (otherwise phi = 1).
    """
    check_choice("model", model, ("additive", "multiplicative"))
    s = check_number("standard_error", standard_error, low=0, open_low=True)
    if model == "additive":
        spread = math.sqrt(s * s + dispersion.tau2)
    else:
        spread = math.sqrt(max(dispersion.phi, 1.0)) * s
    limits = []
    for level in (ALERT, ALARM):
        half = stats.norm.ppf(1 - (1 - level) / 2) * spread
        lower, upper = dispersion.target - half, dispersion.target + half
        if dispersion.method == "proportion":
            lower, upper = max(lower, 0.0), min(upper, 1.0)
        limits.append(Limits(level, float(max(lower, 0.0)), float(upper)))
    return FunnelLimits(
        f"overdispersed_{model}",
        dispersion.target,
        precision,
        tuple(limits),
        params(phi=dispersion.phi, tau2=dispersion.tau2, standard_error=s, model=model),
    )
