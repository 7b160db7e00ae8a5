"""Fit the department's risk models and keep each attempt as a new version (outcomes.md 3.2, 3.5).

:func:`fit_risk_models` is what ``manage.py refit_risk_models`` (and the background task) runs:
for each outcome of :data:`RISK_OUTCOMES` it reads the development window's mature signed
operations (:mod:`openspine.analytics.casemix`), fits the unpenalised logistic model with
statsmodels (:func:`openspine.analytics.methods.risk.fit_risk_model`) and stores a
:class:`~openspine.analytics.models.RiskModelVersion`: fitted, or refused with the reason (fewer
than 10 events per parameter, separation, no convergence). Each version is written with its audit
event in one transaction.

Development window [R, 3.2 step 1: "e.g. previous 24-36 months"]: the 36 months of operations
whose outcome window has closed by the refit day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import scipy
import statsmodels
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from openspine.analytics import casemix, indicators
from openspine.analytics.methods import risk
from openspine.analytics.methods.responders import add_months
from openspine.analytics.models import REFUSAL_MESSAGES, FitStatus, RiskModelVersion
from openspine.audit import services as audit
from openspine.surgery.models import Operation

#: The binary outcomes modelled for the risk-adjusted funnels (indicator_window keys of indicators.rules).
RISK_OUTCOMES = ("S1_30d", "S2_30d", "S4_90d")
DEVELOPMENT_MONTHS = 36
METHOD = "logistic_glm_binomial"
REFUSED_NO_ROWS, REFUSED_CONSTANT = "no_operations", "no_varying_predictor"
REFUSED_TOO_FEW_EVENTS, REFUSED_NOT_FITTED = "too_few_events", "not_fitted"


@dataclass(frozen=True)
class DevelopmentWindow:
    """The operation dates a model is developed on, both ends inclusive."""

    start: date
    end: date


def development_window(outcome: str, today: date) -> DevelopmentWindow:
    """Return the 36 months of operations whose ``outcome`` window has closed by ``today``."""
    rule = indicators.rule_by_key(outcome)
    end = today - timedelta(days=rule.window_days or 0)
    return DevelopmentWindow(add_months(end, -DEVELOPMENT_MONTHS) + timedelta(days=1), end)


def fit_risk_models(department, *, actor=None, today: date | None = None, outcomes=RISK_OUTCOMES) -> list:
    """Fit every outcome's model on ``department``'s own signed data; return the new versions."""
    today = today or timezone.localdate()
    return [fit_risk_model(department, outcome, actor=actor, today=today) for outcome in outcomes]


def fit_risk_model(department, outcome: str, *, actor=None, today: date) -> RiskModelVersion:
    """Fit (or refuse, saying why) one outcome's model and store it as the next version."""
    window = development_window(outcome, today)
    operations = indicators.signed_operations(
        Operation.objects.filter(patient__department=department),
        indicators.Scope(indicators.Period(window.start, window.end), today),
    )
    rows = casemix.case_rows(operations, outcome, today)
    predictors, dropped = _varying(rows, casemix.PREDICTORS)
    predictors, aliased = _independent(rows, predictors)
    fields = _common_fields(department, outcome, window, rows, predictors, dropped, actor)
    fields["population"]["aliased_predictors"] = aliased
    if not rows:
        fields.update(_refusal(REFUSED_NO_ROWS))
        return _store(fields, actor)
    if not predictors:
        fields.update(_refusal(REFUSED_CONSTANT))
        return _store(fields, actor)
    try:
        with translation.override("en"):  # the stored reason is English; the page translates by code
            model = risk.fit_risk_model(
                rows, outcome="y", predictors=predictors, model_id=outcome, version=""
            )
    except risk.TooFewEventsError as refusal:
        detail = {"events": refusal.events, "parameters": refusal.parameters, "required": refusal.required}
        fields.update(_refusal(REFUSED_TOO_FEW_EVENTS, refusal, **detail))
    except risk.RiskModelError as refusal:
        fields.update(_refusal(REFUSED_NOT_FITTED, refusal))
    else:
        fields.update(_fitted_fields(model))
    return _store(fields, actor)


def _refusal(code: str, error: Exception | None = None, **detail) -> dict:
    """Return the fields of a refused version: a code the page translates, and the error in English."""
    with translation.override("en"):
        text = str(error) if error else str(REFUSAL_MESSAGES[code])
    return {
        "status": FitStatus.REFUSED,
        "refusal_code": code,
        "refusal_detail": detail,
        "refusal_reason": text,
    }


def _independent(rows, names) -> tuple[list[str], list[str]]:
    """Keep predictors in order while each adds all its columns to the design's rank (outcomes.md 3.2).

    A predictor determined by earlier ones (an approach implied by the procedure group, say) would
    make the coefficients not unique; it is left out and named on the card instead.
    """
    if not rows:
        return list(names), []
    levels = risk._levels(rows, names)
    kept, aliased = [], []
    for name in names:
        trial = [*kept, name]
        design = risk._design(rows, trial, levels)
        if int(np.linalg.matrix_rank(design)) == design.shape[1]:
            kept = trial
        else:
            aliased.append(name)
    return kept, aliased


def _varying(rows, names) -> tuple[list[str], list[str]]:
    """Split predictor names into those that vary in ``rows`` and those constant there (left out)."""
    varying = [name for name in names if len({row[name] for row in rows}) > 1]
    return varying, [name for name in names if name not in varying]


def _common_fields(department, outcome, window, rows, predictors, dropped, actor) -> dict:
    return {
        "department": department,
        "outcome": outcome,
        "population": {
            **casemix.population_record(),
            "not_recorded": list(casemix.NOT_RECORDED),
            "procedure_group_rule": "most_extensive_group",
        },
        "predictors": predictors,
        "dropped_predictors": dropped,
        "n": len(rows),
        "events": sum(row["y"] for row in rows),
        "development_start": window.start,
        "development_end": window.end,
        "min_events_per_parameter": risk.MIN_EVENTS_PER_PARAMETER,
        "method": METHOD,
        "software": {
            "openspine": indicators.SOFTWARE_VERSION,
            "statsmodels": statsmodels.__version__,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
        },
        "fitted_at": timezone.now(),
        "fitted_by": actor,
    }


def _fitted_fields(model: risk.RiskModel) -> dict:
    performance = model.performance
    hl = performance.hosmer_lemeshow
    return {
        "status": FitStatus.FITTED,
        "terms": list(model.terms),
        "coefficients": list(model.coefficients),
        "standard_errors": list(model.standard_errors),
        "levels": {name: list(values) for name, values in model.levels},
        "c_statistic": performance.c_statistic,
        "calibration_intercept": performance.calibration_intercept,
        "calibration_slope": performance.calibration_slope,
        "hosmer_lemeshow": hl.statistic,
        "hosmer_lemeshow_df": hl.degrees_of_freedom,
        "hosmer_lemeshow_p": hl.p_value,
        "calibration_groups": [list(group) for group in performance.calibration_groups],
    }


def _store(fields: dict, actor) -> RiskModelVersion:
    with transaction.atomic():
        # Lock the department's versions of this outcome so two refits cannot take one number.
        existing = RiskModelVersion.objects.select_for_update().filter(
            department=fields["department"], outcome=fields["outcome"]
        )
        latest = existing.aggregate(v=Max("version"))["v"] or 0
        version = RiskModelVersion.objects.create(version=latest + 1, **fields)
        verb = "fitted" if version.status == FitStatus.FITTED else "refused"
        audit.record(
            actor,
            f"analytics.riskmodel.{verb}",
            version,
            after={
                "outcome": version.outcome,
                "version": version.version,
                "n": version.n,
                "events": version.events,
                "c_statistic": version.c_statistic,
                "reason": version.refusal_reason,
            },
        )
    return version
