"""Assemble the director's quality page from the catalogue and the counted indicators.

:func:`build` runs a fixed set of queries (see :mod:`openspine.analytics.indicators`) and returns
plain rows for the template: per computed indicator the department's figure, the viewer's own
figure when they are a surgeon, and, for those who may see every surgeon, the per-surgeon figures
with the comparison rule of outcomes.md 3.4 applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from openspine.accounts.roles import ATTENDING_ROLES, can
from openspine.analytics import adjusted, catalogue, charts, effectiveness, indicators, spreads
from openspine.proms.instruments import instrument_name
from openspine.proms.models import FollowUp
from openspine.surgery.choices import OperationStatus
from openspine.surgery.models import Operation


@dataclass(frozen=True)
class Row:
    """One variant of one indicator on the page (for example S2 at 90 days)."""

    indicator: catalogue.Indicator
    window: object
    department: indicators.Figure
    own: indicators.Figure | None
    comparison: list | None  # [(surgeon name, SurgeonPoint)] for viewers who may see every surgeon
    funnel: str = ""  # the comparison's funnel plot as SVG (charts.funnel_svg), "" when none is drawn


def sees_all(user) -> bool:
    return can(user, "quality.view_all")


FIGURES_CACHE_SECONDS = 300


def cached_build(user, scope: indicators.Scope, *, surgeon=None) -> dict:
    """Return :func:`build`'s figures, kept :data:`FIGURES_CACHE_SECONDS` in the shared cache.

    Counting reads every signed operation of the year (1-3 s at demo size), so the figures are kept
    in the shared cache (the database cache by default, so every worker sees it), as the follow-up
    dashboard does (:func:`openspine.proms.worklist.dashboard_figures`); the page shows when they
    were counted (``computed_at``). See :func:`cache_key` for what the figures are kept per.
    """
    from django.core.cache import cache

    return cache.get_or_set(
        cache_key(user, scope, surgeon=surgeon),
        lambda: build(user, scope, surgeon=surgeon),
        FIGURES_CACHE_SECONDS,
    )


def cache_key(user, scope: indicators.Scope, *, surgeon=None) -> str:
    """Name the cached figures by everything that changes them, the viewer's scope first.

    Department, period, day (maturity counts from today), disease area and language (names are
    translated when counted). A viewer who sees every surgeon gets the department's figures with
    the chosen surgeon's column (and "You" when they chose themselves); anyone else gets their own
    column, so the key carries their id: one surgeon's figures are never served to another or to
    the director.
    """
    if sees_all(user):
        viewer = f"all:{surgeon.pk if surgeon else '-'}"
        if surgeon is not None and surgeon.pk == user.pk:
            viewer += ":self"
    else:
        viewer = f"own:{user.pk}"
    return ":".join(
        [
            "analytics.quality",
            f"dept-{user.department_id}",
            scope.period.start.isoformat(),
            scope.period.end.isoformat(),
            scope.today.isoformat(),
            scope.disease_area or "all",
            translation.get_language() or "",
            viewer,
            _models_marker(user.department_id),
        ]
    )


def _models_marker(department_id) -> str:
    """Name the risk model versions in use, so a refit is seen at once rather than after the cache."""
    from openspine.analytics.models import RiskModelVersion

    latest = RiskModelVersion.objects.filter(department_id=department_id).order_by("-pk").first()
    return f"models-{latest.pk if latest else 0}"


def build(user, scope: indicators.Scope, *, surgeon=None) -> dict:
    """Return the page's figures for ``user`` over ``scope`` (the department's signed operations).

    A surgeon's own figures stand beside the department's; a viewer who sees every surgeon may pick
    one (``surgeon``) to see theirs the same way.
    """
    computed_at = indicators.now()
    visible = Operation.objects.visible_to(user)
    operations = indicators.signed_operations(visible, scope)
    by_surgeon = indicators.count_by_surgeon(operations, scope.today)
    total = indicators.add_rows(by_surgeon)
    focus = surgeon if sees_all(user) else user
    own_row = next((r for r in by_surgeon if focus and r["primary_surgeon"] == focus.pk), {})
    names = _surgeon_names(by_surgeon) if sees_all(user) else {}
    rows = [
        _row(rule, total, own_row if focus else None, by_surgeon, names, scope, computed_at, user)
        for rule in indicators.rules()
    ]
    unsigned = visible.filter(
        performed_on__gte=scope.period.start, performed_on__lte=scope.period.end
    ).exclude(status=OperationStatus.SIGNED)
    if scope.disease_area:
        unsigned = unsigned.filter(diagnosis__disease_area=scope.disease_area)
    follow_ups = FollowUp.objects.visible_to(user).filter(operation__in=operations.values("pk"))
    return {
        "rows": rows,
        "volume": total.get("volume", 0),
        "own_volume": own_row.get("volume", 0) if focus else None,
        "focus_label": (_("You") if focus == user else focus.display_name or focus.username) if focus else "",
        "volume_by_surgeon": [(names.get(r["primary_surgeon"], ""), r["volume"]) for r in by_surgeon]
        if sees_all(user)
        else [],
        "volume_by_area": indicators.volume_by_area(operations),
        "grades": indicators.grade_distribution(operations, scope.today),
        "mean_changes": [
            (instrument_name(m.instrument, translation.get_language() or ""), m)
            for m in effectiveness.mean_changes(operations, scope.today)
        ],
        "length_of_stay": spreads.length_of_stay(operations),
        "timeliness": spreads.timeliness(operations, unsigned_count=unsigned.count()),
        "follow_up": effectiveness.follow_up_rates(follow_ups, scope.today),
        "not_computed": [i for i in catalogue.CATALOGUE if not i.computable],
        "prom_notes": [catalogue.get(code) for code in ("E1", "E2", "E6")],
        "adjusted": adjusted.adjusted_figures(
            user.department_id,
            operations,
            scope,
            names=names if sees_all(user) else {user.pk: _("You")},
            per_surgeon=sees_all(user),
            own_id=focus.pk if focus else None,
        ),
        "computed_at": computed_at,
        "sees_all": sees_all(user),
    }


def _row(rule, total, own_row, by_surgeon, names, scope, computed_at, user) -> Row:
    indicator = catalogue.get(rule.indicator)
    department = indicators.figure(rule, total, scope, computed_at)
    own = indicators.figure(rule, own_row, scope, computed_at) if own_row is not None else None
    comparison = None
    if sees_all(user) and indicator.compare_surgeons:
        points = indicators.compare_surgeons(rule, by_surgeon, department, scope, computed_at)
        comparison = sorted(((names.get(p.surgeon_id, ""), p) for p in points), key=lambda pair: pair[0])
    window = catalogue.WINDOW_LABELS.get(rule.variant, rule.variant)
    chart = ""
    if comparison and indicator.id in charts.FUNNEL_INDICATORS:
        chart = charts.funnel_svg(f"{indicator.id} {indicator.name}, {window}", department.rate, comparison)
    return Row(indicator, window, department, own, comparison, chart)


def surgeons_of(user):
    """Return the attendings of the viewer's department, by name (the surgeon filter's choices)."""
    return (
        get_user_model()
        .objects.filter(department_id=user.department_id, role__in=sorted(ATTENDING_ROLES), is_active=True)
        .order_by("display_name", "username")
        .only("pk", "display_name", "username")
    )


def _surgeon_names(rows) -> dict[int, str]:
    ids = [row["primary_surgeon"] for row in rows]
    users = get_user_model().objects.filter(pk__in=ids).only("pk", "display_name", "username")
    return {u.pk: u.display_name or u.username for u in users}
