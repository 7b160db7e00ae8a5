"""Risk models fitted on the department's own signed data, kept as versions (outcomes.md 3.2, 3.5)."""

import random
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from openspine.analytics import casemix, services
from openspine.analytics.models import RiskModelVersion
from openspine.audit.models import AuditEvent
from openspine.surgery.models import Operation
from tests.analytics.cases import bulk_operations

TODAY = date(2026, 6, 1)


def _risky_cases(count, seed=7):
    """ASA 3 operations have far more complications than ASA 1-2 ones (a real case-mix effect)."""
    rng = random.Random(seed)
    cases = []
    for _n in range(count):
        asa = rng.choice([1, 2, 3])
        risk = {1: 0.05, 2: 0.15, 3: 0.5}[asa]
        cases.append({"asa": asa, "complication": "I" if rng.random() < risk else None})
    return cases


@pytest.mark.django_db
def test_a_model_with_enough_events_is_fitted_versioned_and_audited(surgeon):
    bulk_operations(surgeon, _risky_cases(300))
    version = services.fit_risk_model(surgeon.department, "S1_30d", actor=surgeon, today=TODAY)
    assert version.is_fitted and version.version == 1
    # Only ASA and age (one patient, a birthday in the year) vary: the others are left out, named.
    assert version.predictors == ["age", "asa_grade"]
    assert {"sex", "emergency", "revision", "procedure_group"} <= set(version.dropped_predictors)
    assert version.n == 300 and version.events == sum(1 for c in _risky_cases(300) if c["complication"])
    assert version.coefficients[version.terms.index("asa_grade")] > 0  # higher ASA, higher risk
    assert 0.6 < version.c_statistic < 0.9
    # In the development data an unpenalised logistic model is calibrated exactly (3.5)
    assert version.calibration_slope == pytest.approx(1, abs=1e-6)
    assert version.calibration_intercept == pytest.approx(0, abs=1e-6)
    assert sum(group[2] for group in version.calibration_groups) == 300
    event = AuditEvent.objects.get(action="analytics.riskmodel.fitted")
    assert event.actor_id == surgeon.pk and event.after["version"] == 1
    again = services.fit_risk_model(surgeon.department, "S1_30d", actor=surgeon, today=TODAY)
    assert again.version == 2 and again.coefficients == version.coefficients


@pytest.mark.django_db
def test_the_stored_model_scores_operations_as_fitted(surgeon):
    bulk_operations(surgeon, _risky_cases(300))
    version = services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)
    model = version.to_method_model()
    rows = casemix.case_rows(Operation.objects.all(), "S1_30d", TODAY)
    age = rows[0]["age"]
    risks = model.predict([{"age": age, "asa_grade": 1}, {"age": age, "asa_grade": 3}])
    assert risks[0] < 0.15 < 0.35 < risks[1]
    # Sum of predicted risks equals the observed events on the development data (O/E = 1).
    assert sum(model.predict(rows)) == pytest.approx(version.events, rel=1e-6)


@pytest.mark.django_db
def test_too_few_events_refuses_and_says_why(surgeon):
    bulk_operations(surgeon, [{"asa": 1 + n % 3, "complication": "I" if n < 4 else None} for n in range(60)])
    version = services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)
    assert not version.is_fitted and version.refusal_code == "too_few_events"
    assert version.refusal_detail == {"events": 4, "parameters": 1, "required": 10}
    with translation.override("en"):
        reason = version.reason()
    assert reason == (
        "Too few events to fit this risk model: 4 events for 1 parameters; at least 10 events per "
        "parameter (10) are needed."
    )
    assert not version.coefficients and version.c_statistic is None
    assert AuditEvent.objects.filter(action="analytics.riskmodel.refused").count() == 1


@pytest.mark.django_db
def test_no_operations_in_the_window_refuses(surgeon):
    version = services.fit_risk_model(surgeon.department, "S2_30d", actor=None, today=TODAY)
    assert version.refusal_code == "no_operations" and version.n == 0
    with translation.override("en"):
        assert version.reason() == "No mature signed operations in the development period."


@pytest.mark.django_db
def test_excluded_disease_areas_and_immature_operations_are_left_out(surgeon):
    bulk_operations(surgeon, [{"complication": "I"}] * 3, area="trauma")
    bulk_operations(surgeon, [{}] * 2, start=date(2026, 5, 20))  # window not closed on TODAY
    bulk_operations(surgeon, [{}] * 4, start=date(2023, 5, 1))
    version = services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)
    assert version.n == 2 and version.events == 0
    assert version.development_end == date(2026, 5, 2) and version.development_start == date(2023, 5, 3)


def test_main_group_picks_the_most_extensive_procedure():
    assert casemix.main_group(["decompression_laminectomy", "fusion_tlif", "stabilisation_rigid"]) == "fusion"
    assert casemix.main_group(["discectomy_med"]) == "discectomy"
    assert casemix.main_group([]) == "other"


@pytest.mark.django_db
def test_the_refit_command_reports_each_outcome(surgeon, capsys):
    bulk_operations(surgeon, _risky_cases(300))
    call_command("refit_risk_models", "--department", surgeon.department.code)
    out = capsys.readouterr().out
    assert "S1_30d-v1: fitted, n 300" in out
    assert "S2_30d-v1: refused" in out  # grade I complications only: no major event
    assert RiskModelVersion.objects.count() == len(services.RISK_OUTCOMES)


@pytest.mark.django_db
def test_the_refit_command_names_the_known_departments(surgeon):
    with pytest.raises(CommandError, match="department: no department 'nosuch'; known: spine"):
        call_command("refit_risk_models", "--department", "nosuch")


@pytest.mark.django_db
def test_a_predictor_the_earlier_ones_determine_is_left_out_and_named(surgeon):
    cases = _risky_cases(300)
    for n, case in enumerate(cases):
        fusion = n % 2 == 0  # every fusion is posterior, every discectomy anterior: approach adds nothing
        case.update(
            procedure="fusion_tlif" if fusion else "discectomy_med",
            approach="posterior" if fusion else "anterior",
        )
    bulk_operations(surgeon, cases)
    version = services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)
    assert version.is_fitted
    assert "procedure_group" in version.predictors and "approach" not in version.predictors
    assert version.population["aliased_predictors"] == ["approach"]
    assert "procedure_group=fusion" in version.terms
