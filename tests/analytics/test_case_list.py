"""The cases behind a figure: who sees which, identified only for roles that may see patients."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from openspine.audit.models import AuditEvent
from tests.analytics.cases import bulk_operations
from tests.openspine.test_followup_engine import at

URL = reverse("analytics:case_list")
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY, 10), tick=False):
        yield


@pytest.fixture
def operations(surgeon, director):
    mine = bulk_operations(surgeon, [{"complication": "I"}, {}, {}])
    theirs = bulk_operations(director, [{"surgeon": director, "complication": "IIIb"}, {"surgeon": director}])
    return mine, theirs


@pytest.mark.django_db
def test_director_sees_every_case_identified_and_the_read_is_audited(client_for, director, operations):
    mine, theirs = operations
    response = client_for(director).get(URL, {"rule": "S1_30d", "year": 2024})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 with the event among 5 mature index operations" in page
    assert reverse("surgery:operation_detail", args=[mine[0].public_id]) in page
    assert mine[0].patient.mrn in page
    rows = response.context["rows"]
    assert [r.event for r in rows] == [True, True, False, False, False]  # events first
    event = AuditEvent.objects.get(action="analytics.caselist.viewed", actor=director)
    assert event.after["identified"] is True
    assert set(event.after["operations"]) == {str(op.public_id) for op in mine + theirs}


@pytest.mark.django_db
def test_director_may_narrow_to_one_surgeon_and_major_complications(
    client_for, director, surgeon, operations
):
    response = client_for(director).get(URL, {"rule": "S2_30d", "year": 2024, "surgeon": director.pk})
    assert (response.context["numerator"], response.context["denominator"]) == (1, 2)


@pytest.mark.django_db
def test_a_surgeon_sees_only_their_own_cases(client_for, surgeon, director, operations):
    mine, _theirs = operations
    response = client_for(surgeon).get(URL, {"rule": "S1_30d", "year": 2024, "surgeon": director.pk})
    assert response.context["subject"] == surgeon
    assert {r.public_id for r in response.context["rows"]} == {op.public_id for op in mine}


@pytest.mark.django_db
def test_the_auditor_sees_no_identifiers(client_for, auditor, operations):
    mine, _theirs = operations
    response = client_for(auditor).get(URL, {"rule": "S1_30d", "year": 2024})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["denominator"] == 5
    assert mine[0].patient.mrn not in page and "/operations/" not in page
    assert AuditEvent.objects.get(action="analytics.caselist.viewed").after["operations"] == 5


@pytest.mark.django_db
def test_a_missing_or_unknown_indicator_is_refused_naming_the_allowed_ones(client_for, director):
    missing = client_for(director).get(URL)
    assert (
        missing.status_code == 400
        and "Choose an indicator: one of S1_30d, S2_30d" in missing.content.decode()
    )
    unknown = client_for(director).get(URL, {"rule": "S3_30d"})
    assert unknown.status_code == 400 and "S3_30d is not allowed" in unknown.content.decode()


@pytest.mark.django_db
def test_the_quality_page_links_each_figure_to_its_cases(client_for, director, operations):
    page = client_for(director).get(reverse("analytics:quality_dashboard"), {"year": 2024}).content.decode()
    assert f"{URL}?rule=S1_30d&amp;year=2024" in page
