"""Logistic risk models (outcomes.md 3.2, 3.5) against a published fit and hand-worked measures."""

import pytest
import statsmodels.api as sm
from django.utils import translation

from openspine.analytics.methods import risk
from openspine.analytics.methods._base import AnalyticsInputError


@pytest.fixture(scope="module")
def spector_rows():
    """Spector & Mazzeo 1980 (32 students), shipped with statsmodels; used in Greene, Econometric Analysis."""
    return sm.datasets.spector.load_pandas().data.to_dict("records")


def test_logit_matches_greene_econometric_analysis_spector_example(spector_rows):
    """Greene WH, Econometric Analysis (5th ed.), Table 21.1 logit column: constant -13.021 (4.931),
    GPA 2.826 (1.263), TUCE 0.0952 (0.142), PSI 2.379 (1.065)."""
    model = risk.fit_risk_model(
        spector_rows,
        outcome="GRADE",
        predictors=["GPA", "TUCE", "PSI"],
        model_id="spector",
        version="1",
        min_events_per_parameter=1,
    )
    assert model.coefficients == pytest.approx((-13.021, 2.826, 0.0952, 2.379), abs=1e-3)
    assert model.standard_errors == pytest.approx((4.931, 1.263, 0.142, 1.065), abs=1e-3)
    assert (model.n, model.events, model.terms) == (32, 11, ("const", "GPA", "TUCE", "PSI"))
    assert dict(model.parameters)["min_events_per_parameter"] == 1


def test_too_few_events_refuses_to_fit_and_says_why(spector_rows):
    """11 events for 3 parameters is under the reference's "≥ 10 events per model parameter"."""
    with translation.override("en"), pytest.raises(risk.TooFewEventsError) as error:
        risk.fit_risk_model(
            spector_rows, outcome="GRADE", predictors=["GPA", "TUCE", "PSI"], model_id="spector", version="1"
        )
    assert (error.value.events, error.value.parameters, error.value.required) == (11, 3, 30)
    assert "11 events for 3 parameters" in str(error.value)
    assert "at least 10 events per parameter (30)" in str(error.value)


def test_development_calibration_is_perfect_in_the_large_and_in_slope(spector_rows):
    """The logistic MLE's score equations make sum p = sum y, intercept 0 and slope 1 on its own data."""
    model = risk.fit_risk_model(
        spector_rows,
        outcome="GRADE",
        predictors=["GPA"],
        model_id="s",
        version="1",
        min_events_per_parameter=10,
    )
    assert model.performance.expected == pytest.approx(11)
    assert model.performance.calibration_intercept == pytest.approx(0, abs=1e-6)
    assert model.calibration_slope == pytest.approx(1, abs=1e-6)
    assert 0.5 < model.c_statistic <= 1
    assert sum(model.predict(spector_rows)) == pytest.approx(11)


def test_c_statistic_counts_concordant_pairs_and_ties_as_half():
    """Pairs (event, non-event): 0.35 > 0.1 yes, 0.35 > 0.4 no, 0.8 beats both: 3/4. With a tie: 3.5/4."""
    assert risk.c_statistic([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert risk.c_statistic([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.8]) == pytest.approx(0.875)
    with pytest.raises(AnalyticsInputError, match="outcomes"):
        risk.c_statistic([0, 0], [0.1, 0.2])


def test_hosmer_lemeshow_matches_a_hand_worked_three_group_case():
    """Groups {.1,.2}: (0-.3)^2/(.3 x .85); {.3,.4}: (1-.7)^2/(.7 x .65); {.5,.6}: (2-1.1)^2/(1.1 x .45)."""
    result = risk.hosmer_lemeshow([0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], groups=3)
    expected = 0.09 / 0.255 + 0.09 / 0.455 + 0.81 / 0.495
    assert result.statistic == pytest.approx(expected)
    assert result.degrees_of_freedom == 1


def _synthetic_rows(count=400):
    rows = []
    for i in range(count):
        asa = ("I", "II", "III")[i % 3]
        age = 40 + (i * 7) % 40
        event = 1 if (i * 37 + age + (20 if asa == "III" else 0)) % 100 < 25 else 0
        rows.append({"age": age, "asa": asa, "diabetes": i % 5 == 0, "event": event})
    return rows


def test_categorical_predictors_are_dummy_coded_against_the_first_level():
    rows = _synthetic_rows()
    model = risk.fit_risk_model(
        rows, outcome="event", predictors=["age", "asa", "diabetes"], model_id="s2", version="2026.1"
    )
    assert model.terms == ("const", "age", "asa=II", "asa=III", "diabetes")
    assert dict(model.levels)["asa"] == ("I", "II", "III")
    assert model.coefficient("asa=III") == model.coefficients[3]
    assert len(model.predict(rows[:5])) == 5
    performance = risk.assess(model, rows[:200])
    assert performance.n == 200
    with pytest.raises(AnalyticsInputError, match="asa"):
        model.predict([{"age": 50, "asa": "IV", "diabetes": False}])


def test_missing_predictor_is_refused_by_name():
    rows = _synthetic_rows()
    rows[3]["age"] = None
    with pytest.raises(AnalyticsInputError, match="age"):
        risk.fit_risk_model(rows, outcome="event", predictors=["age"], model_id="x", version="1")
    with pytest.raises(AnalyticsInputError, match="event"):
        risk.fit_risk_model(
            [{"age": 1, "event": 2}], outcome="event", predictors=["age"], model_id="x", version="1"
        )


def test_perfect_separation_is_refused_in_words():
    rows = [{"x": i, "y": int(i >= 50)} for i in range(100)]
    with pytest.raises(risk.RiskModelError):
        risk.fit_risk_model(rows, outcome="y", predictors=["x"], model_id="x", version="1")


def test_indirect_standardisation_gives_oe_with_garwood_limits_and_rsr():
    cases = [("a", 1, 0.2)] * 3 + [("a", 0, 0.2)] * 7 + [("b", 0, 0.1)] * 10
    by_unit = {u.unit: u for u in risk.indirect_standardisation(cases)}
    a = by_unit["a"]
    assert (a.n, a.observed, a.expected) == (10, 3, pytest.approx(2.0))
    assert a.ratio.estimate == pytest.approx(1.5)
    assert a.standardised_rate == pytest.approx(1.5 * 3 / 20)
    assert by_unit["b"].ratio.estimate == 0 and by_unit["b"].ratio.upper > 0
    balanced = risk.indirect_standardisation([("u", 1, 0.5), ("u", 0, 0.5)], reference_rate=0.3)
    assert balanced[0].ratio.estimate == 1.0 and balanced[0].standardised_rate == pytest.approx(0.3)
