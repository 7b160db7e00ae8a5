"""Logistic risk models, their performance and O/E by unit (outcomes.md sections 3.2, 3.5, 4.4).

A risk model predicts each index operation's probability of a binary outcome (complication,
reoperation, readmission) from case mix only: no surgeon term (section 3.2 step 1), and never
things the surgeon controls (section 3.1). It is fitted unpenalised with statsmodels
``GLM(y, X, family=Binomial())``: scikit-learn's default L2 penalty would shrink the coefficients
and miscalibrate E (section 3.2, [V: sklearn docstring]).

The fitted :class:`RiskModel` is a frozen, versionable object (the model card of section 3.5):
outcome, predictors, coefficients, n, events, C-statistic, calibration intercept and slope,
Hosmer-Lemeshow as a supplementary number, and the rule it was fitted under.

Refusal rule, quoted from outcomes.md section 3.2 guardrail 6 [R]: "≥ 10 events per model
parameter in the development data". Parameters are the model's coefficients other than the
intercept (a categorical predictor with k levels counts k - 1); "events" is read as the rarer of
the two outcomes, so a very common outcome with few non-events is refused too (the stricter
reading; for complications the two are the same).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import statsmodels
import statsmodels.api as sm
from django.utils.translation import gettext
from scipy import stats
from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

from openspine.analytics.methods._base import (
    AnalyticsError,
    AnalyticsInputError,
    Params,
    check_count,
    check_number,
    params,
)
from openspine.analytics.methods.intervals import Interval, observed_expected

MIN_EVENTS_PER_PARAMETER = 10  # outcomes.md section 3.2 guardrail 6 [R]
HOSMER_LEMESHOW_GROUPS = 10


class RiskModelError(AnalyticsError):
    """A risk model could not be fitted; the message says why in words a clinician can read."""


class TooFewEventsError(RiskModelError):
    """Refuse to fit a model with fewer than 10 events per model parameter (outcomes.md 3.2)."""

    def __init__(self, *, events: int, parameters: int, required: int, minimum_per_parameter: int):
        self.events = events
        self.parameters = parameters
        self.required = required
        self.minimum_per_parameter = minimum_per_parameter
        super().__init__(
            gettext(
                "Too few events to fit this risk model: %(events)s events for %(parameters)s "
                "parameters; at least %(per)s events per parameter (%(required)s) are needed."
            )
            % {"events": events, "parameters": parameters, "per": minimum_per_parameter, "required": required}
        )


@dataclass(frozen=True)
class HosmerLemeshow:
    """Hosmer-Lemeshow statistic over groups of predicted risk (supplementary only, section 3.5)."""

    statistic: float
    degrees_of_freedom: int
    p_value: float
    groups: int


@dataclass(frozen=True)
class Performance:
    """Discrimination and calibration of a model on some rows (section 3.5)."""

    n: int
    events: int
    expected: float
    c_statistic: float
    calibration_intercept: float
    calibration_slope: float
    hosmer_lemeshow: HosmerLemeshow
    calibration_groups: tuple[tuple[float, float, int], ...]  # (mean predicted, observed rate, n)

    @property
    def observed_expected(self) -> float:
        return self.events / self.expected


@dataclass(frozen=True)
class RiskModel:
    """A fitted logistic risk model: the model card of outcomes.md section 3.5."""

    model_id: str
    version: str
    outcome: str
    predictors: tuple[str, ...]
    terms: tuple[str, ...]
    coefficients: tuple[float, ...]
    standard_errors: tuple[float, ...]
    levels: tuple[tuple[str, tuple[str, ...]], ...]
    n: int
    events: int
    performance: Performance
    fitted_on: date
    method: str = "logistic_glm_binomial"
    parameters: Params = ()

    @property
    def c_statistic(self) -> float:
        return self.performance.c_statistic

    @property
    def calibration_slope(self) -> float:
        return self.performance.calibration_slope

    def coefficient(self, term: str) -> float:
        """Return the coefficient of ``term`` (``const``, a numeric predictor, or ``name=level``)."""
        return self.coefficients[self.terms.index(term)]

    def linear_predictor(self, rows: Iterable[Mapping]) -> np.ndarray:
        """Return logit p for each row."""
        design = _design(list(rows), self.predictors, dict(self.levels))
        return design @ np.asarray(self.coefficients)

    def predict(self, rows: Iterable[Mapping]) -> tuple[float, ...]:
        """Return the predicted probability of the outcome for each row."""
        return tuple(float(p) for p in _expit(self.linear_predictor(rows)))


def fit_risk_model(
    rows: Sequence[Mapping],
    *,
    outcome: str,
    predictors: Sequence[str],
    model_id: str,
    version: str,
    fitted_on: date | None = None,
    min_events_per_parameter: int = MIN_EVENTS_PER_PARAMETER,
) -> RiskModel:
    """Fit an unpenalised logistic model of ``outcome`` on ``predictors`` (outcomes.md section 3.2).

    Parameters
    ----------
    rows : sequence of mappings
        One per index operation of the development window; ``outcome`` is 0/1 (or bool); each
        predictor is a number (bools count as 0/1) or a category (str). Missing values are refused:
        section 3.2 asks for multiple imputation or an explicit "missing" category upstream, never
        listwise deletion.
    min_events_per_parameter : int
        The refusal rule (default 10, the reference's guardrail); kept on the model card.

    Raises
    ------
    TooFewEventsError
        Fewer than ``min_events_per_parameter`` events per parameter.
    RiskModelError
        Perfect separation or no convergence.

    References
    ----------
    outcomes.md 3.2 and 3.5; Steyerberg EW, Clinical Prediction Models (EPV); Van Calster B et al.
    BMC Med 2019;17:230 (calibration).
    """
    rows = list(rows)
    if not predictors:
        raise AnalyticsInputError("predictors", predictors, "at least one predictor name")
    y = _outcomes(rows, outcome)
    levels = _levels(rows, predictors)
    design = _design(rows, predictors, levels)
    terms = _terms(predictors, levels)
    _check_events(
        y, len(terms) - 1, check_count("min_events_per_parameter", min_events_per_parameter, minimum=1)
    )
    result = _fit_glm(y, design)
    model_parameters = params(
        outcome=outcome,
        predictors=tuple(predictors),
        min_events_per_parameter=min_events_per_parameter,
        statsmodels=statsmodels.__version__,
    )
    linear = design @ result.params
    return RiskModel(
        model_id=model_id,
        version=version,
        outcome=outcome,
        predictors=tuple(predictors),
        terms=terms,
        coefficients=tuple(float(b) for b in result.params),
        standard_errors=tuple(float(s) for s in result.bse),
        levels=tuple(sorted(levels.items())),
        n=len(y),
        events=int(y.sum()),
        performance=_performance(y, linear),
        fitted_on=fitted_on or date.today(),
        parameters=model_parameters,
    )


def assess(model: RiskModel, rows: Sequence[Mapping]) -> Performance:
    """Return the model's C-statistic and calibration on ``rows`` (e.g. a later validation period)."""
    rows = list(rows)
    return _performance(_outcomes(rows, model.outcome), model.linear_predictor(rows))


def c_statistic(outcomes: Sequence[int], risks: Sequence[float]) -> float:
    """Return the C-statistic (ROC AUC; tied risks count 1/2) by the rank-sum identity (section 3.5)."""
    y = np.asarray(outcomes, dtype=float)
    events, non_events = y.sum(), len(y) - y.sum()
    if events == 0 or non_events == 0:
        raise AnalyticsInputError("outcomes", f"{int(events)} events of {len(y)}", "both outcomes present")
    ranks = stats.rankdata(risks)
    return float((ranks[y == 1].sum() - events * (events + 1) / 2) / (events * non_events))


def hosmer_lemeshow(
    outcomes: Sequence[int], risks: Sequence[float], *, groups: int = HOSMER_LEMESHOW_GROUPS
) -> HosmerLemeshow:
    """Return the Hosmer-Lemeshow statistic over ``groups`` near-equal groups of sorted risk.

    H = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g)), compared with chi2 on groups - 2 df.
    Groups are formed by sorting on risk and splitting into near-equal sizes (numpy
    ``array_split``); packages differ in how they split ties, so H differs slightly between them.

    References
    ----------
    Hosmer DW, Lemeshow S. Applied Logistic Regression, 2nd ed. Wiley 2000, section 5.2.2.
    """
    groups = check_count("groups", groups, minimum=3)
    order = np.argsort(np.asarray(risks, dtype=float), kind="stable")
    y = np.asarray(outcomes, dtype=float)[order]
    p = np.asarray(risks, dtype=float)[order]
    statistic = 0.0
    for y_group, p_group in zip(np.array_split(y, groups), np.array_split(p, groups), strict=True):
        expected, size = p_group.sum(), len(p_group)
        statistic += (y_group.sum() - expected) ** 2 / (expected * (1 - expected / size))
    df = groups - 2
    return HosmerLemeshow(float(statistic), df, float(stats.chi2.sf(statistic, df)), groups)


@dataclass(frozen=True)
class UnitRatio:
    """One unit's indirectly standardised O/E with its Garwood interval and risk-standardised rate."""

    unit: str
    n: int
    observed: int
    expected: float
    ratio: Interval
    standardised_rate: float
    reference_rate: float


def indirect_standardisation(
    cases: Iterable[tuple[str, int, float]], *, reference_rate: float | None = None
) -> tuple[UnitRatio, ...]:
    """Return O, E = sum p_i, O/E (Garwood limits of O over E) and RSR per unit (section 3.2 steps 2-4).

    ``cases`` are (unit, outcome 0/1, predicted risk) triples. RSR = (O/E) x the overall observed
    rate of the reference population: ``reference_rate`` if given, else the rate of all ``cases``.
    """
    per_unit: dict[str, list[float]] = {}
    total_events = total_n = 0
    for unit, y, p in cases:
        y = check_count("outcome", y)
        if y > 1:
            raise AnalyticsInputError("outcome", y, (0, 1))
        p = check_number("risk", p, low=0, high=1, open_low=True, open_high=True)
        counts = per_unit.setdefault(str(unit), [0, 0, 0.0])
        counts[0] += 1
        counts[1] += y
        counts[2] += p
        total_n += 1
        total_events += y
    if not total_n:
        raise AnalyticsInputError("cases", 0, "at least one case")
    rate = (
        total_events / total_n
        if reference_rate is None
        else check_number("reference_rate", reference_rate, low=0, high=1)
    )
    return tuple(
        UnitRatio(unit, n, o, e, observed_expected(o, e), o / e * rate, rate)
        for unit, (n, o, e) in sorted(per_unit.items())
    )


# --- internals ----------------------------------------------------------------------------------


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _outcomes(rows: Sequence[Mapping], outcome: str) -> np.ndarray:
    values = []
    for row in rows:
        value = row.get(outcome)
        if value not in (0, 1) or value is None:
            raise AnalyticsInputError(outcome, value, (0, 1))
        values.append(int(value))
    if not values:
        raise AnalyticsInputError("rows", 0, "at least one row")
    return np.asarray(values, dtype=float)


def _levels(rows: Sequence[Mapping], predictors: Sequence[str]) -> dict[str, tuple[str, ...]]:
    levels = {}
    for name in predictors:
        seen = {row.get(name) for row in rows}
        if any(isinstance(v, str) for v in seen):
            if not all(isinstance(v, str) for v in seen):
                raise AnalyticsInputError(
                    name, sorted(map(repr, seen))[:5], "all categories (text) or all numbers"
                )
            levels[name] = tuple(sorted(seen))
    return levels


def _terms(predictors: Sequence[str], levels: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    terms = ["const"]
    for name in predictors:
        terms.extend(f"{name}={level}" for level in levels[name][1:]) if name in levels else terms.append(
            name
        )
    return tuple(terms)


def _design(rows: Sequence[Mapping], predictors: Sequence[str], levels: Mapping[str, tuple[str, ...]]):
    matrix = []
    for row in rows:
        line = [1.0]
        for name in predictors:
            value = row.get(name)
            if name in levels:
                if value not in levels[name]:
                    raise AnalyticsInputError(name, value, levels[name])
                line.extend(1.0 if value == level else 0.0 for level in levels[name][1:])
            else:
                if isinstance(value, str) or value is None or not math.isfinite(float(value)):
                    raise AnalyticsInputError(name, value, "a finite number (or category text)")
                line.append(float(value))
        matrix.append(line)
    return np.asarray(matrix)


def _check_events(y: np.ndarray, parameters: int, per_parameter: int) -> None:
    events = int(min(y.sum(), len(y) - y.sum()))
    required = per_parameter * parameters
    if events < required:
        raise TooFewEventsError(
            events=events, parameters=parameters, required=required, minimum_per_parameter=per_parameter
        )


def _fit_glm(y: np.ndarray, design: np.ndarray):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow of exp() on the way to separation
        try:
            result = sm.GLM(y, design, family=sm.families.Binomial()).fit()
        except (PerfectSeparationError, PerfectSeparationWarning):
            raise RiskModelError(
                gettext("The risk model cannot be fitted: a predictor separates the outcomes perfectly.")
            )
    if not result.converged or not np.all(np.isfinite(result.params)):
        raise RiskModelError(gettext("The risk model cannot be fitted: the estimation did not converge."))
    return result


def _performance(y: np.ndarray, linear: np.ndarray) -> Performance:
    risks = _expit(linear)
    ones = np.ones_like(linear)
    # calibration-in-the-large: intercept with offset logit p (target 0); slope: coefficient of logit p
    intercept = sm.GLM(y, ones[:, None], family=sm.families.Binomial(), offset=linear).fit().params[0]
    slope = sm.GLM(y, np.column_stack([ones, linear]), family=sm.families.Binomial()).fit().params[1]
    order = np.argsort(risks, kind="stable")
    calibration = tuple(
        (float(p.mean()), float(o.mean()), len(p))
        for p, o in zip(np.array_split(risks[order], 10), np.array_split(y[order], 10), strict=True)
        if len(p)
    )
    return Performance(
        n=len(y),
        events=int(y.sum()),
        expected=float(risks.sum()),
        c_statistic=c_statistic(y, risks),
        calibration_intercept=float(intercept),
        calibration_slope=float(slope),
        hosmer_lemeshow=hosmer_lemeshow(y, risks),
        calibration_groups=calibration,
    )
