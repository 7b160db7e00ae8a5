"""A surgeon's "my outcomes": their own figures beside the department's (outcomes.md 9.7).

:func:`build` counts every binary rule of the catalogue once per surgeon (the same GROUP BY query
as the director's page, :func:`openspine.analytics.indicators.count_by_surgeon`) and returns, per
rule, the subject's figure and the department's with numerator, denominator, interval and the
operations still inside their window ("not yet mature"), plus the subject's funnel position under
the comparison rule of outcomes.md 3.4 (n >= 30 and reliability >= 0.70, else "insufficient data
for comparison"; their own figures stay visible). The funnel shows the other eligible surgeons as
unnamed points: a surgeon never sees another surgeon's name, and no rank is ever shown (9).

:func:`learning_curve` is the failure CUSUM with SPRT boundaries of outcomes.md 5.3 (Bolsin &
Colson 2000) over the subject's own case sequence: every mature signed index operation, in date
order, of one rule (a complication by day 30 by default), optionally of one procedure group.
The reference gives p0 = 0.10 and p1 = 0.20 as published choices [V] and alpha, beta "usually
0.05-0.10" [M]; all four are parameters of the page and printed on the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import BooleanField, ExpressionWrapper
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from openspine.analytics import casemix, catalogue, charts, effectiveness, indicators
from openspine.analytics.methods import cusum
from openspine.proms.instruments import instrument_name
from openspine.proms.models import FollowUp
from openspine.surgery.models import Operation, OperationProcedure

#: outcomes.md 5.3: "p0 = 0.10, p1 = 0.20" [V figure caption, PMC6470078]; alpha, beta 0.05 [M].
ACCEPTABLE_RATE, UNACCEPTABLE_RATE = 0.10, 0.20
ALPHA = BETA = 0.05
DEFAULT_RULE = "S1_30d"
#: The learning curve runs over the surgeon's whole recorded sequence, not one year.
CAREER_START = date(1990, 1, 1)
MIN_CURVE_CASES = 2
CACHE_SECONDS = 300


@dataclass(frozen=True)
class OutcomeRow:
    """One rule (indicator x window): the subject's figure, the department's, and the funnel position."""

    indicator: catalogue.Indicator
    rule: str
    window: object
    own: indicators.Figure
    department: indicators.Figure
    point: indicators.SurgeonPoint | None  # None when the indicator is never compared (mortality)
    funnel: str = ""


def build(viewer, scope: indicators.Scope, subject) -> dict:
    """Return the figures of ``subject`` (a surgeon) and of the department over ``scope``.

    ``viewer`` decides which operations are counted (their department's); the view decides who
    ``subject`` may be (the viewer themselves, or any surgeon for who sees all).
    """
    computed_at = indicators.now()
    operations = indicators.signed_operations(Operation.objects.visible_to(viewer), scope)
    by_surgeon = indicators.count_by_surgeon(operations, scope.today)
    total = indicators.add_rows(by_surgeon)
    own_row = next((r for r in by_surgeon if r["primary_surgeon"] == subject.pk), {})
    label = _("You") if subject.pk == viewer.pk else subject.display_name or subject.username
    rows = [
        _row(rule, total, own_row, by_surgeon, (subject, label), scope, computed_at)
        for rule in indicators.rules()
    ]
    own_operations = operations.filter(primary_surgeon=subject)
    return {
        "rows": rows,
        "volume": total.get("volume", 0),
        "own_volume": own_row.get("volume", 0),
        "mean_changes": [
            (instrument_name(dept.instrument, translation.get_language() or ""), dept, own)
            for dept, own in _paired(
                effectiveness.mean_changes(own_operations, scope.today),
                effectiveness.mean_changes(operations, scope.today),
                lambda m: (m.instrument, m.timepoint),
            )
        ],
        "follow_up": _paired(
            effectiveness.follow_up_rates(
                FollowUp.objects.filter(operation__in=own_operations.values("pk")), scope.today
            ),
            effectiveness.follow_up_rates(
                FollowUp.objects.filter(operation__in=operations.values("pk")), scope.today
            ),
            lambda f: f.timepoint,
        ),
        "computed_at": computed_at,
    }


def cached_build(viewer, scope: indicators.Scope, subject) -> dict:
    """Return :func:`build`, kept :data:`CACHE_SECONDS` in the shared cache per viewer and subject.

    The key carries the viewer's department, the subject, the period, today (maturity), the area
    and the language; one surgeon's figures are never served under another's key.
    """
    from django.core.cache import cache

    key = ":".join(
        [
            "analytics.mine",
            f"dept-{viewer.department_id}",
            f"subject-{subject.pk}",
            scope.period.label,
            scope.today.isoformat(),
            scope.disease_area or "all",
            translation.get_language() or "",
        ]
    )
    return cache.get_or_set(key, lambda: build(viewer, scope, subject), CACHE_SECONDS)


def cases_url(key: str, scope: indicators.Scope, subject) -> str:
    """The case list behind one figure of ``subject`` (:func:`openspine.analytics.views.case_list`)."""
    query = {"rule": key, "year": scope.period.start.year, "surgeon": subject.pk}
    if scope.disease_area:
        query["disease_area"] = scope.disease_area
    return f"{reverse('analytics:case_list')}?{urlencode(query)}"


def _row(rule, total, own_row, by_surgeon, who, scope, computed_at) -> OutcomeRow:
    subject, label = who
    indicator = catalogue.get(rule.indicator)
    department = indicators.figure(rule, total, scope, computed_at)
    own = indicators.figure(rule, own_row, scope, computed_at)
    point, chart = None, ""
    window = catalogue.WINDOW_LABELS.get(rule.variant, rule.variant)
    if indicator.compare_surgeons:
        points = indicators.compare_surgeons(rule, by_surgeon, department, scope, computed_at)
        point = next((p for p in points if p.surgeon_id == subject.pk), None)
        if point is not None and point.eligibility.allowed and indicator.id in charts.FUNNEL_INDICATORS:
            chart = charts.position_funnel_svg(
                f"{indicator.id} {indicator.name}, {window}",
                department.rate,
                points,
                subject.pk,
                label=label,
                href=cases_url(rule.key, scope, subject),
            )
    return OutcomeRow(indicator, rule.key, window, own, department, point, chart)


def _paired(own: list, department: list, key) -> list[tuple]:
    """Pair the subject's figures with the department's by ``key``; the department's order."""
    mine = {key(item): item for item in own}
    return [(item, mine.get(key(item))) for item in department]


# --- the learning curve ------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveCase:
    number: int
    performed_on: object
    public_id: object
    procedure_group: str
    failure: bool
    value: float
    crossing: str  # "", "acceptable" (crossed -h0 first here) or "unacceptable" (crossed +h1)


@dataclass(frozen=True)
class Curve:
    """The learning curve of one surgeon for one rule, or why there is none (``reason``)."""

    rule: str
    reason: str = ""
    count: int = 0
    cases: tuple = ()
    result: cusum.LearningCurve | None = None
    svg: str = ""


def case_sequence(operations, key: str, today, *, surgeon_id: int, group: str = "") -> list[dict]:
    """Return the surgeon's mature index operations of rule ``key`` in case order, with the event flag.

    The same maturity and return-to-theatre exclusion as the figures (outcomes.md 0.1-0.3); two
    queries (the operations, then their procedure codes for the group).
    """
    rule = indicators.rule_by_key(key)
    mature, excluded, event = indicators.maturity(rule, today)
    chosen = (
        operations.filter(primary_surgeon_id=surgeon_id)
        .filter(mature)
        .exclude(excluded)
        .annotate(flag=ExpressionWrapper(event, output_field=BooleanField()))
        .order_by("performed_on", "started_at", "pk")
    )
    records = list(chosen.values_list("pk", "public_id", "performed_on", "flag"))
    codes: dict[int, list[str]] = {}
    procedures = OperationProcedure.objects.filter(operation__in=chosen.values("pk")).order_by()
    for operation_id, code in procedures.values_list("operation_id", "code"):
        codes.setdefault(operation_id, []).append(code)
    rows = [
        {
            "public_id": public_id,
            "performed_on": day,
            "group": casemix.main_group(codes.get(pk, ())),
            "y": int(bool(flag)),
        }
        for pk, public_id, day, flag in records
    ]
    return [r for r in rows if r["group"] == group] if group else rows


def learning_curve(
    rows: list[dict],
    key: str,
    *,
    title: str,
    acceptable_rate: float = ACCEPTABLE_RATE,
    unacceptable_rate: float = UNACCEPTABLE_RATE,
    alpha: float = ALPHA,
    beta: float = BETA,
) -> Curve:
    """Return the Bolsin failure CUSUM of ``rows`` (:func:`case_sequence`) with its chart."""
    if len(rows) < MIN_CURVE_CASES:
        return Curve(key, _("Too few cases for a learning curve: %(n)s.") % {"n": len(rows)}, len(rows))
    result = cusum.learning_curve_cusum(
        [r["y"] for r in rows],
        acceptable_rate=acceptable_rate,
        unacceptable_rate=unacceptable_rate,
        alpha=alpha,
        beta=beta,
    )
    crossings = {result.first_acceptable: "acceptable", result.first_unacceptable: "unacceptable"}
    cases = tuple(
        CurveCase(
            t + 1, r["performed_on"], r["public_id"], r["group"], bool(r["y"]), value, crossings.get(t, "")
        )
        for t, (r, value) in enumerate(zip(rows, result.chart.values, strict=True))
    )
    return Curve(key, "", len(rows), cases, result, charts.learning_curve_svg(title, cases, result))


def cached_curve(
    viewer, subject, key: str, today, *, area: str, group: str, title: str, **parameters
) -> Curve:
    """Return the learning curve of ``subject`` (all years), kept :data:`CACHE_SECONDS` in the cache.

    The chart is drawn by vl-convert (a few hundred milliseconds), so it is kept like the figures,
    under the viewer's department, the subject, the rule, group, parameters, day and language.
    """
    from django.core.cache import cache

    from openspine.analytics.indicators import Period, Scope, signed_operations

    cache_key = ":".join(
        [
            "analytics.mine.curve",
            f"dept-{viewer.department_id}",
            f"subject-{subject.pk}",
            key,
            group or "all",
            area or "all",
            today.isoformat(),
            translation.get_language() or "",
            ",".join(f"{name}={value:g}" for name, value in sorted(parameters.items())),
        ]
    )

    def draw() -> Curve:
        career = Scope(Period(CAREER_START, today), today, disease_area=area)
        operations = signed_operations(Operation.objects.visible_to(viewer), career)
        rows = case_sequence(operations, key, today, surgeon_id=subject.pk, group=group)
        return learning_curve(rows, key, title=title, **parameters)

    return cache.get_or_set(cache_key, draw, CACHE_SECONDS)
