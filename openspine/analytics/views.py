"""The director's quality page: every catalogue indicator with its interval, maturity and caveats."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openspine import audit
from openspine.accounts.roles import can
from openspine.analytics import caselists, charts, dashboard, indicators, risk_cards, services, tasks, trends
from openspine.analytics import monitoring as monitoring_charts
from openspine.analytics.forms import (
    CaseListFilter,
    MonitoringFilter,
    MyOutcomesFilter,
    QualityFilter,
    TrendFilter,
)
from openspine.patients.access import check_capability
from openspine.surgery.forms import GROUP_LABELS
from openspine.surgery.models import Operation


def check_quality_access(user) -> None:
    """Let in who may see every surgeon's figures or their own; refuse (and audit) everyone else."""
    if can(user, "quality.view_own"):
        return
    check_capability(user, "quality.view_all", target="quality_dashboard")


@require_GET
def quality_dashboard(request):
    """Show the catalogue's indicators for a year of operations; the read is audited."""
    check_quality_access(request.user)
    surgeons = dashboard.surgeons_of(request.user) if dashboard.sees_all(request.user) else None
    form = QualityFilter(request.GET or None, surgeons=surgeons)
    if request.GET and not form.is_valid():
        return render(request, "analytics/quality_filter_error.html", {"form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else {}
    year = chosen.get("year") or timezone.localdate().year
    area = chosen.get("disease_area", "")
    scope = indicators.Scope(indicators.Period.year(year), timezone.localdate(), disease_area=area)
    # Counted with a fixed set of GROUP BY queries and kept a few minutes in the shared cache.
    context = dashboard.cached_build(request.user, scope, surgeon=chosen.get("surgeon"))
    # Aggregates only, but per surgeon: who looked at which cut is worth knowing (T-35).
    audit.record(
        request.user,
        "analytics.quality.viewed",
        after={
            "year": year,
            "disease_area": area or "all",
            "scope": "all" if context["sees_all"] else "own",
            "surgeon": chosen["surgeon"].pk if chosen.get("surgeon") else None,
        },
    )
    if not form.is_bound:
        form = QualityFilter(initial={"year": year}, surgeons=surgeons)
    context = {**context, "recount_minutes": dashboard.FIGURES_CACHE_SECONDS // 60}
    return render(request, "analytics/quality_dashboard.html", {**context, "form": form, "scope": scope})


@require_GET
def risk_models(request):
    """Show the model card of each outcome's latest risk model, with its calibration plot."""
    check_quality_access(request.user)
    cards = risk_cards.cards_for(request.user.department_id)
    return render(
        request,
        "analytics/risk_models.html",
        {"cards": cards, "can_refit": can(request.user, "quality.refit_models")},
    )


@require_POST
def risk_models_refit(request):
    """Queue a refit of the department's risk models (a background task); the request is audited."""
    check_capability(request.user, "quality.refit_models", target="risk_models")
    with transaction.atomic():
        audit.record(
            request.user,
            "analytics.riskmodel.refit_requested",
            after={"department": request.user.department_id},
        )
        transaction.on_commit(
            lambda: tasks.refit_department_models.enqueue(request.user.department_id, request.user.pk)
        )
    messages.success(
        request, _("The risk models will be refitted in the background; reload this page in a minute.")
    )
    return redirect("analytics:risk_models")


@require_GET
def monitoring(request):
    """Show the RA-CUSUM and VLAD of one surgeon x procedure group; a surgeon sees only their own."""
    check_quality_access(request.user)
    user = request.user
    surgeons = dashboard.surgeons_of(user) if dashboard.sees_all(user) else None
    outcomes = [(o, risk_cards.outcome_title(o)) for o in services.RISK_OUTCOMES]
    form = MonitoringFilter(
        request.GET or None, outcomes=outcomes, groups=GROUP_LABELS.items(), surgeons=surgeons
    )
    if request.GET and not form.is_valid():
        return render(request, "analytics/quality_filter_error.html", {"form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else {}
    outcome = chosen.get("outcome") or services.RISK_OUTCOMES[0]
    year = chosen.get("year") or timezone.localdate().year
    group = chosen.get("group", "")
    subject = chosen.get("surgeon") if surgeons is not None else user
    scope = indicators.Scope(indicators.Period.year(year), timezone.localdate())
    result = None
    if subject is not None:
        operations = indicators.signed_operations(Operation.objects.visible_to(user), scope)
        name = subject.display_name or subject.username
        title = f"{name}, {dict(outcomes)[outcome]}, {GROUP_LABELS.get(group, _('all procedure groups'))}"
        result = monitoring_charts.monitor(
            user.department_id,
            operations,
            scope,
            outcome=outcome,
            surgeon_id=subject.pk,
            group=group,
            title=title,
        )
    audit.record(
        user,
        "analytics.monitoring.viewed",
        after={
            "outcome": outcome,
            "year": year,
            "group": group or "all",
            "surgeon": subject.pk if subject else None,
        },
    )
    if not form.is_bound:
        form = MonitoringFilter(
            initial={"year": year, "outcome": outcome},
            outcomes=outcomes,
            groups=GROUP_LABELS.items(),
            surgeons=surgeons,
        )
    context = {
        "form": form,
        "result": result,
        "subject": subject,
        "scope": scope,
        "links": can(user, "patient.view"),
    }
    return render(request, "analytics/monitoring.html", context)


@require_GET
def case_list(request):
    """List the operations behind one figure; identified only for roles that may see patients."""
    check_quality_access(request.user)
    user = request.user
    surgeons = dashboard.surgeons_of(user) if dashboard.sees_all(user) else None
    rules = [(rule.key, risk_cards.outcome_title(rule.key)) for rule in indicators.rules()]
    form = CaseListFilter(request.GET, rules=rules, surgeons=surgeons)
    if not form.is_valid():
        return render(request, "analytics/quality_filter_error.html", {"form": form}, status=400)
    chosen = form.cleaned_data
    year = chosen["year"]
    scope = indicators.Scope(
        indicators.Period.year(year), timezone.localdate(), disease_area=chosen["disease_area"]
    )
    subject = chosen.get("surgeon") if surgeons is not None else user
    operations = indicators.signed_operations(Operation.objects.visible_to(user), scope)
    rows, denominator, numerator = caselists.cases_behind(
        operations, chosen["rule"], scope.today, surgeon_id=subject.pk if subject else None
    )
    identified = can(user, "patient.view")
    audit.record(
        user,
        "analytics.caselist.viewed",
        after={
            "rule": chosen["rule"],
            "year": year,
            "disease_area": chosen["disease_area"] or "all",
            "surgeon": subject.pk if subject else None,
            "identified": identified,
            "operations": [str(r.public_id) for r in rows] if identified else len(rows),
        },
    )
    context = {
        "rows": rows,
        "denominator": denominator,
        "numerator": numerator,
        "rule": chosen["rule"],
        "subject": subject,
        "scope": scope,
        "identified": identified,
        "limit": caselists.MAX_CASES,
    }
    return render(request, "analytics/case_list.html", context)


@require_GET
def trend(request):
    """Show one indicator's rate by quarter over three years; a surgeon may see their own line."""
    check_quality_access(request.user)
    user = request.user
    rules = [(rule.key, risk_cards.outcome_title(rule.key)) for rule in indicators.rules()]
    form = TrendFilter(request.GET or None, rules=rules)
    if request.GET and not form.is_valid():
        return render(request, "analytics/quality_filter_error.html", {"form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else {}
    key = chosen.get("rule") or rules[0][0]
    area = chosen.get("disease_area", "")
    today = timezone.localdate()
    scope = indicators.Scope(indicators.Period(trends.first_quarter(today), today), today, disease_area=area)
    operations = indicators.signed_operations(Operation.objects.visible_to(user), scope)
    if chosen.get("own"):
        operations = operations.filter(primary_surgeon=user)
    points = trends.quarterly(operations, key, today)
    audit.record(
        user,
        "analytics.trend.viewed",
        after={"rule": key, "disease_area": area or "all", "own": bool(chosen.get("own"))},
    )
    if not form.is_bound:
        form = TrendFilter(initial={"rule": key}, rules=rules)
    title = dict(rules)[key]
    context = {
        "form": form,
        "points": points,
        "rule": key,
        "title": title,
        "chart": charts.trend_svg(title, points),
    }
    return render(request, "analytics/trend.html", context)


@require_GET
def my_outcomes(request):
    """A surgeon's own figures beside the department's, funnel position and learning curve (9.7).

    A surgeon sees only themselves; the director and the quality office choose any surgeon. The
    read is audited with the surgeon looked at.
    """
    from openspine.analytics import myoutcomes

    check_quality_access(request.user)
    user = request.user
    surgeons = dashboard.surgeons_of(user) if dashboard.sees_all(user) else None
    rules = [(rule.key, risk_cards.outcome_title(rule.key)) for rule in indicators.rules()]
    form = MyOutcomesFilter(request.GET or None, surgeons=surgeons, rules=rules, groups=GROUP_LABELS.items())
    if request.GET and not form.is_valid():
        return render(request, "analytics/quality_filter_error.html", {"form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else {}
    today = timezone.localdate()
    year = chosen.get("year") or today.year
    area = chosen.get("disease_area", "")
    subject = chosen.get("surgeon") if surgeons is not None else user
    scope = indicators.Scope(indicators.Period.year(year), today, disease_area=area)
    key = chosen.get("curve") or myoutcomes.DEFAULT_RULE
    group = chosen.get("group", "")
    figures, curve = None, None
    if subject is not None:
        figures = myoutcomes.cached_build(user, scope, subject)
        curve = myoutcomes.cached_curve(
            user,
            subject,
            key,
            today,
            area=area,
            group=group,
            title=f"{dict(rules)[key]}, {GROUP_LABELS.get(group, _('all procedure groups'))}",
            acceptable_rate=chosen.get("p0") or myoutcomes.ACCEPTABLE_RATE,
            unacceptable_rate=chosen.get("p1") or myoutcomes.UNACCEPTABLE_RATE,
            alpha=chosen.get("alpha") or myoutcomes.ALPHA,
            beta=chosen.get("beta") or myoutcomes.BETA,
        )
    audit.record(
        user,
        "analytics.mine.viewed",
        after={
            "year": year,
            "disease_area": area or "all",
            "surgeon": subject.pk if subject else None,
            "curve": key,
            "group": group or "all",
        },
    )
    if not form.is_bound:
        form = MyOutcomesFilter(
            initial={
                "year": year,
                "curve": key,
                "p0": myoutcomes.ACCEPTABLE_RATE,
                "p1": myoutcomes.UNACCEPTABLE_RATE,
                "alpha": myoutcomes.ALPHA,
                "beta": myoutcomes.BETA,
            },
            surgeons=surgeons,
            rules=rules,
            groups=GROUP_LABELS.items(),
        )
    context = {
        **(figures or {}),
        "form": form,
        "subject": subject,
        "is_self": subject is not None and subject.pk == user.pk,
        "scope": scope,
        "curve": curve,
        "curve_title": dict(rules)[key],
        "links": can(user, "patient.view"),
        "recount_minutes": myoutcomes.CACHE_SECONDS // 60,
    }
    return render(request, "analytics/my_outcomes.html", context)
