"""The risk models page: model cards with calibration plot, refusals in words, refit as a task."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from openspine.analytics import services
from openspine.analytics.models import RiskModelVersion
from openspine.audit.models import AuditEvent
from tests.analytics.cases import bulk_operations
from tests.analytics.test_risk_models import _risky_cases

URL = reverse("analytics:risk_models")
REFIT = reverse("analytics:risk_models_refit")
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_the_card_shows_the_fitted_model_and_its_calibration_plot(client_for, director, surgeon):
    bulk_operations(surgeon, _risky_cases(300))
    fitted = services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)
    page = client_for(surgeon).get(URL).content.decode()
    assert "S1 Any complication, 30 days" in page
    assert fitted.label in page and f"{fitted.c_statistic:.3f}" in page
    assert "<svg" in page and "Mean predicted risk" in page
    assert "ASA grade" in page  # the coefficient table
    assert "No risk model has been fitted yet." in page  # S2 and S4 have no version
    assert "Refit the models now" not in page  # only the director may refit


@pytest.mark.django_db
def test_a_refused_model_says_why_and_keeps_the_last_fitted_version(client_for, director, surgeon):
    bulk_operations(surgeon, _risky_cases(300))
    services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)
    # Four years on, the development window holds none of those operations.
    refused = services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=date(2030, 6, 1))
    assert not refused.is_fitted and refused.version == 2
    page = client_for(director).get(URL).content.decode()
    assert "Not fitted" in page and "No mature signed operations in the development period." in page
    assert "The figures below are those of version 1, the last one fitted." in page


@pytest.mark.django_db
def test_the_director_queues_a_refit_that_runs_as_a_task(
    client_for, director, surgeon, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    bulk_operations(surgeon, _risky_cases(300))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(director).post(REFIT)
    assert response.status_code == 302 and response["Location"] == URL
    assert AuditEvent.objects.filter(action="analytics.riskmodel.refit_requested", actor=director).exists()
    versions = RiskModelVersion.objects.filter(department=director.department)
    assert sorted(versions.values_list("outcome", flat=True)) == sorted(services.RISK_OUTCOMES)
    assert versions.get(outcome="S1_30d").fitted_by == director


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["surgeon", "auditor", "resident"])
def test_only_the_director_may_refit(client_for, role, request):
    response = client_for(request.getfixturevalue(role)).post(REFIT)
    assert response.status_code == 403
    assert not RiskModelVersion.objects.exists()
