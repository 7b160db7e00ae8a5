"""Monitoring over time: RA-CUSUM, VLAD and learning curves (outcomes.md section 5), by hand.

No maintained Python package is worth a dependency for these (section 10), so each is a few lines:

- :func:`ra_cusum`: Steiner, Cook, Farewell, Treasure. Monitoring surgical performance using
  risk-adjusted cumulative sum charts. Biostatistics 2000;1:441-52. Weight
  W_t = y_t ln R_A - ln(1 - p_t + R_A p_t); X_t = max(0, X_{t-1} + W_t), X_0 = 0; signal when
  X_t >= h, then reset to 0 and record the signal. R_A = 2 detects a doubling of the odds; R_A < 1
  (often 0.5) detects improvement and is plotted as -X_t below the axis.
- :func:`bernoulli_cusum`: the same chart with one constant p0 for every case.
- :func:`vlad`: Lovegrove J et al. Lancet 1997;350:1128-30; VLAD_n = sum_{i<=n} (p_i - y_i),
  upward = fewer adverse events than predicted.
- :func:`learning_curve_cusum`: failure CUSUM with SPRT boundaries (Bolsin S, Colson M. Int J
  Qual Health Care 2000;12:433-8; Rogers CA et al. J Thorac Cardiovasc Surg 2004;128:811-9).
- :func:`descriptive_cusum`: CUSUM_n = sum (x_i - mean) of a continuous measure (operative time);
  descriptive only: it always ends at 0 and always has a maximum (section 5.3).
- :func:`choose_threshold`: h for an in-control ARL by simulation on the unit's own risks (5.1).

A CUSUM (floored at 0) and an SPRT (no floor) are different charts; the ``method`` names say which.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from openspine.analytics.methods._base import (
    AnalyticsInputError,
    Params,
    check_count,
    check_number,
    params,
)


@dataclass(frozen=True)
class Chart:
    """A chart's values per case (in case order), its signals and the parameters drawn on it."""

    method: str
    values: tuple[float, ...]
    signals: tuple[int, ...]  # 0-based case indices where the chart crossed a limit
    limit: float | None
    numerator: int  # adverse events in the sequence
    denominator: int  # cases in the sequence
    expected: float | None = None
    parameters: Params = ()


def steiner_weight(outcome: int, risk: float, odds_ratio: float) -> float:
    """Return Steiner's CUSUM weight W = y ln R_A - ln(1 - p + R_A p) for one case."""
    return outcome * math.log(odds_ratio) - math.log(1 - risk + odds_ratio * risk)


def _check_sequence(outcomes: Sequence[int], risks: Sequence[float]) -> None:
    if len(outcomes) != len(risks):
        raise AnalyticsInputError("risks", len(risks), f"one risk per outcome ({len(outcomes)})")
    for y in outcomes:
        if check_count("outcomes", y) > 1:
            raise AnalyticsInputError("outcomes", y, (0, 1))
    for p in risks:
        check_number("risks", p, low=0, high=1, open_low=True, open_high=True)


def ra_cusum(
    outcomes: Sequence[int],
    risks: Sequence[float],
    *,
    odds_ratio: float = 2.0,
    limit: float | None = None,
    reset: bool = True,
) -> Chart:
    """Return Steiner's risk-adjusted CUSUM for cases in order (outcomes.md section 5.1).

    Parameters
    ----------
    outcomes : sequence of 0/1
        Adverse outcome per case, in case order.
    risks : sequence of float
        Predicted risk p_t of each case from the risk model (section 3.2).
    odds_ratio : float
        R_A, the odds ratio to detect (default 2: doubling; < 1 for improvement).
    limit : float, optional
        h. Without one the chart is drawn with no signals (choose h with :func:`choose_threshold`).
    reset : bool
        Restart at 0 after a signal (the reference's rule).
    """
    _check_sequence(outcomes, risks)
    odds_ratio = check_number("odds_ratio", odds_ratio, low=0, open_low=True)
    if math.isclose(odds_ratio, 1.0):
        raise AnalyticsInputError("odds_ratio", odds_ratio, "a positive number other than 1")
    if limit is not None:
        limit = check_number("limit", limit, low=0, open_low=True)
    values, signals, x = [], [], 0.0
    for t, (y, p) in enumerate(zip(outcomes, risks, strict=True)):
        x = max(0.0, x + steiner_weight(y, p, odds_ratio))
        values.append(x)
        if limit is not None and x >= limit:
            signals.append(t)
            if reset:
                x = 0.0
    return Chart(
        "ra_cusum_steiner2000",
        tuple(values),
        tuple(signals),
        limit,
        sum(outcomes),
        len(outcomes),
        float(sum(risks)),
        params(odds_ratio=odds_ratio, limit=limit, reset=reset),
    )


def bernoulli_cusum(
    outcomes: Sequence[int],
    *,
    risk: float,
    odds_ratio: float = 2.0,
    limit: float | None = None,
    reset: bool = True,
) -> Chart:
    """Return the non-risk-adjusted Bernoulli CUSUM: Steiner's chart with constant p0 = ``risk``."""
    chart = ra_cusum(outcomes, [risk] * len(outcomes), odds_ratio=odds_ratio, limit=limit, reset=reset)
    return Chart(
        "bernoulli_cusum",
        chart.values,
        chart.signals,
        chart.limit,
        chart.numerator,
        chart.denominator,
        chart.expected,
        params(odds_ratio=odds_ratio, limit=limit, reset=reset, risk=risk),
    )


def vlad(outcomes: Sequence[int], risks: Sequence[float]) -> Chart:
    """Return the variable life-adjusted display, sum (p_i - y_i) per case (outcomes.md section 5.2)."""
    _check_sequence(outcomes, risks)
    values = tuple(float(v) for v in np.cumsum(np.asarray(risks, dtype=float) - np.asarray(outcomes)))
    return Chart("vlad_lovegrove1997", values, (), None, sum(outcomes), len(outcomes), float(sum(risks)))


@dataclass(frozen=True)
class LearningCurve:
    """A failure CUSUM with SPRT boundaries (Bolsin & Colson 2000) and where it crossed them."""

    chart: Chart
    acceptable_rate: float
    unacceptable_rate: float
    alpha: float
    beta: float
    step: float  # s: a success subtracts s, a failure adds 1 - s
    lower_boundary: float  # -h0: evidence of the acceptable rate
    upper_boundary: float  # +h1: evidence of the unacceptable rate
    first_acceptable: int | None
    first_unacceptable: int | None


def learning_curve_cusum(
    failures: Sequence[int],
    *,
    acceptable_rate: float,
    unacceptable_rate: float,
    alpha: float = 0.05,
    beta: float = 0.05,
) -> LearningCurve:
    """Return C_n = sum (x_i - s) with the SPRT boundaries of outcomes.md section 5.3.

    P = ln(p1/p0), Q = ln((1-p0)/(1-p1)), s = Q/(P+Q), h0 = ln((1-alpha)/beta)/(P+Q),
    h1 = ln((1-beta)/alpha)/(P+Q). Crossing +h1 is evidence of the unacceptable rate p1, crossing
    -h0 of the acceptable rate p0. The chart is not floored and not reset (the reference gives no
    reset rule); the first crossing of each boundary is reported. All four parameters are kept on
    the result to be printed on the chart (the reference: "make all four configurable").
    """
    p0 = check_number("acceptable_rate", acceptable_rate, low=0, high=1, open_low=True, open_high=True)
    p1 = check_number("unacceptable_rate", unacceptable_rate, low=p0, high=1, open_low=True, open_high=True)
    alpha = check_number("alpha", alpha, low=0, high=0.5, open_low=True, open_high=True)
    beta = check_number("beta", beta, low=0, high=0.5, open_low=True, open_high=True)
    for x in failures:
        if check_count("failures", x) > 1:
            raise AnalyticsInputError("failures", x, (0, 1))
    big_p, big_q = math.log(p1 / p0), math.log((1 - p0) / (1 - p1))
    s = big_q / (big_p + big_q)
    h0 = math.log((1 - alpha) / beta) / (big_p + big_q)
    h1 = math.log((1 - beta) / alpha) / (big_p + big_q)
    values = tuple(float(v) for v in np.cumsum(np.asarray(failures, dtype=float) - s))
    low = next((i for i, v in enumerate(values) if v <= -h0), None)
    high = next((i for i, v in enumerate(values) if v >= h1), None)
    chart = Chart(
        "learning_curve_sprt_bolsin2000",
        values,
        tuple(i for i in (low, high) if i is not None),
        h1,
        sum(failures),
        len(failures),
        None,
        params(acceptable_rate=p0, unacceptable_rate=p1, alpha=alpha, beta=beta),
    )
    return LearningCurve(chart, p0, p1, alpha, beta, s, -h0, h1, low, high)


@dataclass(frozen=True)
class DescriptiveCusum:
    """CUSUM of a continuous measure around its mean, and the case with its maximum (turning point)."""

    values: tuple[float, ...]
    mean: float
    turning_point: int  # 0-based case index of the maximum
    method: str = "descriptive_cusum"
    label: str = "descriptive"  # never evidence of competence (outcomes.md section 5.3)


def descriptive_cusum(measures: Sequence[float]) -> DescriptiveCusum:
    """Return CUSUM_n = sum_{i<=n} (x_i - mean) of e.g. operative times, and its turning point."""
    xs = [check_number("measures", x) for x in measures]
    if len(xs) < 2:
        raise AnalyticsInputError("measures", len(xs), "at least 2 cases")
    mean = math.fsum(xs) / len(xs)
    values = tuple(float(v) for v in np.cumsum(np.asarray(xs) - mean))
    return DescriptiveCusum(values, mean, int(np.argmax(values)))


@dataclass(frozen=True)
class Threshold:
    """An h chosen by simulation for an in-control average run length (ARL0)."""

    limit: float
    target_arl: float
    simulated_arl: float
    runs: int
    odds_ratio: float
    seed: int
    censored_runs: int  # runs that had not signalled by max_run_length (counted at that length)
    method: str = "simulated_in_control_arl"


def choose_threshold(
    risks: Sequence[float],
    *,
    target_arl: float,
    odds_ratio: float = 2.0,
    runs: int = 10_000,
    seed: int = 20260101,
    max_run_length: int | None = None,
    tolerance: float = 0.01,
) -> Threshold:
    """Return h whose in-control ARL0 is about ``target_arl`` (outcomes.md section 5.1 [R]).

    In-control run lengths are simulated by resampling the unit's own recent predicted risks
    (y ~ Bernoulli(p)); h is found by bisection. The reference asks for >= 10,000 runs and a target
    of about 5 x the unit's annual volume (one false alarm per 5 years). Runs still silent at
    ``max_run_length`` (default 20 x target) are counted at that length, so ARL0 is a slight
    under-estimate; their number is reported.
    """
    pool = np.asarray([check_number("risks", p, low=0, high=1, open_low=True, open_high=True) for p in risks])
    if not len(pool):
        raise AnalyticsInputError("risks", 0, "at least one predicted risk")
    target = check_number("target_arl", target_arl, low=1, open_low=True)
    runs = check_count("runs", runs, minimum=100)
    cap = max_run_length or int(20 * target)
    rng_seed = check_count("seed", seed)

    def arl(h: float) -> tuple[float, int]:
        rng = np.random.default_rng(rng_seed)
        x = np.zeros(runs)
        lengths = np.full(runs, cap, dtype=float)
        active = np.arange(runs)
        for t in range(1, cap + 1):
            p = rng.choice(pool, size=len(active))
            y = rng.random(len(active)) < p
            x[active] = np.maximum(0.0, x[active] + y * math.log(odds_ratio) - np.log(1 - p + odds_ratio * p))
            hit = x[active] >= h
            lengths[active[hit]] = t
            active = active[~hit]
            if not len(active):
                break
        return float(lengths.mean()), len(active)

    low, high = 0.0, 1.0
    while arl(high)[0] < target and high < 50:
        low, high = high, high * 2
    for _ in range(40):
        middle = (low + high) / 2
        if arl(middle)[0] < target:
            low = middle
        else:
            high = middle
        if high - low < tolerance:
            break
    simulated, censored = arl(high)
    return Threshold(high, target, simulated, runs, odds_ratio, rng_seed, censored)
