"""RA-CUSUM and VLAD per surgeon x procedure group (outcomes.md 5.1, 5.2, 5.4).

The methods are checked in test_cusum.py. The reference cites no printed case-by-case chart values
(Steiner's h = 4.5 is tagged [M]), so these tests check invariants of the charts on the page: the
CUSUM is never negative, the VLAD ends at E - O, signals sit where the CUSUM reached h.
"""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from openspine.analytics import monitoring, services
from openspine.audit.models import AuditEvent
from openspine.surgery.models import Operation
from tests.analytics.cases import bulk_operations
from tests.analytics.test_adjusted import _cases
from tests.openspine.test_followup_engine import at

URL = reverse("analytics:monitoring")
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english(client, monkeypatch):
    monkeypatch.setattr(monitoring, "SIMULATED_RUNS", 200)  # the page's 10,000 take seconds
    cache.clear()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY, 10), tick=False):
        yield


@pytest.fixture
def fitted(surgeon, director):
    bulk_operations(surgeon, _cases([surgeon, director]))
    return services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)


def _get(client, **params):
    return client.get(URL, {"outcome": "S1_30d", "year": 2024, **params})


@pytest.mark.django_db
def test_director_sees_a_surgeons_charts_with_h_and_a_linked_case_list(client_for, fitted, director, surgeon):
    response = _get(client_for(director), surgeon=surgeon.pk)
    page = response.content.decode()
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.cases) == 150 and result.threshold.runs == 200
    assert f"h = {result.threshold.limit:.2f}" in page
    assert page.count("<svg") == 2
    assert reverse("surgery:operation_detail", args=[result.cases[0].public_id]) in page
    assert all(case.cusum >= 0 for case in result.cases)
    last = result.cases[-1]
    assert last.vlad == pytest.approx(result.expected - result.observed)
    for case in result.cases:
        if case.signal:
            assert case.cusum >= result.threshold.limit
    event = AuditEvent.objects.get(action="analytics.monitoring.viewed")
    assert event.after == {"outcome": "S1_30d", "year": 2024, "group": "all", "surgeon": surgeon.pk}


@pytest.mark.django_db
def test_a_surgeon_sees_only_their_own_chart(client_for, fitted, director, surgeon):
    response = _get(client_for(surgeon), surgeon=director.pk)
    assert response.context["subject"] == surgeon
    own = set(Operation.objects.filter(primary_surgeon=surgeon).values_list("public_id", flat=True))
    cases = {c.public_id for c in response.context["result"].cases}
    assert cases and cases <= own


@pytest.mark.django_db
def test_the_auditor_sees_charts_without_links_to_patients(client_for, fitted, auditor, surgeon):
    response = _get(client_for(auditor), surgeon=surgeon.pk)
    assert response.status_code == 200 and response.context["result"].cases
    assert "/operations/" not in response.content.decode()


@pytest.mark.django_db
def test_a_procedure_group_narrows_the_sequence_and_too_few_cases_say_so(
    client_for, fitted, director, surgeon
):
    narrowed = _get(client_for(director), surgeon=surgeon.pk, group="discectomy").context["result"]
    assert 0 < len(narrowed.cases) < 150
    empty = _get(client_for(director), surgeon=surgeon.pk, group="tumour")
    assert "Too few cases for a chart: 0." in empty.content.decode()


@pytest.mark.django_db
def test_without_a_model_the_page_says_why(client_for, director, surgeon):
    page = _get(client_for(director), surgeon=surgeon.pk).content.decode()
    assert "No risk model has been fitted yet." in page


@pytest.mark.django_db
def test_director_without_a_chosen_surgeon_is_asked_to_choose(client_for, director):
    assert "Choose a surgeon to see their charts." in client_for(director).get(URL).content.decode()


@pytest.mark.django_db
def test_an_unknown_outcome_is_refused_naming_the_allowed_ones(client_for, director):
    response = client_for(director).get(URL, {"outcome": "S9_30d"})
    assert response.status_code == 400
    assert "S9_30d is not allowed; choose one of: S1_30d, S2_30d, S4_90d." in response.content.decode()
