"""Change scores, responders and follow-up completeness (outcomes.md sections 1.2, 1.3 Q1, 2).

Thresholds are never written here: every MCID / PASS / SCB / deterioration value comes from
:mod:`spinescores.change`, whose threshold sets are taken from proms.md with their sources, and
every result names the set it used (proms.md section 0.6). An instrument or a kind of threshold
that proms.md does not give (e.g. the NDI PASS, marked NOT FOUND) is refused with
:class:`ThresholdNotFoundError`, never guessed.

Pairing and windows [R, outcomes.md 2.1]: the follow-up is paired with the latest baseline dated
within 90 days before surgery (a baseline after surgery is invalid); timepoints by window (from
proms.md section 15): 3 months = day 60-120, 12 months = month 10-14, 24 months = month 21-27;
with several answers in a window the one closest to the target day is taken. Responder flags use
``>=`` at the threshold.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext
from scipy import stats

from openspine.analytics.methods._base import (
    AnalyticsError,
    AnalyticsInputError,
    Params,
    check_choice,
    check_count,
    check_number,
    params,
)
from openspine.analytics.methods.intervals import Interval, mean_interval, wilson
from spinescores import change
from spinescores.base import HIGHER_IS_BETTER

BASELINE_DAYS_BEFORE_SURGERY = 90
KINDS = ("mcid", "scb", "pass", "success", "deterioration")
# (name, target in months, window as (unit, start, end)) -- outcomes.md 2.1 / proms.md section 15
TIMEPOINTS = (
    ("3m", 3, ("days", 60, 120)),
    ("12m", 12, ("months", 10, 14)),
    ("24m", 24, ("months", 21, 27)),
)
FOLLOW_UP_STATUSES = ("completed", "partial", "refused", "unreachable", "died", "not_due")
LOW_RESPONSE = 0.60  # outcomes.md 2.2 [R]: grey out responder rates when response < 60 %


class ThresholdNotFoundError(AnalyticsError):
    """Refuse an instrument or threshold kind for which proms.md gives no sourced value."""

    def __init__(self, code: str, kind: str, available: Iterable[str]):
        self.code = code
        self.kind = kind
        self.available = tuple(available)
        super().__init__(
            gettext(
                "No sourced %(kind)s threshold for %(code)s in the reference (proms.md); "
                "available threshold sets: %(available)s."
            )
            % {"kind": kind, "code": code, "available": ", ".join(self.available) or "-"}
        )


def add_months(day: date, months: int) -> date:
    """Return ``day`` plus ``months`` calendar months (the last day of a shorter month if needed)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def timepoint_window(operated_on: date, timepoint: str) -> tuple[date, date, date]:
    """Return (opens_on, closes_on, target_on) of ``timepoint`` (``3m``, ``12m`` or ``24m``)."""
    check_choice("timepoint", timepoint, [name for name, _, _ in TIMEPOINTS])
    _, target, (unit, start, end) = next(t for t in TIMEPOINTS if t[0] == timepoint)
    if unit == "days":
        opens, closes = operated_on + timedelta(days=start), operated_on + timedelta(days=end)
    else:
        opens, closes = add_months(operated_on, start), add_months(operated_on, end)
    return opens, closes, add_months(operated_on, target)


def assign_timepoint(operated_on: date, answered_on: date) -> str | None:
    """Return the timepoint whose window contains ``answered_on``, or None."""
    for name, _, _ in TIMEPOINTS:
        opens, closes, _ = timepoint_window(operated_on, name)
        if opens <= answered_on <= closes:
            return name
    return None


def pick_follow_up(operated_on: date, answers: Iterable[tuple[date, float]], timepoint: str):
    """Return the (date, score) answer of ``timepoint`` closest to its target day, or None."""
    opens, closes, target = timepoint_window(operated_on, timepoint)
    inside = [a for a in answers if opens <= a[0] <= closes]
    return min(inside, key=lambda a: (abs((a[0] - target).days), a[0]), default=None)


def pick_baseline(operated_on: date, answers: Iterable[tuple[date, float]]):
    """Return the latest (date, score) dated 0-90 days before surgery, or None."""
    earliest = operated_on - timedelta(days=BASELINE_DAYS_BEFORE_SURGERY)
    valid = [a for a in answers if earliest <= a[0] <= operated_on]
    return max(valid, key=lambda a: a[0], default=None)


@dataclass(frozen=True)
class ResponderRate:
    """A responder share (E2, E3, E4, E6) with its Wilson interval and the threshold set used."""

    method: str
    code: str
    kind: str
    threshold_set: str
    reference: str
    interval: Interval
    numerator: int
    denominator: int
    excluded_floor: int  # baselines at the floor: a percentage rule cannot be applied (2.1)
    unvalidated: bool  # a threshold tagged [M] in proms.md was used
    parameters: Params = ()


def _threshold_set(code: str, kind: str, threshold_set: str | None) -> change.ThresholdSet:
    try:
        sets = change.thresholds(code)
    except change.UnknownInstrumentError as error:
        raise AnalyticsInputError("code", code, "an instrument code of spinescores") from error
    wanted = "mcid" if kind == "deterioration" else kind
    usable = [s for s in sets if any(t.kind in (wanted, kind) for ts in s.domains.values() for t in ts)]
    if threshold_set is not None:
        chosen = next((s for s in sets if s.id == threshold_set), None)
        if chosen is None:
            raise AnalyticsInputError("threshold_set", threshold_set, [s.id for s in sets])
        if chosen not in usable:
            raise ThresholdNotFoundError(code, kind, [s.id for s in usable])
        return chosen
    if not usable:
        raise ThresholdNotFoundError(code, kind, [s.id for s in sets])
    return usable[0]


def _criteria(chosen: change.ThresholdSet, kind: str, domain: str | None) -> tuple[change.Threshold, ...]:
    if domain not in chosen.domains:
        raise AnalyticsInputError("domain", domain, [d for d in chosen.domains])
    criteria = chosen.domains[domain]
    own = tuple(c for c in criteria if c.kind == kind)
    if own or kind != "deterioration":
        return own
    # E6 [R]: without a sourced deterioration threshold, "worse by >= the MCID" of the same set
    return tuple(c for c in criteria if c.kind == "mcid")


def responder_rate(
    pairs: Sequence[tuple[float, float]],
    code: str,
    *,
    kind: str = "mcid",
    threshold_set: str | None = None,
    domain: str | None = None,
    confidence: float = 0.95,
) -> ResponderRate:
    """Return the share of (baseline, follow-up) pairs reaching ``kind`` with its Wilson interval.

    ``kind``: ``mcid`` (E2), ``scb``, ``pass`` (E3: follow-up state at or better than the cut-off),
    ``success`` (E4), ``deterioration`` (E6: worse by at least the set's deterioration threshold,
    or by its MCID when the set gives none). Only complete pairs are counted.

    Raises
    ------
    ThresholdNotFoundError
        proms.md gives no threshold of that kind for ``code`` (or for the named set).
    """
    check_choice("kind", kind, KINDS)
    if domain is None and code == "srs22r":
        domain = "total"
    chosen = _threshold_set(code, kind, threshold_set)
    criteria = _criteria(chosen, kind, domain)
    if not criteria:
        raise ThresholdNotFoundError(code, kind, [chosen.id])
    hits = total = floor = 0
    for baseline, follow_up in pairs:
        result = change.classify_change(code, baseline, follow_up, threshold_set=chosen.id, domain=domain)
        outcome = _reached(criteria, kind, result)
        if outcome is None:
            floor += 1
            continue
        total += 1
        hits += outcome
    if total == 0:
        raise AnalyticsInputError("pairs", len(pairs), "at least one complete baseline/follow-up pair")
    interval = wilson(hits, total, confidence=confidence)
    return ResponderRate(
        method=f"responder_{kind}_wilson",
        code=code,
        kind=kind,
        threshold_set=chosen.id,
        reference=str(chosen.reference),
        interval=interval,
        numerator=hits,
        denominator=total,
        excluded_floor=floor,
        unvalidated=any(c.unvalidated for c in criteria),
        parameters=params(
            code=code, kind=kind, threshold_set=chosen.id, domain=domain, confidence=confidence
        ),
    )


def _reached(criteria, kind: str, result: change.ChangeResult) -> bool | None:
    """Return whether ``result`` reaches any criterion, or None when none can be applied."""
    improvement, percent = result.improvement, result.percent_improvement
    decided = []
    for c in criteria:
        if c.baseline_range is not None and not c.baseline_range[0] <= result.baseline <= c.baseline_range[1]:
            continue
        if kind == "deterioration":
            parts = [] if c.points is None else [-improvement >= c.points - 1e-9]
            if c.percent is not None and percent is not None:
                parts.append(-percent >= c.percent - 1e-9)
        else:
            parts = [result.reached.get(c.kind, False)] if _applicable(c, percent) else []
        if parts:
            decided.append(any(parts))
    return any(decided) if decided else None


def _applicable(criterion: change.Threshold, percent: float | None) -> bool:
    only_percent = criterion.points is None and criterion.level is None
    return not (only_percent and percent is None)


def mean_change(pairs: Sequence[tuple[float, float]], code: str, *, confidence: float = 0.95) -> Interval:
    """Return the mean sign-normalised improvement (E1) with its t interval; only complete pairs."""
    direction = _direction(code)
    sign = 1.0 if direction == HIGHER_IS_BETTER else -1.0
    changes = [sign * (check_number("follow_up", f) - check_number("baseline", b)) for b, f in pairs]
    interval = mean_interval(changes, confidence=confidence)
    return Interval(
        "mean_change_t",
        interval.estimate,
        interval.lower,
        interval.upper,
        interval.confidence,
        None,
        len(changes),
        params(code=code, direction=direction, confidence=confidence),
    )


def _direction(code: str) -> str:
    from spinescores import registry

    try:
        direction = registry.get(code).INSTRUMENT.direction
    except change.UnknownInstrumentError as error:
        raise AnalyticsInputError("code", code, "an instrument code of spinescores") from error
    if direction is None:
        raise AnalyticsInputError("code", code, "an instrument with a score direction")
    return direction


@dataclass(frozen=True)
class Completeness:
    """Follow-up completeness of one cell (Q1; disclosure of outcomes.md 2.2)."""

    operated: int
    eligible: int  # window closed and alive: completed + partial + refused + unreachable
    answered: int  # completed
    partial: int
    died: int  # reported, not in the denominator
    not_due: int
    response: Interval | None  # answered / eligible with Wilson interval; None without eligible cases
    low_response: bool  # response < 60 %: grey out responder rates (2.2 [R])
    method: str = "complete_case"


def completeness(statuses: Iterable[str], *, confidence: float = 0.95) -> Completeness:
    """Return completeness from one follow-up status per operation for one timepoint (Q1, 2.2).

    Statuses are those of outcomes.md section 0 rule 6: completed, partial, refused, unreachable,
    died, not_due. Deaths leave the denominator but are reported; not-due operations are immature.
    """
    counts = dict.fromkeys(FOLLOW_UP_STATUSES, 0)
    for status in statuses:
        counts[check_choice("status", status, FOLLOW_UP_STATUSES)] += 1
    eligible = counts["completed"] + counts["partial"] + counts["refused"] + counts["unreachable"]
    response = wilson(counts["completed"], eligible, confidence=confidence) if eligible else None
    return Completeness(
        operated=sum(counts.values()),
        eligible=eligible,
        answered=counts["completed"],
        partial=counts["partial"],
        died=counts["died"],
        not_due=counts["not_due"],
        response=response,
        low_response=response is not None and response.estimate < LOW_RESPONSE,
    )


@dataclass(frozen=True)
class Pooled:
    """Rubin's rules over m completed datasets (outcomes.md 2.2)."""

    estimate: float
    within: float
    between: float
    total: float
    degrees_of_freedom: float
    imputations: int
    lower: float
    upper: float
    confidence: float
    method: str = "rubin1987"


def pool_rubin(estimates: Sequence[float], variances: Sequence[float], *, confidence: float = 0.95) -> Pooled:
    """Return Q-bar, W, B, T = W + (1 + 1/m) B and df = (m-1)(1 + W/((1+1/m)B))^2 with a t interval.

    References
    ----------
    Rubin DB. Multiple Imputation for Nonresponse in Surveys. Wiley 1987.
    """
    m = len(estimates)
    if m < 2 or len(variances) != m:
        raise AnalyticsInputError("estimates", m, "at least 2 estimates, one variance each")
    q = [check_number("estimates", e) for e in estimates]
    u = [check_number("variances", v, low=0) for v in variances]
    q_bar, w = math.fsum(q) / m, math.fsum(u) / m
    b = math.fsum((x - q_bar) ** 2 for x in q) / (m - 1)
    t = w + (1 + 1 / m) * b
    df = math.inf if b == 0 else (m - 1) * (1 + w / ((1 + 1 / m) * b)) ** 2
    half = stats.t.ppf(1 - (1 - confidence) / 2, df) * math.sqrt(t)
    return Pooled(q_bar, w, b, t, df, m, q_bar - half, q_bar + half, confidence)


@dataclass(frozen=True)
class WeightedProportion:
    """An inverse-probability-weighted proportion of responders (outcomes.md 2.2)."""

    estimate: float
    effective_sample_size: float
    responders: int
    truncation: tuple[float, float]
    method: str = "ipw_truncated_1_99"


def ipw_proportion(outcomes: Sequence[int], response_probabilities: Sequence[float]) -> WeightedProportion:
    """Return sum(w y) / sum(w) with w = 1/p-hat truncated at its 1st/99th centiles, and (sum w)^2/sum w^2.

    Both sequences are over responders only: their 0/1 outcome and modelled P(respond).
    """
    if len(outcomes) != len(response_probabilities) or not outcomes:
        raise AnalyticsInputError(
            "response_probabilities",
            len(response_probabilities),
            "one probability per responder, at least one",
        )
    for y in outcomes:
        if check_count("outcomes", y) > 1:
            raise AnalyticsInputError("outcomes", y, (0, 1))
    weights = [
        1 / check_number("response_probabilities", p, low=0, high=1, open_low=True)
        for p in response_probabilities
    ]
    ordered = sorted(weights)
    low, high = _centile(ordered, 0.01), _centile(ordered, 0.99)
    weights = [min(max(w, low), high) for w in weights]
    total = math.fsum(weights)
    estimate = math.fsum(w * y for w, y in zip(weights, outcomes, strict=True)) / total
    return WeightedProportion(
        estimate, total**2 / math.fsum(w * w for w in weights), len(outcomes), (low, high)
    )


def _centile(ordered: Sequence[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
