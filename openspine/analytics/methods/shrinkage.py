"""Reliability, empirical-Bayes shrinkage and the surgeon-comparison display rule (outcomes.md 3.4).

Reliability of a unit's rate: R = s2_between / (s2_between + s2_within / n), with
s2_within = p (1 - p) for a proportion (Adams JL et al. N Engl J Med 2010;362:1014: 0.70 is the
commonly used minimum). Shrunken rate = R x observed + (1 - R) x overall (Dimick JB, Staiger DO,
Birkmeyer JD. Health Serv Res 2010;45:1614, normal-normal approximation). On the log O/E scale:
shrink log(O/E) toward 0 with weight tau2 / (tau2 + v_i), v_i ~ 1/E_i (section 3.4 steps b-d).

Display rule [R, section 3.4]: a surgeon appears in a comparison only with n >= 30 index
operations in the period *and* R >= 0.70 for that indicator; otherwise "insufficient data for
comparison" (their own figures stay visible to themselves). Never ordinal ranks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from openspine.analytics.methods._base import Params, check_count, check_number, params

MIN_CASES_FOR_COMPARISON = 30
MIN_RELIABILITY_FOR_COMPARISON = 0.70


def reliability(between_variance: float, within_variance: float, n: int) -> float:
    """Return R = s2_between / (s2_between + s2_within / n) (section 3.4)."""
    between = check_number("between_variance", between_variance, low=0)
    within = check_number("within_variance", within_variance, low=0, open_low=True)
    n = check_count("n", n, minimum=1)
    return between / (between + within / n)


def proportion_reliability(between_variance: float, rate: float, n: int) -> float:
    """Return the reliability of a proportion, with s2_within = p (1 - p) of the overall rate ``rate``."""
    rate = check_number("rate", rate, low=0, high=1, open_low=True, open_high=True)
    return reliability(between_variance, rate * (1 - rate), n)


def cases_needed(target_reliability: float, between_variance: float, within_variance: float) -> int:
    """Return the n giving reliability ``target``: n = R/(1-R) x s2_within / s2_between, rounded up."""
    target = check_number(
        "target_reliability", target_reliability, low=0, high=1, open_low=True, open_high=True
    )
    between = check_number("between_variance", between_variance, low=0, open_low=True)
    within = check_number("within_variance", within_variance, low=0, open_low=True)
    return math.ceil(target / (1 - target) * within / between - 1e-9)


@dataclass(frozen=True)
class ShrunkenRate:
    """A unit's observed rate pulled toward the overall rate by its reliability."""

    method: str
    observed: float
    overall: float
    reliability: float
    shrunken: float
    numerator: int
    denominator: int
    parameters: Params = ()


def shrink_rate(events: int, n: int, *, overall: float, between_variance: float) -> ShrunkenRate:
    """Return R x observed + (1 - R) x overall for ``events / n`` (Dimick 2010; section 3.4)."""
    n = check_count("n", n, minimum=1)
    events = check_count("events", events)
    r = proportion_reliability(between_variance, overall, n)
    observed = events / n
    return ShrunkenRate(
        "reliability_shrinkage",
        observed,
        overall,
        r,
        r * observed + (1 - r) * overall,
        events,
        n,
        params(overall=overall, between_variance=between_variance),
    )


@dataclass(frozen=True)
class ShrunkenRatio:
    """A unit's O/E shrunk toward 1 on the log scale (section 3.4 steps b-d)."""

    method: str
    observed: int
    expected: float
    log_ratio: float
    weight: float
    shrunken_ratio: float
    parameters: Params = ()


def shrink_ratio(observed: int, expected: float, *, tau2: float, variance: str = "expected") -> ShrunkenRatio:
    """Return exp(w log(O/E)) with w = tau2 / (tau2 + v), v = 1/E (or 1/O with ``variance="observed"``).

    O = 0 has no log; it is taken as 0.5 events (the usual continuity choice), which is kept in
    the parameters so the figure can be regenerated. ``tau2`` comes from
    :func:`openspine.analytics.methods.overdispersion.for_ratios` (section 4.3).
    """
    observed = check_count("observed", observed)
    expected = check_number("expected", expected, low=0, open_low=True)
    tau2 = check_number("tau2", tau2, low=0)
    used = observed if observed > 0 else 0.5
    v = 1 / expected if variance == "expected" else 1 / used
    weight = tau2 / (tau2 + v)
    log_ratio = math.log(used / expected)
    return ShrunkenRatio(
        "log_oe_shrinkage",
        observed,
        expected,
        log_ratio,
        weight,
        math.exp(weight * log_ratio),
        params(tau2=tau2, variance=variance, zero_observed_as=0.5),
    )


@dataclass(frozen=True)
class ComparisonEligibility:
    """Whether a unit may be shown in a between-surgeon comparison, and if not, why."""

    allowed: bool
    n: int
    reliability: float | None
    reason: str  # "" when allowed, else "too_few_cases" / "low_reliability" / "reliability_unknown"
    min_cases: int = MIN_CASES_FOR_COMPARISON
    min_reliability: float = MIN_RELIABILITY_FOR_COMPARISON


def comparison_eligibility(n: int, reliability_value: float | None) -> ComparisonEligibility:
    """Apply the n >= 30 and R >= 0.70 display rule of outcomes.md section 3.4."""
    n = check_count("n", n)
    if n < MIN_CASES_FOR_COMPARISON:
        return ComparisonEligibility(False, n, reliability_value, "too_few_cases")
    if reliability_value is None:
        return ComparisonEligibility(False, n, None, "reliability_unknown")
    r = check_number("reliability", reliability_value, low=0, high=1)
    if r < MIN_RELIABILITY_FOR_COMPARISON:
        return ComparisonEligibility(False, n, r, "low_reliability")
    return ComparisonEligibility(True, n, r, "")
