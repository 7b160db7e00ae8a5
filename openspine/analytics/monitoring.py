"""RA-CUSUM and VLAD of one surgeon x procedure group over their case sequence (outcomes.md 5).

The department's latest fitted risk model (:mod:`openspine.analytics.adjusted`) gives each mature
index operation of the surgeon its predicted risk p_t; then, in case order:

* Steiner's RA-CUSUM (5.1) with R_A = 2 (detect a doubling of the odds, the conventional choice
  [V: vlad/cusum package defaults]), reset to 0 after a signal;
* h chosen by simulating in-control run lengths on the unit's own predicted risks (10,000 runs)
  for an in-control ARL0 of 5 x the unit's annual volume, about one false alarm per five years
  (5.1 [R]); h and ARL0 are printed on the chart;
* the VLAD, cumulative expected minus observed events (5.2), with the CUSUM's signals marked.

One chart per surgeon x procedure group, never several surgeons overlaid (5.4). The simulation
takes seconds, so a chart is kept a day in the shared cache under its model version and cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from openspine.analytics import adjusted, casemix
from openspine.analytics.methods import cusum

ODDS_RATIO = 2.0
SIMULATED_RUNS = 10_000
FALSE_ALARM_YEARS = 5
CHART_CACHE_SECONDS = 24 * 3600
MIN_CASES = 2


@dataclass(frozen=True)
class Case:
    number: int
    performed_on: object
    public_id: object
    risk: float
    outcome: int
    cusum: float
    vlad: float
    signal: bool


@dataclass(frozen=True)
class Monitoring:
    """The charts of one unit, or why there are none (``reason``)."""

    outcome: str
    reason: str
    model_label: str = ""
    cases: tuple = ()
    threshold: cusum.Threshold | None = None
    signals: tuple = ()
    observed: int = 0
    expected: float = 0.0
    cusum_svg: str = ""
    vlad_svg: str = ""
    not_scored: int = 0


def monitor(department_id, operations, scope, *, outcome: str, surgeon_id: int, group: str, title: str):
    """Return the :class:`Monitoring` of ``surgeon_id``'s operations in ``group`` ("" for all)."""
    versions = adjusted.model_versions(department_id)
    model, reason = adjusted.latest_fitted(versions, outcome)
    if model is None:
        return Monitoring(outcome, reason)
    rows = [r for r in casemix.case_rows(operations, outcome, scope.today) if r["surgeon_id"] == surgeon_id]
    if group:
        rows = [r for r in rows if r["procedure_group"] == group]
    scored, not_scored = adjusted.scorable(model, rows)
    if len(scored) < MIN_CASES:
        return Monitoring(outcome, _("Too few cases for a chart: %(n)s.") % {"n": len(scored)}, model.label)
    key = ":".join(
        ["analytics.monitoring", model.label, str(department_id), str(surgeon_id), group or "all"]
        + [scope.period.label, scope.today.isoformat(), str(len(scored))]
    )
    result = cache.get(key)
    if result is None:
        result = _charts(outcome, model, scored, scope, title)
        cache.set(key, result, CHART_CACHE_SECONDS)
    return Monitoring(**{**result.__dict__, "not_scored": not_scored})


def _charts(outcome, model, scored, scope, title) -> Monitoring:
    from openspine.analytics import charts

    risks = model.to_method_model().predict(scored)
    outcomes = [r["y"] for r in scored]
    days = (scope.period.end - scope.period.start).days + 1
    annual = len(scored) * 365.25 / days
    threshold = cusum.choose_threshold(
        risks, target_arl=max(FALSE_ALARM_YEARS * annual, 2.0), odds_ratio=ODDS_RATIO, runs=SIMULATED_RUNS
    )
    chart = cusum.ra_cusum(outcomes, risks, odds_ratio=ODDS_RATIO, limit=threshold.limit)
    life = cusum.vlad(outcomes, risks)
    signals = set(chart.signals)
    cases = tuple(
        Case(t + 1, r["performed_on"], r["public_id"], p, y, c, v, t in signals)
        for t, (r, p, y, c, v) in enumerate(
            zip(scored, risks, outcomes, chart.values, life.values, strict=True)
        )
    )
    return Monitoring(
        outcome,
        "",
        model.label,
        cases,
        threshold,
        tuple(t + 1 for t in chart.signals),
        chart.numerator,
        chart.expected,
        charts.cusum_svg(title, cases, threshold),
        charts.vlad_svg(title, cases),
    )
