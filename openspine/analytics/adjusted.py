"""Risk-adjusted O/E per surgeon and per procedure group (outcomes.md 3.2, 3.4, 4.3, 4.4, 7).

For each modelled outcome the department's latest fitted :class:`RiskModelVersion` scores every
mature index operation of the period (population of :mod:`casemix`); per unit (primary surgeon,
procedure group):

* O = events, E = sum of predicted risks, O/E with Garwood's exact limits of O divided by E
  (7, "O/E: Garwood limits of O / E, E treated as fixed") and Byar's approximation beside it;
* risk-standardised rate RSR = O/E x the department's observed rate (3.2 step 4);
* funnel position against the exact Poisson limits with interpolation at 95 % and 99.8 % around 1
  (4.4, the default);
* tau^2 by Spiegelhalter's moment estimator on the O/E z-scores (4.3), and the two-stage
  shrinkage of 3.4: log(O/E) shrunk toward 0 with weight tau^2 / (tau^2 + 1/E). That weight is the
  unit's reliability (3.4: R = s2_between / (s2_between + s2_within / n) on the log O/E scale),
  which the n >= 30 and R >= 0.70 display rule uses.

An operation whose category (say a procedure group) the model never saw cannot be scored: it is
counted apart, never silently dropped. A model whose development period lies wholly inside the
scored period is not used (3.5: "never score a unit with a model developed on its own current
period only").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from openspine.analytics import casemix, services
from openspine.analytics.methods import funnel, intervals, overdispersion, shrinkage
from openspine.analytics.models import RiskModelVersion
from openspine.surgery.forms import GROUP_LABELS


@dataclass(frozen=True)
class Unit:
    """One surgeon's or procedure group's adjusted figure."""

    key: object
    label: str
    n: int
    observed: int
    expected: float
    ratio: intervals.Interval  # O/E with Garwood limits
    byar: intervals.Interval
    standardised_rate: float
    shrunken_ratio: float | None
    eligibility: shrinkage.ComparisonEligibility
    position: str  # inside / alert / alarm, "" when the comparison may not show it


@dataclass(frozen=True)
class Adjusted:
    """One outcome's adjusted figures, or why there are none (``reason``)."""

    outcome: str
    model: RiskModelVersion | None
    reason: str
    n: int = 0
    not_scored: int = 0
    department: Unit | None = None
    surgeons: tuple = ()
    groups: tuple = ()
    surgeon_dispersion: overdispersion.Overdispersion | None = None
    group_dispersion: overdispersion.Overdispersion | None = None
    funnel_surgeons: str = ""
    funnel_groups: str = ""

    @property
    def label(self) -> str:
        return self.model.label if self.model else ""

    @property
    def title(self) -> str:
        from openspine.analytics.risk_cards import outcome_title

        return outcome_title(self.outcome)


def model_versions(department_id) -> list[RiskModelVersion]:
    """Return the department's versions of every modelled outcome, newest first (one query)."""
    chosen = RiskModelVersion.objects.filter(department_id=department_id, outcome__in=services.RISK_OUTCOMES)
    return list(chosen.order_by("-version"))


def scorable(model: RiskModelVersion, rows) -> tuple[list, int]:
    """Split ``rows`` into those the model can score and the count of those with an unseen category."""
    levels = {name: set(values) for name, values in model.levels.items()}
    scored = [r for r in rows if all(r[name] in known for name, known in levels.items())]
    return scored, len(rows) - len(scored)


def latest_fitted(versions, outcome: str) -> tuple[RiskModelVersion | None, str]:
    """Return the latest fitted version of ``outcome`` among ``versions`` (newest first), or None
    and the reason there is none.
    """
    mine = [v for v in versions if v.outcome == outcome]
    fitted = next((v for v in mine if v.is_fitted), None)
    if fitted is not None:
        return fitted, ""
    if mine:
        return None, mine[0].reason()
    return None, _("No risk model has been fitted yet.")


def adjusted_figures(department_id, operations, scope, *, names: dict, per_surgeon: bool, own_id=None):
    """Return an :class:`Adjusted` per modelled outcome over the signed ``operations`` of ``scope``.

    ``per_surgeon`` gives every surgeon's unit (for those who may see all); otherwise only the
    surgeon ``own_id``'s is kept in ``surgeons``.
    """
    versions = list(
        RiskModelVersion.objects.filter(
            department_id=department_id, outcome__in=services.RISK_OUTCOMES
        ).order_by("-version")
    )
    results = []
    for outcome in services.RISK_OUTCOMES:
        model, reason = latest_fitted(versions, outcome)
        if model is not None and _own_period_only(model, scope):
            model, reason = (
                None,
                _("The latest model was developed on this period only; it is not used to score it."),
            )
        if model is None:
            results.append(Adjusted(outcome, None, reason))
            continue
        results.append(_score(outcome, model, operations, scope, names, per_surgeon, own_id))
    return results


def _own_period_only(model: RiskModelVersion, scope) -> bool:
    return model.development_start >= scope.period.start and model.development_end <= scope.period.end


def _score(outcome, model, operations, scope, names, per_surgeon, own_id) -> Adjusted:
    rows = casemix.case_rows(operations, outcome, scope.today)
    scored, _unseen = scorable(model, rows)
    if not scored:
        return Adjusted(outcome, model, _("No operation of the period can be scored."), len(rows), len(rows))
    risks = model.to_method_model().predict(scored)
    triples = [(r, r["y"], p) for r, p in zip(scored, risks, strict=True)]
    overall_rate = sum(y for _r, y, _p in triples) / len(triples)
    department = _units([("all", y, p) for _r, y, p in triples], overall_rate, {"all": _("Department")})[0][0]
    surgeons, surgeon_dispersion = _units(
        [(r["surgeon_id"], y, p) for r, y, p in triples], overall_rate, names
    )
    groups, group_dispersion = _units(
        [(r["procedure_group"], y, p) for r, y, p in triples],
        overall_rate,
        {k: str(v) for k, v in GROUP_LABELS.items()},
    )
    if not per_surgeon:
        surgeons = tuple(u for u in surgeons if u.key == own_id)
    from openspine.analytics import charts

    title = _("%(outcome)s, observed / expected") % {"outcome": outcome}
    return Adjusted(
        outcome,
        model,
        "",
        len(rows),
        len(rows) - len(scored),
        department,
        tuple(sorted(surgeons, key=lambda u: u.label)),
        tuple(sorted(groups, key=lambda u: u.label)),
        surgeon_dispersion,
        group_dispersion,
        charts.ratio_funnel_svg(title, surgeons, surgeon_dispersion) if per_surgeon else "",
        charts.ratio_funnel_svg(title, groups, group_dispersion),
    )


def _units(cases: Iterable[tuple], overall_rate: float, names: dict) -> tuple[tuple[Unit, ...], object]:
    """Return a :class:`Unit` per key of (key, outcome, risk) ``cases`` and the O/E over-dispersion."""
    totals: dict = {}
    for key, y, p in cases:
        n, o, e = totals.get(key, (0, 0, 0.0))
        totals[key] = (n + 1, o + y, e + p)
    dispersion = None
    if len(totals) >= 2:
        dispersion = overdispersion.for_ratios(
            [o for _n, o, _e in totals.values()], [e for *_x, e in totals.values()]
        )
    units = tuple(_unit(key, n, o, e, overall_rate, names, dispersion) for key, (n, o, e) in totals.items())
    return units, dispersion


def _unit(key, n, observed, expected, overall_rate, names, dispersion) -> Unit:
    ratio = intervals.observed_expected(observed, expected)
    reliability, shrunken = None, None
    if dispersion is not None:
        shrunk = shrinkage.shrink_ratio(observed, expected, tau2=dispersion.tau2)
        reliability, shrunken = shrunk.weight, shrunk.shrunken_ratio
    eligibility = shrinkage.comparison_eligibility(n, reliability)
    position = ""
    if eligibility.allowed:
        position = funnel.ratio_limits(expected).classify(ratio.estimate).split("_")[0]
    return Unit(
        key=key,
        label=str(names.get(key, key)),
        n=n,
        observed=observed,
        expected=expected,
        ratio=ratio,
        byar=intervals.observed_expected(observed, expected, method="byar"),
        standardised_rate=ratio.estimate * overall_rate,
        shrunken_ratio=shrunken,
        eligibility=eligibility,
        position=position,
    )
