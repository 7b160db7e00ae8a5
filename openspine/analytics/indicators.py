"""Compute the catalogue's indicators in the database, a fixed number of GROUP BY queries per page.

Every rate is counted in SQL over the signed operations of a period (one row per primary surgeon,
so the department is the sum of its surgeons' rows); only the counts come back to Python, where
:mod:`openspine.analytics.methods` adds intervals, reliability and funnel limits. The number of
queries does not grow with the number of operations. Medians (S8, Q4) are in
:mod:`openspine.analytics.spreads`; PROM effectiveness and the follow-up rate (E1, E2, E6, Q1) in
:mod:`openspine.analytics.effectiveness`.

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
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
)
from django.utils import timezone

from openspine.analytics import catalogue
from openspine.analytics.expressions import AddDays, LocalDate
from openspine.analytics.methods import funnel, intervals, overdispersion, shrinkage, suppression
from openspine.analytics.methods._base import Params, params
from openspine.patients.choices import DischargeDestination
from openspine.proms.choices import FollowUpState
from openspine.proms.models import FollowUp
from openspine.surgery.choices import ClavienDindo, OperationStatus
from openspine.surgery.models import Complication, Operation

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


def rule_by_key(key: str) -> Rule:
    """Return the counting rule named ``key`` (``S1_30d``), or raise ``KeyError``."""
    return next(rule for rule in rules() if rule.key == key)


def maturity(rule: Rule, today: date) -> tuple[Q, Q, Q]:
    """Return (window closed, is a return inside an earlier window, has the event) for ``rule``."""
    if rule.mature is not None:
        mature = rule.mature(today)
    else:
        mature = Q(performed_on__lte=today - timedelta(days=rule.window_days))
    excluded = _is_return_within(rule.window_days) if rule.window_days else Q(pk__in=[])
    event = rule.event if isinstance(rule.event, Q) else Q(rule.event)
    return mature, excluded, event


def _counts(rule: Rule, today: date) -> dict:
    """Return the three counts of ``rule``: mature index operations, those with the event, and the
    operations still inside their window (counted whole: whether one is a return is settled later).
    """
    mature, excluded, event = maturity(rule, today)
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
