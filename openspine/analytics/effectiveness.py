"""PROM effectiveness (E1 mean change, E2 MCID responders, E6 deterioration) and the follow-up rate (Q1).

Counted in the database from the follow-up scores of the period's signed operations, each paired
with its baseline (outcomes.md 2.1); thresholds come from :mod:`spinescores.change` with their
source ids (proms.md), never from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery

import spinescores
from openspine.analytics.expressions import AddDays, LocalDate
from openspine.analytics.indicators import BASELINE_DAYS
from openspine.analytics.methods import intervals, suppression
from openspine.proms import metrics, worklist
from openspine.proms.choices import CancelReason, FollowUpState
from openspine.proms.models import QuestionnaireResponse
from spinescores import change
from spinescores.base import HIGHER_IS_BETTER


@dataclass(frozen=True)
class PointsRule:
    """A responder rule that is a plain points threshold on the improvement, from spinescores.change.

    Only such rules are counted in SQL (E2, E6); a set with percentage, state-level or
    baseline-range criteria is left to :func:`openspine.analytics.methods.responders.responder_rate`.
    """

    kind: str  # "mcid" (E2) or "deterioration" (E6)
    threshold_set: str
    points: float
    unvalidated: bool


def points_rule(code: str, kind: str) -> PointsRule | None:
    """Return the points rule ``responder_rate`` would apply for ``code`` and ``kind``, or None.

    The same choice as :mod:`openspine.analytics.methods.responders`: the first threshold set of
    the instrument with an MCID; E6 uses its deterioration threshold, or its MCID when it has none
    (worse by at least the MCID, outcomes.md E6 [R]). Only the whole-score domain is counted.
    """
    try:
        sets = change.thresholds(code)
    except change.UnknownInstrumentError:
        return None
    usable = [t for t in sets if any(c.kind in ("mcid", kind) for cs in t.domains.values() for c in cs)]
    if not usable or None not in usable[0].domains:
        return None
    criteria = usable[0].domains[None]
    chosen = [c for c in criteria if c.kind == kind] or (
        [c for c in criteria if c.kind == "mcid"] if kind == "deterioration" else []
    )
    if not chosen or any(c.points is None or c.percent is not None or c.level is not None for c in chosen):
        return None
    if any(c.baseline_range is not None for c in chosen):
        return None
    return PointsRule(kind, usable[0].id, min(c.points for c in chosen), any(c.unvalidated for c in chosen))


@dataclass(frozen=True)
class Responders:
    """E2 or E6 for one instrument at one timepoint: the share reaching the rule, Wilson interval."""

    rule: PointsRule
    numerator: int
    denominator: int
    interval: intervals.Interval | None


@dataclass(frozen=True)
class MeanChange:
    """E1 for one instrument at one timepoint: mean sign-normalised improvement with its t interval.

    ``responders`` (E2, MCID) and ``deteriorated`` (E6) come from the same pairs when the
    instrument's threshold is a plain points rule (see :func:`points_rule`), else None.
    """

    instrument: str
    timepoint: str
    pairs: int
    interval: intervals.Interval | None  # None below two pairs
    direction: str
    responders: Responders | None = None
    deteriorated: Responders | None = None
    method: str = "mean_change_t_complete_case"


def _baseline_value() -> Subquery:
    """The latest baseline score of the same instrument dated 0-90 days before surgery (2.1)."""
    return Subquery(
        QuestionnaireResponse.objects.alias(day=LocalDate("completed_at"))
        .filter(
            follow_up__operation=OuterRef("follow_up__operation"),
            follow_up__is_baseline=True,
            instrument=OuterRef("instrument"),
            value__isnull=False,
            day__gte=AddDays(OuterRef("follow_up__operation__performed_on"), -BASELINE_DAYS),
            day__lte=OuterRef("follow_up__operation__performed_on"),
        )
        .order_by("-completed_at")
        .values("value")[:1]
    )


def mean_changes(operations, today: date) -> list[MeanChange]:
    """E1 per instrument and timepoint in one GROUP BY query: AVG and STDDEV_SAMP of the pairs.

    A pair is a completed follow-up score whose window has closed (0.3) and the latest baseline of
    the same instrument within 90 days before surgery; follow-ups without one are left out
    (complete case, 2.2). The follow-up's timepoint comes from its protocol, whose default windows
    are those of 2.1 (3 months = day 60-120, 12 = months 10-14, 24 = months 21-27). Improvement is
    follow-up - baseline, negated for instruments where higher is worse (0.8).
    """
    pairs = (
        QuestionnaireResponse.objects.filter(
            follow_up__operation__in=operations.values("pk"),
            follow_up__is_baseline=False,
            follow_up__window_closes_on__lt=today,
            value__isnull=False,
        )
        .annotate(timepoint=F("follow_up__timepoint"), change=F("value") - _baseline_value())
        .values("instrument", "timepoint", "change")
        .order_by()
    )
    sql, sql_params = pairs.query.sql_with_params()
    # Aggregated over the ORM's own query as a derived table, so the correlated baseline lookup runs
    # once per follow-up score instead of once per aggregate (three times as slow through .annotate).
    reached_sql, reached_params = _reached_sums()
    summary = (
        "SELECT instrument, timepoint, COUNT(change), AVG(change), SUM(change * change), "  # noqa: S608
        f"{reached_sql} FROM ({sql}) AS pairs WHERE change IS NOT NULL GROUP BY instrument, timepoint"
    )
    with connection.cursor() as cursor:
        cursor.execute(summary, [*reached_params, *sql_params])
        keys = ("instrument", "timepoint", "pairs", "mean", "squares", "mcid", "deterioration")
        changes = [_mean_change(_with_sd(dict(zip(keys, row, strict=True)))) for row in cursor.fetchall()]
    return sorted(changes, key=lambda m: (m.instrument, metrics.timepoint_sort_key(m.timepoint)))


def _with_sd(row: dict) -> dict:
    """Add the sample SD from the sum of squares: SQLite's STDDEV_SAMP raises on a single pair
    (PostgreSQL returns NULL), so the SD is finished here, None below two pairs."""
    n, mean, squares = row["pairs"], row["mean"], row.pop("squares")
    row["sd"] = math.sqrt(max(squares - n * mean * mean, 0.0) / (n - 1)) if n >= 2 else None
    return row


def _sign(code: str) -> float:
    return 1.0 if spinescores.get(code).INSTRUMENT.direction == HIGHER_IS_BETTER else -1.0


def _instruments_with_points_rules() -> list[tuple[str, float, PointsRule | None, PointsRule | None]]:
    codes = [instrument.code for instrument in spinescores.catalog() if instrument.direction]
    found = [
        (code, _sign(code), points_rule(code, "mcid"), points_rule(code, "deterioration")) for code in codes
    ]
    return [row for row in found if row[2] or row[3]]


def _reached_sums() -> tuple[str, list]:
    """SQL summing, per group, the pairs that reach each instrument's MCID and its deterioration rule.

    Improvement = sign x change; responders reach improvement >= points, deterioration
    -improvement >= points, both with spinescores' tolerance of 1e-9 (responders use >=, 2.1).
    """
    instruments = _instruments_with_points_rules()
    mcid, worse, params = [], [], []
    for code, sign, mcid_rule, _worse in instruments:
        if mcid_rule:
            mcid.append("WHEN instrument = %s AND %s * change >= %s THEN 1")
            params.extend([code, sign, mcid_rule.points - 1e-9])
    for code, sign, _mcid, worse_rule in instruments:
        if worse_rule:
            worse.append("WHEN instrument = %s AND %s * change <= %s THEN 1")
            params.extend([code, sign, -(worse_rule.points - 1e-9)])
    return f"{_sum_of(mcid)}, {_sum_of(worse)}", params


def _sum_of(whens: list[str]) -> str:
    return f"SUM(CASE {' '.join(whens)} ELSE 0 END)" if whens else "0"


def _mean_change(row: Mapping) -> MeanChange:
    code, pairs = row["instrument"], row["pairs"]
    sign = _sign(code)
    interval = None
    if pairs >= 2 and row["sd"] is not None:
        interval = intervals.mean_interval_from_summary(sign * row["mean"], row["sd"], pairs)
    return MeanChange(
        code,
        row["timepoint"],
        pairs,
        interval,
        spinescores.get(code).INSTRUMENT.direction,
        _responders(points_rule(code, "mcid"), row["mcid"], pairs),
        _responders(points_rule(code, "deterioration"), row["deterioration"], pairs),
    )


def _responders(rule: PointsRule | None, reached, pairs: int) -> Responders | None:
    if rule is None:
        return None
    reached = int(reached or 0)
    return Responders(rule, reached, pairs, intervals.wilson(reached, pairs) if pairs else None)


@dataclass(frozen=True)
class FollowUpFigure:
    """Q1 at one timepoint: the completion rate with its interval, immature and deceased counts."""

    timepoint: str
    rate: metrics.Rate
    interval: intervals.Interval | None
    display: suppression.RateDisplay
    died: int


def follow_up_rates(follow_ups, today: date) -> list[FollowUpFigure]:
    """Q1 per timepoint, counted by :func:`openspine.proms.worklist.dashboard_counts` (two queries)."""
    follow_ups = follow_ups.filter(is_baseline=False)
    counted = worklist.dashboard_counts(follow_ups, today, "disease_area")
    rates = metrics.rates_from_counts(counted, lambda r: (r["timepoint"],))
    died = dict(
        follow_ups.filter(state=FollowUpState.CANCELLED, cancel_reason=CancelReason.DECEASED)
        .order_by()
        .values_list("timepoint")
        .annotate(n=Count("pk"))
    )
    result = []
    for rate in sorted(rates, key=lambda r: metrics.timepoint_sort_key(r.key[0])):
        interval = intervals.wilson(rate.completed, rate.eligible) if rate.eligible else None
        display = suppression.rate_display(rate.completed, rate.eligible)
        result.append(FollowUpFigure(rate.key[0], rate, interval, display, died.get(rate.key[0], 0)))
    return result
