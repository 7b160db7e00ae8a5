"""Confidence intervals of outcomes.md section 7 (proportions, counts, O/E, differences, means).

Defaults follow the section 7 table: Wilson score for a proportion (Newcombe 1998 Stat Med
17:857 recommends score-type intervals), Clopper-Pearson when an exact interval is asked for,
Garwood's exact Poisson limits for counts and for O/E with E treated as fixed, Byar's
approximation as the fast alternative, Newcombe's hybrid score interval for a difference of two
proportions, a t interval for a mean change and a bootstrap percentile interval for a median.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from openspine.analytics.methods._base import (
    AnalyticsInputError,
    Params,
    check_choice,
    check_confidence,
    check_count,
    check_number,
    params,
)

PROPORTION_METHODS = ("wilson", "clopper_pearson")
COUNT_METHODS = ("exact_poisson", "byar")


@dataclass(frozen=True)
class Interval:
    """An estimate with its two-sided interval and everything needed to compute it again.

    ``numerator`` and ``denominator`` are the counts behind the estimate (the denominator is the
    exposure or expected count for rates and O/E, ``None`` where no denominator is meaningful).
    """

    method: str
    estimate: float
    lower: float
    upper: float
    confidence: float
    numerator: float | None = None
    denominator: float | None = None
    parameters: Params = ()


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def _check_proportion(events, n) -> tuple[int, int]:
    n = check_count("n", n, minimum=1)
    events = check_count("events", events)
    if events > n:
        raise AnalyticsInputError("events", events, f"a whole number from 0 to n = {n}")
    return events, n


def wilson(events: int, n: int, *, confidence: float = 0.95) -> Interval:
    """Return the Wilson score interval of ``events / n`` (outcomes.md section 7, the default).

    Computed by ``scipy.stats.binomtest(events, n).proportion_ci(method="wilson")``, without
    continuity correction (Newcombe 1998 method 3).

    Examples
    --------
    >>> round(wilson(81, 263).lower, 4), round(wilson(81, 263).upper, 4)
    (0.2553, 0.3662)

    References
    ----------
    Newcombe RG. Two-sided confidence intervals for the single proportion. Stat Med 1998;17:857-72.
    """
    return _proportion("wilson", "wilson", events, n, confidence)


def clopper_pearson(events: int, n: int, *, confidence: float = 0.95) -> Interval:
    """Return the exact Clopper-Pearson interval of ``events / n`` (outcomes.md section 7).

    Beta quantiles, via scipy's ``proportion_ci(method="exact")`` (statsmodels calls it "beta").
    With no events the upper limit is 1 - (alpha/2)^(1/n), so a zero rate never shows "0-0".

    References
    ----------
    Clopper CJ, Pearson ES. Biometrika 1934;26:404-13; Newcombe 1998 method 5.
    """
    return _proportion("clopper_pearson", "exact", events, n, confidence)


def proportion_interval(events: int, n: int, *, method: str = "wilson", confidence: float = 0.95) -> Interval:
    """Return the interval of ``events / n`` by ``method`` (``wilson`` or ``clopper_pearson``)."""
    check_choice("method", method, PROPORTION_METHODS)
    return (
        wilson(events, n, confidence=confidence)
        if method == "wilson"
        else clopper_pearson(events, n, confidence=confidence)
    )


def _proportion(name: str, scipy_name: str, events, n, confidence) -> Interval:
    events, n = _check_proportion(events, n)
    confidence = check_confidence(confidence)
    ci = stats.binomtest(events, n).proportion_ci(confidence_level=confidence, method=scipy_name)
    return Interval(
        name, events / n, float(ci.low), float(ci.high), confidence, events, n, params(confidence=confidence)
    )


def rule_of_three(n: int) -> float:
    """Return 3/n, the approximate one-sided 95 % upper limit when no event was seen in n (section 7)."""
    return 3 / check_count("n", n, minimum=1)


def exact_poisson(count: int, exposure: float = 1.0, *, confidence: float = 0.95) -> Interval:
    """Return Garwood's exact interval for a Poisson count, divided by ``exposure`` (section 7).

    lower = chi2_{alpha/2}(2x)/2, upper = chi2_{1-alpha/2}(2x+2)/2 (lower = 0 when x = 0).

    References
    ----------
    Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-42.
    """
    count = check_count("count", count)
    exposure = check_number("exposure", exposure, low=0, open_low=True)
    confidence = check_confidence(confidence)
    alpha = 1 - confidence
    lower = stats.chi2.ppf(alpha / 2, 2 * count) / 2 if count > 0 else 0.0
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return Interval(
        "exact_poisson",
        count / exposure,
        float(lower) / exposure,
        float(upper) / exposure,
        confidence,
        count,
        exposure,
        params(confidence=confidence),
    )


def byar(count: int, exposure: float = 1.0, *, confidence: float = 0.95) -> Interval:
    """Return Byar's approximate interval for a Poisson count, divided by ``exposure`` (section 7).

    lower = x(1 - 1/(9x) - z/(3 sqrt x))^3, upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3;
    the lower limit is 0 when x = 0 (as PHEindicatormethods ``byars_lower``).

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research II, IARC 1987, p. 69 (Byar's
    approximation); PHEindicatormethods ``byars_lower`` / ``byars_upper``.
    """
    count = check_count("count", count)
    exposure = check_number("exposure", exposure, low=0, open_low=True)
    confidence = check_confidence(confidence)
    z = _z(confidence)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3 if count > 0 else 0.0
    nxt = count + 1
    upper = nxt * (1 - 1 / (9 * nxt) + z / (3 * math.sqrt(nxt))) ** 3
    return Interval(
        "byar",
        count / exposure,
        lower / exposure,
        upper / exposure,
        confidence,
        count,
        exposure,
        params(confidence=confidence),
    )


def observed_expected(
    observed: int, expected: float, *, method: str = "exact_poisson", confidence: float = 0.95
) -> Interval:
    """Return O/E with Garwood (or Byar) limits of O divided by E, E treated as fixed (section 7).

    ``numerator`` is O and ``denominator`` is E on the result.
    """
    check_choice("method", method, COUNT_METHODS)
    expected = check_number("expected", expected, low=0, open_low=True)
    compute = exact_poisson if method == "exact_poisson" else byar
    interval = compute(observed, expected, confidence=confidence)
    return Interval(
        f"oe_{method}",
        interval.estimate,
        interval.lower,
        interval.upper,
        interval.confidence,
        interval.numerator,
        expected,
        params(confidence=interval.confidence, method=method),
    )


def difference_of_proportions(
    events_a: int, n_a: int, events_b: int, n_b: int, *, confidence: float = 0.95
) -> Interval:
    """Return p_a - p_b with Newcombe's hybrid score interval (his method 10; section 7).

    Computed by ``statsmodels.stats.proportion.confint_proportions_2indep(..., method="newcomb")``.

    References
    ----------
    Newcombe RG. Interval estimation for the difference between independent proportions.
    Stat Med 1998;17:873-90.
    """
    events_a, n_a = _check_proportion(events_a, n_a)
    events_b, n_b = _check_proportion(events_b, n_b)
    confidence = check_confidence(confidence)
    low, high = confint_proportions_2indep(
        events_a, n_a, events_b, n_b, method="newcomb", compare="diff", alpha=1 - confidence
    )
    return Interval(
        "newcombe_hybrid_score",
        events_a / n_a - events_b / n_b,
        float(low),
        float(high),
        confidence,
        None,
        None,
        params(confidence=confidence, events_a=events_a, n_a=n_a, events_b=events_b, n_b=n_b),
    )


def mean_interval(values: Sequence[float], *, confidence: float = 0.95) -> Interval:
    """Return the mean of ``values`` (e.g. paired change scores, E1) with its t interval (section 7)."""
    values = [check_number("values", v) for v in values]
    if len(values) < 2:
        raise AnalyticsInputError("values", len(values), "at least 2 values")
    confidence = check_confidence(confidence)
    mean = statistics.fmean(values)
    half = (
        stats.t.ppf(1 - (1 - confidence) / 2, len(values) - 1)
        * statistics.stdev(values)
        / math.sqrt(len(values))
    )
    return Interval(
        "t",
        mean,
        mean - float(half),
        mean + float(half),
        confidence,
        None,
        len(values),
        params(confidence=confidence),
    )


def mean_interval_from_summary(mean: float, sd: float, n: int, *, confidence: float = 0.95) -> Interval:
    """Return the t interval of a mean from its summary (mean, sample SD, n), as :func:`mean_interval`.

    For means the database has already aggregated (AVG, STDDEV_SAMP), so the rows never come back
    to Python: mean +/- t(1 - alpha/2; n - 1) * sd / sqrt(n).
    """
    mean = check_number("mean", mean)
    sd = check_number("sd", sd, low=0)
    n = check_count("n", n, minimum=2)
    confidence = check_confidence(confidence)
    half = stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    lower, upper = mean - float(half), mean + float(half)
    return Interval("t", mean, lower, upper, confidence, None, n, params(confidence=confidence))


def median_interval(
    values: Sequence[float], *, confidence: float = 0.95, resamples: int = 2000, seed: int = 20260101
) -> Interval:
    """Return the median with a bootstrap percentile interval (section 7: median LOS, 2,000 resamples).

    The resampling is seeded so the same rows give the same interval; the seed is kept on the result.
    """
    values = [check_number("values", v) for v in values]
    if not values:
        raise AnalyticsInputError("values", 0, "at least 1 value")
    confidence = check_confidence(confidence)
    resamples = check_count("resamples", resamples, minimum=100)
    rng = random.Random(seed)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    alpha = 1 - confidence
    lower = medians[int(math.floor(alpha / 2 * (resamples - 1)))]
    upper = medians[int(math.ceil((1 - alpha / 2) * (resamples - 1)))]
    return Interval(
        "bootstrap_percentile",
        statistics.median(values),
        lower,
        upper,
        confidence,
        None,
        len(values),
        params(confidence=confidence, resamples=resamples, seed=seed),
    )
