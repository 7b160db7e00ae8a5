"""Survival: reoperation with death as a competing risk (outcomes.md section 6).

- :func:`event_time` turns an operation's dates into (days, code): 1 = reoperation, 2 = death
  without reoperation, 0 = censored at ``last_contact_on`` (or the data cut-off if contact is
  after it).
- :func:`kaplan_meier`: lifelines ``KaplanMeierFitter`` with Greenwood's variance and the
  log(-log) ("exponential Greenwood") interval, number at risk, and where a curve stops being drawn
  (< 10 at risk [R]). Treating death as censoring over-states reoperation risk: use it for
  all-cause or death-free quantities, and :func:`cumulative_incidence` for reoperation.
- :func:`logrank`: lifelines ``statistics.logrank_test``.
- :func:`cumulative_incidence`: the Aalen-Johansen estimator written out, because lifelines'
  ``AalenJohansenFitter`` jitters tied times at random (its docstring): CIF1(t) = sum_{t_j <= t}
  S(t_j-) d1_j / n_j with S the all-cause KM; ties of different causes at one time are handled
  exactly (Putter H, Fiocco M, Geskus RB. Stat Med 2007;26:2389-430).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

from openspine.analytics.methods._base import (
    AnalyticsInputError,
    Params,
    check_confidence,
    check_count,
    check_number,
    params,
)

MIN_AT_RISK_TO_DRAW = 10  # outcomes.md section 6 [R]: stop drawing when fewer than 10 are at risk

CENSORED, REOPERATION, DEATH = 0, 1, 2


def event_time(
    operated_on: date,
    *,
    reoperated_on: date | None,
    died_on: date | None,
    last_contact_on: date,
    cutoff_on: date,
) -> tuple[int, int]:
    """Return (days from the index operation, event code) for one operation (section 6)."""
    end = min(last_contact_on, cutoff_on)
    if (
        reoperated_on is not None
        and reoperated_on <= cutoff_on
        and (died_on is None or reoperated_on <= died_on)
    ):
        return _days(operated_on, reoperated_on), REOPERATION
    if died_on is not None and died_on <= cutoff_on:
        return _days(operated_on, died_on), DEATH
    return _days(operated_on, end), CENSORED


def _days(start: date, end: date) -> int:
    if end < start:
        raise AnalyticsInputError(
            "event date", end.isoformat(), f"on or after the operation ({start.isoformat()})"
        )
    return (end - start).days


def _check_durations(durations: Sequence[float], events: Sequence[int], allowed=(0, 1)) -> None:
    if len(durations) != len(events):
        raise AnalyticsInputError("events", len(events), f"one event code per duration ({len(durations)})")
    if not durations:
        raise AnalyticsInputError("durations", 0, "at least one duration")
    for d in durations:
        check_number("durations", d, low=0)
    for e in events:
        if e not in allowed:
            raise AnalyticsInputError("events", e, allowed)


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier curve at its distinct times, with limits and the number at risk."""

    method: str
    times: tuple[float, ...]
    survival: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    numerator: int  # events
    denominator: int  # subjects
    confidence: float
    drawable_until: float | None  # last time with >= 10 at risk
    parameters: Params = ()

    def at(self, time: float) -> float:
        """Return S(time) (step function, right-continuous)."""
        index = np.searchsorted(self.times, time, side="right") - 1
        return 1.0 if index < 0 else self.survival[index]


def kaplan_meier(
    durations: Sequence[float],
    events: Sequence[int],
    *,
    entry: Sequence[float] | None = None,
    confidence: float = 0.95,
) -> SurvivalCurve:
    """Return the Kaplan-Meier estimate with Greenwood log(-log) limits (lifelines 0.30).

    ``events`` are 1 (event) or 0 (censored); ``entry`` gives late-entry times (left truncation).

    References
    ----------
    Kaplan EL, Meier P. JASA 1958;53:457-81; Greenwood M. 1926; lifelines KaplanMeierFitter.
    """
    _check_durations(durations, events)
    confidence = check_confidence(confidence)
    fitter = KaplanMeierFitter(alpha=1 - confidence)
    fitter.fit(list(durations), event_observed=list(events), entry=None if entry is None else list(entry))
    table = fitter.event_table
    times = [float(t) for t in table.index if t > 0 or table.loc[t, "observed"] > 0]
    at_risk = [int(table.loc[t, "at_risk"]) for t in times]
    drawable = [t for t, n in zip(times, at_risk, strict=True) if n >= MIN_AT_RISK_TO_DRAW]
    band = fitter.confidence_interval_
    return SurvivalCurve(
        method="kaplan_meier_greenwood_loglog",
        times=tuple(times),
        survival=tuple(float(fitter.survival_function_.loc[t].iloc[0]) for t in times),
        lower=tuple(float(band.loc[t].iloc[0]) for t in times),
        upper=tuple(float(band.loc[t].iloc[1]) for t in times),
        at_risk=tuple(at_risk),
        events=tuple(int(table.loc[t, "observed"]) for t in times),
        numerator=int(sum(events)),
        denominator=len(durations),
        confidence=confidence,
        drawable_until=drawable[-1] if drawable else None,
        parameters=params(confidence=confidence, late_entry=entry is not None),
    )


def number_at_risk(durations: Sequence[float], times: Sequence[float]) -> tuple[int, ...]:
    """Return how many are still at risk (duration >= t) at each of ``times`` (e.g. 0, 1, 2, 5 years)."""
    values = np.asarray([check_number("durations", d, low=0) for d in durations])
    return tuple(int((values >= t).sum()) for t in times)


@dataclass(frozen=True)
class LogRank:
    """A two-group log-rank test."""

    method: str
    statistic: float
    p_value: float
    degrees_of_freedom: int
    events: tuple[int, int]
    subjects: tuple[int, int]


def logrank(
    durations_a: Sequence[float],
    events_a: Sequence[int],
    durations_b: Sequence[float],
    events_b: Sequence[int],
) -> LogRank:
    """Return the log-rank chi-square test of two groups (lifelines ``logrank_test``)."""
    _check_durations(durations_a, events_a)
    _check_durations(durations_b, events_b)
    result = logrank_test(
        list(durations_a), list(durations_b), event_observed_A=list(events_a), event_observed_B=list(events_b)
    )
    return LogRank(
        "logrank",
        float(result.test_statistic),
        float(result.p_value),
        1,
        (int(sum(events_a)), int(sum(events_b))),
        (len(durations_a), len(durations_b)),
    )


@dataclass(frozen=True)
class CumulativeIncidence:
    """The cumulative incidence of one cause (e.g. reoperation) with competing risks."""

    method: str
    event_of_interest: int
    times: tuple[float, ...]
    incidence: tuple[float, ...]
    all_cause_survival: tuple[float, ...]  # S(t) just after each time, both causes as failures
    at_risk: tuple[int, ...]
    numerator: int  # events of interest
    denominator: int  # subjects
    drawable_until: float | None
    parameters: Params = ()

    def at(self, time: float) -> float:
        """Return CIF(time) (step function)."""
        index = np.searchsorted(self.times, time, side="right") - 1
        return 0.0 if index < 0 else self.incidence[index]


def cumulative_incidence(
    durations: Sequence[float], events: Sequence[int], *, event_of_interest: int = REOPERATION
) -> CumulativeIncidence:
    """Return the Aalen-Johansen cumulative incidence of ``event_of_interest`` (section 6).

    ``events``: 0 = censored, any other code is a cause (1 = reoperation, 2 = death). At each
    distinct time t_j with n_j at risk, d_j events of any cause and d1_j of interest:
    CIF += S(t_j-) d1_j / n_j, then S *= 1 - d_j / n_j.

    Examples
    --------
    >>> cif = cumulative_incidence([1, 2, 3, 4], [1, 2, 0, 1])
    >>> [round(v, 4) for v in cif.incidence]
    [0.25, 0.25, 0.25, 0.75]
    """
    codes = sorted({check_count("events", e) for e in events})
    _check_durations(durations, events, allowed=tuple(codes))
    check_count("event_of_interest", event_of_interest, minimum=1)
    values, causes = np.asarray(durations, dtype=float), np.asarray(events)
    survival, total = 1.0, 0.0
    times, incidence, after, at_risk = [], [], [], []
    for t in np.unique(values[causes != 0]):
        n = int((values >= t).sum())
        here = causes[values == t]
        d_all, d_one = int((here != 0).sum()), int((here == event_of_interest).sum())
        total += survival * d_one / n
        survival *= 1 - d_all / n
        times.append(float(t))
        incidence.append(total)
        after.append(survival)
        at_risk.append(n)
    drawable = [t for t, n in zip(times, at_risk, strict=True) if n >= MIN_AT_RISK_TO_DRAW]
    return CumulativeIncidence(
        "aalen_johansen",
        event_of_interest,
        tuple(times),
        tuple(incidence),
        tuple(after),
        tuple(at_risk),
        int((causes == event_of_interest).sum()),
        len(values),
        drawable[-1] if drawable else None,
        params(event_of_interest=event_of_interest),
    )
