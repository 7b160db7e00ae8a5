"""Trends by quarter with Wilson bands (outcomes.md 9.3)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from openspine.analytics import trends
from openspine.audit.models import AuditEvent
from tests.analytics.cases import bulk_operations
from tests.openspine.test_followup_engine import at

URL = reverse("analytics:trend")
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY, 10), tick=False):
        yield


def test_the_twelve_quarters_end_with_todays():
    assert trends.first_quarter(date(2026, 6, 1)) == date(2023, 7, 1)
    assert trends.first_quarter(date(2026, 1, 1), count=1) == date(2026, 1, 1)
    assert trends.first_quarter(date(2026, 12, 31), count=5) == date(2025, 10, 1)


@pytest.mark.django_db
def test_each_quarter_counts_its_mature_operations(client_for, director, surgeon):
    bulk_operations(surgeon, [{"complication": "I"}, {}, {}, {}], start=date(2025, 2, 1))
    bulk_operations(surgeon, [{}, {}], start=date(2026, 5, 20))  # inside their 30-day window
    response = client_for(director).get(URL, {"rule": "S1_30d"})
    points = {p.label: p for p in response.context["points"]}
    assert len(points) == 12
    assert (points["2025 Q1"].numerator, points["2025 Q1"].denominator) == (1, 4)
    assert points["2025 Q1"].interval.lower < 0.25 < points["2025 Q1"].interval.upper
    assert (points["2026 Q2"].denominator, points["2026 Q2"].immature) == (0, 2)
    page = response.content.decode()
    assert "<svg" in page and "25.0%" in page and "+2 not yet mature" in page
    assert AuditEvent.objects.filter(action="analytics.trend.viewed", actor=director).exists()


@pytest.mark.django_db
def test_a_surgeon_may_narrow_to_their_own_operations(client_for, director, surgeon):
    bulk_operations(surgeon, [{}, {}], start=date(2025, 2, 1))
    bulk_operations(director, [{"surgeon": director}], start=date(2025, 2, 10))
    own = client_for(surgeon).get(URL, {"rule": "S1_30d", "own": "on"}).context["points"]
    assert sum(p.denominator for p in own) == 2


@pytest.mark.django_db
def test_an_unknown_rule_is_refused(client_for, director):
    response = client_for(director).get(URL, {"rule": "nosuch"})
    assert response.status_code == 400 and "nosuch is not allowed" in response.content.decode()
