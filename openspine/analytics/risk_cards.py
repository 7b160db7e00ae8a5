"""The model cards of the risk models page (outcomes.md 3.5): plain rows for the template."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from openspine.analytics import catalogue, charts, services
from openspine.analytics.models import RiskModelVersion
from openspine.patients.choices import DiseaseArea, Sex
from openspine.surgery.choices import Approach
from openspine.surgery.forms import GROUP_LABELS

HISTORY = 10
PREDICTOR_LABELS = {
    "const": gettext_lazy("Intercept"),
    "age": gettext_lazy("Age (years)"),
    "sex": gettext_lazy("Sex"),
    "asa_grade": gettext_lazy("ASA grade"),
    "emergency": gettext_lazy("Emergency (ASA E)"),
    "levels": gettext_lazy("Vertebrae spanned"),
    "levels_unknown": gettext_lazy("Levels not recorded"),
    "revision": gettext_lazy("Revision (prior spine surgery)"),
    "disease_area": gettext_lazy("Disease area"),
    "procedure_group": gettext_lazy("Procedure group"),
    "approach": gettext_lazy("Approach"),
}
LEVEL_LABELS = {
    "sex": dict(Sex.choices),
    "disease_area": dict(DiseaseArea.choices),
    "approach": dict(Approach.choices),
    "procedure_group": GROUP_LABELS,
}


@dataclass(frozen=True)
class Term:
    label: str
    coefficient: float
    standard_error: float
    odds_ratio: float | None  # not for the intercept


@dataclass(frozen=True)
class Card:
    """One outcome: its latest version, the latest fitted one (they differ after a refusal), history."""

    outcome: str
    title: str
    latest: RiskModelVersion | None
    fitted: RiskModelVersion | None
    terms: list
    baselines: list  # (predictor label, reference level label) of every categorical predictor
    calibration: str
    history: list
    dropped: list = ()  # labels of predictors constant in the development data
    aliased: list = ()  # labels of predictors determined by earlier ones


def outcome_title(outcome: str) -> str:
    """Return "S1 Any complication, 30 days" for ``S1_30d``."""
    code, _sep, window = outcome.partition("_")
    return f"{code} {catalogue.get(code).name}, {catalogue.WINDOW_LABELS.get(window, window)}"


def term_label(term: str) -> str:
    """Return a readable label for ``asa_grade`` or ``disease_area=cervical_degenerative``."""
    name, _sep, level = term.partition("=")
    label = str(PREDICTOR_LABELS.get(name, name))
    if level:
        return f"{label}: {LEVEL_LABELS.get(name, {}).get(level, level)}"
    return label


def cards_for(department_id: int) -> list[Card]:
    """Return one card per modelled outcome for the department (one query per outcome)."""
    cards = []
    for outcome in services.RISK_OUTCOMES:
        versions = list(
            RiskModelVersion.objects.filter(department_id=department_id, outcome=outcome).order_by(
                "-version"
            )[:HISTORY]
        )
        latest = versions[0] if versions else None
        fitted = next((v for v in versions if v.is_fitted), None)
        if fitted is None and latest is not None and not latest.is_fitted:
            fitted = RiskModelVersion.objects.filter(
                department_id=department_id, outcome=outcome, status="fitted"
            ).first()
        title = outcome_title(outcome)
        cards.append(
            Card(
                outcome,
                title,
                latest,
                fitted,
                _terms(fitted) if fitted else [],
                _baselines(fitted) if fitted else [],
                charts.calibration_svg(fitted.calibration_groups, title=title) if fitted else "",
                versions,
                _labels(fitted.dropped_predictors) if fitted else [],
                _labels(fitted.population.get("aliased_predictors", [])) if fitted else [],
            )
        )
    return cards


def _terms(version: RiskModelVersion) -> list[Term]:
    rows = []
    for term, b, se in zip(version.terms, version.coefficients, version.standard_errors, strict=True):
        rows.append(Term(term_label(term), b, se, None if term == "const" else math.exp(b)))
    return rows


def _baselines(version: RiskModelVersion) -> list[tuple[str, str]]:
    return [
        (str(PREDICTOR_LABELS.get(name, name)), str(LEVEL_LABELS.get(name, {}).get(levels[0], levels[0])))
        for name, levels in sorted(version.levels.items())
    ]


def _labels(names) -> list[str]:
    return [str(PREDICTOR_LABELS.get(name, name)) for name in names]
