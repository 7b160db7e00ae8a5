"""Compute the catalogue's indicators in the database, a fixed number of GROUP BY queries per page.

Every rate is counted in SQL over the signed operations of a period (one row per primary surgeon,
so the department is the sum of its surgeons' rows); only the counts come back to Python, where
:mod:`openspine.analytics.methods` adds intervals, reliability and funnel limits. Medians are taken
from a histogram the database counts (one row per distinct number of days). The number of queries
does not grow with the number of operations.

Rules applied exactly as outcomes.md section 0 states them:

* the unit is the signed operation performed in the period (0.1, 0.3); an operation that is itself
  a return to theatre on day 1..W after an earlier operation (a revision of it, or the treatment of
  one of its complications) is that operation's outcome and not an index case for window W (0.1);
* an operation counts for window W only once today - operation date >= W (0.3); the others are
  counted apart as "not yet mature";
* figures are attributed to the primary surgeon (0.4) and carry their numerator, denominator,
  period, filters, method, software version and time of computation (0.5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

import spinescores
from openspine.analytics import catalogue
from openspine.analytics.methods import funnel, intervals, overdispersion, shrinkage, suppression
from openspine.analytics.methods._base import Params, params
from openspine.patients.choices import DischargeDestination
from openspine.proms import metrics, worklist
from openspine.proms.choices import CancelReason, FollowUpState
from openspine.proms.models import FollowUp, QuestionnaireResponse
from openspine.surgery.choices import ClavienDindo, OperationStatus
from openspine.surgery.models import Complication, Operation, Signature
from spinescores import change
from spinescores.base import HIGHER_IS_BETTER

SOFTWARE_VERSION = "openspine 0.1.0"
MAJOR_GRADES = (ClavienDindo.IIIA, ClavienDindo.IIIB, ClavienDindo.IVA, ClavienDindo.IVB, ClavienDindo.V)
BASELINE_DAYS = 90  # outcomes.md Q2 and 2.1: a baseline dated at most 90 days before surgery [R]


@dataclass(frozen=True)
class Period:
    """The operation dates a figure covers, both ends inclusive."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d}/{self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Scope:
    """What a figure was computed over: the period, today's date (for maturity) and the filters."""

    period: Period
    today: date
    disease_area: str = ""

    @property
    def filters(self) -> Params:
        return params(disease_area=self.disease_area or "all")


@dataclass(frozen=True)
class Figure:
    """One computed rate with everything needed to regenerate it (outcomes.md 0.5)."""

    indicator: str
    variant: str
    numerator: int
    denominator: int
    immature: int
    interval: intervals.Interval | None
    display: suppression.RateDisplay
    period: Period
    filters: Params
    method: str
    computed_at: datetime
    risk_model: str = ""  # unadjusted: no risk model yet
    attribution_rule: str = catalogue.ATTRIBUTION_RULE
    software_version: str = SOFTWARE_VERSION

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def signed_operations(queryset, scope: Scope):
    """Return the signed operations of ``queryset`` performed in the scope's period (and disease area)."""
    operations = queryset.filter(
        status=OperationStatus.SIGNED,
        performed_on__gte=scope.period.start,
        performed_on__lte=scope.period.end,
    )
    if scope.disease_area:
        operations = operations.filter(diagnosis__disease_area=scope.disease_area)
    return operations.order_by()


# --- the conditions, as SQL expressions over one operation --------------------------------------


class AddDays(Func):
    """``date + days`` in the database's own date arithmetic.

    Django's generic ``date + timedelta`` runs through a Python function on SQLite, once per row
    and correlated subquery: about a million calls for a year of operations. SQLite's ``date(d,
    '+30 days')`` and PostgreSQL's ``date + integer`` are native and give the same dates.
    """

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra):
        sql, sql_params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s::integer)", [*sql_params, self.days]

    def as_sqlite(self, compiler, connection, **extra):
        sql, sql_params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*sql_params, f"{self.days:+d} days"]


class LocalDate(TruncDate):
    """The hospital-local date of a date-time, natively on SQLite too.

    Django casts through a Python function on SQLite (tens of thousands of calls per page);
    SQLite's ``date(x, 'localtime')`` does the same natively, because Django sets the process time
    zone (``TZ``) to ``TIME_ZONE``. Other databases keep Django's own cast.
    """

    def as_sqlite(self, compiler, connection, **extra):
        sql, sql_params = compiler.compile(self.lhs)
        return f"date({sql}, 'localtime')", sql_params


def _outer_plus(days: int):
    return AddDays(OuterRef("performed_on"), days)


def _plus(days: int):
    return AddDays(F("performed_on"), days)


def _complication_by(days: int, *, grades=None, death=False) -> Exists:
    complications = Complication.objects.filter(
        operation=OuterRef("pk"), onset_on__gte=OuterRef("performed_on"), onset_on__lte=_outer_plus(days)
    )
    if grades:
        complications = complications.filter(clavien_dindo__in=grades)
    if death:
        complications = complications.filter(clavien_dindo=ClavienDindo.V)
    return Exists(complications)


def _returns_to_theatre(**window) -> Q:
    """A later operation that revises this one or treats one of its complications (outcomes.md S4).

    Two indexed EXISTS (by ``revision_of`` and by the complication's operation) rather than one
    subquery over an OR of both relations, which no index serves. ``window`` filters the return.
    """
    revisions = Operation.objects.filter(revision_of=OuterRef("pk"), **window)
    treatments = Complication.objects.filter(
        operation=OuterRef("pk"),
        reoperation__isnull=False,
        **{f"reoperation__{k}": v for k, v in window.items()},
    )
    return Q(Exists(revisions)) | Q(Exists(treatments))


def _return_by(days: int) -> Q:
    return _returns_to_theatre(performed_on__gte=_outer_plus(1), performed_on__lte=_outer_plus(days))


def _return_same_admission_or_by(days: int) -> Q:
    """S5's default window: the same admission, or day 1..``days`` (the official formula was not found)."""
    same_stay = _returns_to_theatre(
        admission=OuterRef("admission"), performed_on__gte=OuterRef("performed_on")
    )
    return same_stay | _return_by(days)


def _is_return_within(days: int) -> Q:
    """True for an operation that is a return to theatre on day 1..``days`` after an earlier one (0.1)."""
    earlier = Operation.objects.filter(
        performed_on__gte=_outer_plus(-days), performed_on__lte=_outer_plus(-1)
    )
    revises = Exists(earlier.filter(pk=OuterRef("revision_of")))
    treats = Exists(earlier.filter(complications__reoperation=OuterRef("pk")))
    return Q(revises) | Q(treats)


def _readmitted_by(days: int, *, clock: str = "surgery") -> Exists:
    """An unplanned admission of the patient from the index discharge to day ``days`` of ``clock``.

    S6 keeps both clocks (outcomes.md): days after surgery (QOD/ASR) and days after discharge (the
    Chinese monitoring list counts readmissions within 31 days of discharge).
    """
    from openspine.patients.models import Admission

    start = "performed_on" if clock == "surgery" else "admission__discharged_on"
    return Exists(
        Admission.objects.filter(
            patient=OuterRef("patient"),
            unplanned_readmission=True,
            admitted_on__gte=OuterRef("admission__discharged_on"),
            admitted_on__lte=AddDays(OuterRef(start), days),
        ).exclude(pk=OuterRef("admission"))
    )


def _discharged(today: date) -> Q:
    return DISCHARGED


def _discharged_by(days: int):
    """Maturity on the discharge clock: discharged at least ``days`` days before ``today``."""
    return lambda today: Q(admission__discharged_on__lte=today - timedelta(days=days))


def _died_by(days: int) -> Q:
    by_date = Q(patient__deceased_on__gte=F("performed_on"), patient__deceased_on__lte=_plus(days))
    return by_date | Q(_complication_by(days, death=True))


DIED_IN_HOSPITAL = Q(admission__discharge_destination=DischargeDestination.DIED) | Q(
    patient__deceased_on__gte=F("performed_on"), patient__deceased_on__lte=F("admission__discharged_on")
)
DISCHARGED = Q(admission__discharged_on__isnull=False)


def _baseline_captured() -> Exists:
    return Exists(
        FollowUp.objects.alias(day=LocalDate("completed_at")).filter(
            operation=OuterRef("pk"),
            is_baseline=True,
            state=FollowUpState.COMPLETED,
            day__gte=_outer_plus(-BASELINE_DAYS),
            day__lte=OuterRef("performed_on"),
        )
    )


@dataclass(frozen=True)
class Rule:
    """How one (indicator, variant) rate is counted: its event, and when an operation is mature."""

    indicator: str
    variant: str
    event: object  # a Q or a boolean expression over one operation
    window_days: int | None = None  # days after surgery; also the window of the return exclusion (0.1)
    mature: Callable[[date], Q] | None = None  # instead of "window_days after surgery", when given
    method: str = "wilson"

    @property
    def key(self) -> str:
        return f"{self.indicator}_{self.variant}"


def rules() -> tuple[Rule, ...]:
    """Return the counting rules of every computed binary indicator of the catalogue."""
    return (
        Rule("S1", "30d", _complication_by(30), 30),
        Rule("S2", "30d", _complication_by(30, grades=MAJOR_GRADES), 30),
        Rule("S2", "90d", _complication_by(90, grades=MAJOR_GRADES), 90),
        Rule("S4", "30d", _return_by(30), 30),
        Rule("S4", "90d", _return_by(90), 90),
        Rule("S5", "31d", _return_same_admission_or_by(31), 31),
        Rule("S6", "30d", _readmitted_by(30), 30),
        Rule("S6", "90d", _readmitted_by(90), 90),
        Rule("S6", "31d_discharge", _readmitted_by(31, clock="discharge"), 31, mature=_discharged_by(31)),
        # Mortality is rare: exact intervals, never compared across surgeons (outcomes.md S7, 7).
        Rule("S7", "in_hospital", DIED_IN_HOSPITAL, mature=_discharged, method="clopper_pearson"),
        Rule("S7", "30d", _died_by(30), 30, method="clopper_pearson"),
        Rule("S7", "90d", _died_by(90), 90, method="clopper_pearson"),
        Rule("Q2", "0d", _baseline_captured(), 0),
    )


def _counts(rule: Rule, today: date) -> dict:
    """Return the three counts of ``rule``: mature index operations, those with the event, and the
    operations still inside their window (counted whole: whether one is a return is settled later).
    """
    if rule.mature is not None:
        mature = rule.mature(today)
    else:
        mature = Q(performed_on__lte=today - timedelta(days=rule.window_days))
    excluded = _is_return_within(rule.window_days) if rule.window_days else Q(pk__in=[])
    event = rule.event if isinstance(rule.event, Q) else Q(rule.event)
    return {
        f"{rule.key}__n": Count("pk", filter=mature & ~excluded),
        f"{rule.key}__x": Count("pk", filter=mature & ~excluded & event),
        f"{rule.key}__open": Count("pk", filter=~mature),
    }


def count_by_surgeon(operations, today: date) -> list[dict]:
    """Count every binary rule per primary surgeon in one GROUP BY query; one plain row per surgeon."""
    aggregates = {"volume": Count("pk")}
    for rule in rules():
        aggregates.update(_counts(rule, today))
    return list(operations.values("primary_surgeon").annotate(**aggregates).order_by("primary_surgeon"))


def add_rows(rows: Iterable[Mapping]) -> dict:
    """Add up counted rows (the department is the sum of its surgeons)."""
    total: dict = {}
    for row in rows:
        for key, value in row.items():
            if key != "primary_surgeon":
                total[key] = total.get(key, 0) + (value or 0)
    return total


def figure(rule: Rule, row: Mapping, scope: Scope, computed_at: datetime) -> Figure:
    """Return the :class:`Figure` of ``rule`` from one counted row."""
    n, x = row.get(f"{rule.key}__n", 0), row.get(f"{rule.key}__x", 0)
    interval = intervals.proportion_interval(x, n, method=rule.method) if n else None
    return Figure(
        indicator=rule.indicator,
        variant=rule.variant,
        numerator=x,
        denominator=n,
        immature=row.get(f"{rule.key}__open", 0),
        interval=interval,
        display=suppression.rate_display(x, n, audience=suppression.INTERNAL),
        period=scope.period,
        filters=scope.filters,
        method=rule.method,
        computed_at=computed_at,
    )


@dataclass(frozen=True)
class SurgeonPoint:
    """One surgeon's figure in a comparison, and whether the comparison may show it (3.4, 4)."""

    surgeon_id: int
    figure: Figure
    eligibility: shrinkage.ComparisonEligibility
    position: str  # "inside", "alert" (outside 95 %), "alarm" (outside 99.8 %), "" when not shown


def compare_surgeons(rule: Rule, rows: list[dict], department: Figure, scope: Scope, computed_at) -> list:
    """Return a :class:`SurgeonPoint` per surgeon: reliability from tau^2, funnel position when eligible.

    Reliability uses the between-surgeon variance tau^2 of Spiegelhalter's additive model (4.3) as
    s2_between and the department rate for s2_within (3.4). With no events, every event, or fewer
    than two surgeons there is no variance to estimate: reliability is unknown and nobody is shown.
    """
    figures = [(row["primary_surgeon"], figure(rule, row, scope, computed_at)) for row in rows]
    target = department.rate
    units = [f for _, f in figures if f.denominator]
    tau2 = None
    if target is not None and 0 < target < 1 and len(units) >= 2:
        dispersion = overdispersion.for_proportions(
            [f.numerator for f in units], [f.denominator for f in units], target
        )
        tau2 = dispersion.tau2
    points = []
    for surgeon_id, fig in figures:
        r = (
            shrinkage.proportion_reliability(tau2, target, fig.denominator)
            if tau2 and fig.denominator
            else None
        )
        if tau2 == 0.0 and fig.denominator:
            r = 0.0
        eligibility = shrinkage.comparison_eligibility(fig.denominator, r)
        position = _position(fig, target) if eligibility.allowed else ""
        points.append(SurgeonPoint(surgeon_id, fig, eligibility, position))
    return points


def _position(fig: Figure, target: float) -> str:
    limits = {lim.level: lim for lim in funnel.proportion_limits(target, fig.denominator).limits}
    rate = fig.rate
    alarm, alert = limits[funnel.ALARM], limits[funnel.ALERT]
    if rate < alarm.lower or rate > alarm.upper:
        return "alarm"
    if rate < alert.lower or rate > alert.upper:
        return "alert"
    return "inside"


def grade_distribution(operations, today: date, days: int = 90) -> list[tuple[str, int]]:
    """S2's grade distribution: complications by Clavien-Dindo grade by day ``days`` (one query).

    Over the same mature index operations as the rate (window closed, returns excluded); every
    grade from I to V is listed, zeros included.
    """
    mature = operations.filter(performed_on__lte=today - timedelta(days=days)).exclude(
        _is_return_within(days)
    )
    counted = dict(
        Complication.objects.filter(
            operation__in=mature.values("pk"), onset_on__lte=AddDays(F("operation__performed_on"), days)
        )
        .order_by()
        .values_list("clavien_dindo")
        .annotate(n=Count("pk"))
    )
    return [(grade, counted.get(grade, 0)) for grade in ClavienDindo.values]


# --- medians from histograms --------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of a count of days, with the number of operations behind them."""

    n: int
    median: float | None
    q1: float | None
    q3: float | None
    excluded: int = 0  # e.g. deaths in hospital, reported beside the length of stay
    pending: int = 0  # operations not yet measurable (still in hospital / not yet signed)
    method: str = "quantile_type7_from_histogram"
    extra: dict = field(default_factory=dict)


def quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """Return the q-quantile of the values a histogram {value: count} describes (linear, type 7)."""
    n = sum(histogram.values())
    if not n:
        return None
    position = q * (n - 1)
    low, frac = int(position), position - int(position)
    return _value_at(histogram, low) + frac * (
        _value_at(histogram, min(low + 1, n - 1)) - _value_at(histogram, low)
    )


def _value_at(histogram: Mapping[int, int], index: int) -> int:
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if index < seen:
            return value
    raise IndexError(index)


def _days(value) -> int:
    return value.days if isinstance(value, timedelta) else int(value)


def _spread(histogram: dict[int, int], **extra) -> Spread:
    return Spread(
        sum(histogram.values()),
        quantile(histogram, 0.5),
        quantile(histogram, 0.25),
        quantile(histogram, 0.75),
        **extra,
    )


def length_of_stay(operations) -> Spread:
    """S8: days from operation to discharge, deaths in hospital excluded and counted (two queries)."""
    discharged = operations.filter(DISCHARGED)
    stay = ExpressionWrapper(F("admission__discharged_on") - F("performed_on"), output_field=DurationField())
    rows = discharged.exclude(DIED_IN_HOSPITAL).annotate(days=stay).values("days").annotate(n=Count("pk"))
    histogram: dict[int, int] = {}
    for row in rows:
        histogram[_days(row["days"])] = histogram.get(_days(row["days"]), 0) + row["n"]
    tally = operations.aggregate(
        died=Count("pk", filter=DISCHARGED & DIED_IN_HOSPITAL), open=Count("pk", filter=~DISCHARGED)
    )
    return _spread(histogram, excluded=tally["died"], pending=tally["open"])


def timeliness(operations, unsigned_count: int) -> Spread:
    """Q4: days from surgery to the first signature of the record, from a histogram (one query)."""
    first_signed = Subquery(
        Signature.objects.filter(operation=OuterRef("pk")).order_by("signed_at").values("signed_at")[:1]
    )
    days = ExpressionWrapper(LocalDate(first_signed) - F("performed_on"), output_field=DurationField())
    rows = operations.annotate(days=days).values("days").annotate(n=Count("pk"))
    histogram: dict[int, int] = {}
    for row in rows:
        if row["days"] is not None:
            value = max(0, _days(row["days"]))
            histogram[value] = histogram.get(value, 0) + row["n"]
    return _spread(histogram, pending=unsigned_count)


# --- PROM effectiveness (E1) --------------------------------------------------------------------


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
        "SELECT instrument, timepoint, COUNT(change), AVG(change), STDDEV_SAMP(change), "  # noqa: S608
        f"{reached_sql} FROM ({sql}) AS pairs WHERE change IS NOT NULL GROUP BY instrument, timepoint"
    )
    with connection.cursor() as cursor:
        cursor.execute(summary, [*reached_params, *sql_params])
        keys = ("instrument", "timepoint", "pairs", "mean", "sd", "mcid", "deterioration")
        changes = [_mean_change(dict(zip(keys, row, strict=True))) for row in cursor.fetchall()]
    return sorted(changes, key=lambda m: (m.instrument, metrics.timepoint_sort_key(m.timepoint)))


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


# --- follow-up (Q1) and volume (Q5) -------------------------------------------------------------


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


def volume_by_area(operations) -> list[tuple[str, int]]:
    """Q5: signed operations per disease area of the indication (one query)."""
    rows = (
        operations.values("diagnosis__disease_area")
        .annotate(n=Count("pk"))
        .order_by("diagnosis__disease_area")
    )
    return [(row["diagnosis__disease_area"], row["n"]) for row in rows]


def now() -> datetime:
    return timezone.now()
