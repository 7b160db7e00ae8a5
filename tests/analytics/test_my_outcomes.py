"""A surgeon's "my outcomes": own figures against the department's, funnel position, learning curve.

The figures are checked against hand-counted data: surgeon 3 operations with one grade I complication,
the director 2 with one grade IIIb (S1 30 days: 1/3 own, 2/5 department; S2: 0/3 own, 1/5 department).
"""

import math
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from openspine.analytics import myoutcomes
from openspine.audit.models import AuditEvent
from tests import builders
from tests.analytics.cases import bulk_operations
from tests.openspine.test_followup_engine import at

URL = reverse("analytics:my_outcomes")
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY, 10), tick=False):
        yield


@pytest.fixture
def small(surgeon, director):
    mine = bulk_operations(surgeon, [{"complication": "I"}, {}, {}])
    theirs = bulk_operations(director, [{"surgeon": director, "complication": "IIIb"}, {"surgeon": director}])
    return mine, theirs


def _row(response, key):
    return next(r for r in response.context["rows"] if r.rule == key)


@pytest.mark.django_db
def test_a_surgeon_sees_their_own_figures_beside_the_department(client_for, surgeon, small):
    response = client_for(surgeon).get(URL, {"year": 2024})
    assert response.status_code == 200
    s1 = _row(response, "S1_30d")
    assert (s1.own.numerator, s1.own.denominator) == (1, 3)
    assert (s1.department.numerator, s1.department.denominator) == (2, 5)
    s2 = _row(response, "S2_30d")
    assert (s2.own.numerator, s2.own.denominator, s2.department.numerator) == (0, 3, 1)
    # Wilson 95 % of 1/3: 0.0615-0.7923 (Newcombe 1998's formula, outcomes.md 7)
    assert s1.own.interval.lower == pytest.approx(0.0615, abs=1e-4)
    assert s1.own.interval.upper == pytest.approx(0.7923, abs=1e-4)
    page = response.content.decode()
    assert "33.3%" in page and "40.0%" in page and "unstable" in page
    # three operations: no funnel position, the count is named
    assert s1.point is not None and not s1.point.eligibility.allowed
    assert "too few cases: 3, at least 30 needed" in page
    # mortality is never compared
    assert _row(response, "S7_30d").point is None
    assert response.context["own_volume"] == 3 and response.context["volume"] == 5
    event = AuditEvent.objects.get(action="analytics.mine.viewed", actor=surgeon)
    assert event.after["surgeon"] == surgeon.pk and event.after["year"] == 2024


@pytest.mark.django_db
def test_immature_operations_are_counted_apart(client_for, surgeon):
    bulk_operations(surgeon, [{"complication": "I"}, {}], start=date(2026, 5, 20))
    response = client_for(surgeon).get(URL, {"year": 2026})
    s1 = _row(response, "S1_30d")
    assert (s1.own.numerator, s1.own.denominator, s1.own.immature) == (0, 0, 2)
    page = response.content.decode()
    assert "+2 not yet mature" in page and "no mature operations" in page


@pytest.mark.django_db
def test_a_surgeon_cannot_look_at_another_surgeon(client_for, surgeon, director, small):
    response = client_for(surgeon).get(URL, {"year": 2024, "surgeon": director.pk})
    assert response.context["subject"] == surgeon
    assert _row(response, "S1_30d").own.denominator == 3
    assert director.display_name not in response.content.decode()


@pytest.mark.django_db
def test_the_director_chooses_a_surgeon(client_for, surgeon, director, small):
    none = client_for(director).get(URL)
    assert none.status_code == 200 and none.context["subject"] is None
    response = client_for(director).get(URL, {"year": 2024, "surgeon": surgeon.pk})
    assert response.context["subject"] == surgeon
    assert (_row(response, "S1_30d").own.numerator, _row(response, "S1_30d").own.denominator) == (1, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident", "coordinator", "researcher", "teacher"])
def test_other_roles_are_refused(client_for, role, request):
    user = request.getfixturevalue(role)
    assert client_for(user).get(URL).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=user).exists()


@pytest.mark.django_db
def test_bad_parameters_are_refused_naming_the_field(client_for, surgeon):
    response = client_for(surgeon).get(URL, {"p0": "0.3", "p1": "0.2"})
    assert response.status_code == 400
    assert "p1 must be greater than p0" in response.content.decode()
    response = client_for(surgeon).get(URL, {"curve": "S99"})
    assert response.status_code == 400 and "S1_30d" in response.content.decode()


@pytest.mark.django_db
def test_the_funnel_rings_the_surgeon_and_names_nobody_else(client_for, surgeon, director, department):
    third = builders.make_user(
        role="surgeon", username="third", department=department, display_name="Third Wu"
    )
    bulk_operations(surgeon, [{"complication": "I" if n < 20 else None} for n in range(40)])
    bulk_operations(
        director, [{"surgeon": director, "complication": "I" if n < 2 else None} for n in range(40)]
    )
    bulk_operations(third, [{"surgeon": third, "complication": "I" if n < 4 else None} for n in range(40)])
    response = client_for(surgeon).get(URL, {"year": 2024})
    s1 = _row(response, "S1_30d")
    assert (s1.own.numerator, s1.own.denominator, s1.department.numerator) == (20, 40, 26)
    assert s1.point.eligibility.allowed and s1.point.position == "alarm"
    assert s1.funnel and ">You<" in s1.funnel
    assert "Third Wu" not in s1.funnel and director.display_name not in s1.funnel
    assert f'xlink:href="/quality/cases/?rule=S1_30d&amp;year=2024&amp;surgeon={surgeon.pk}"' in s1.funnel
    assert "Third Wu" not in response.content.decode()


# --- the learning curve (outcomes.md 5.3) --------------------------------------------------------

P0, P1 = 0.10, 0.20
P, Q = math.log(P1 / P0), math.log((1 - P0) / (1 - P1))
S = Q / (P + Q)  # 0.1452
H1 = math.log(0.95 / 0.05) / (P + Q)  # 3.631


def test_an_unbroken_run_of_failures_crosses_the_upper_line_at_case_5():
    rows = [
        {"performed_on": date(2024, 1, n + 1), "public_id": n, "group": "fusion", "y": 1} for n in range(6)
    ]
    curve = myoutcomes.learning_curve(rows, "S1_30d", title="t")
    assert curve.result.step == pytest.approx(S) and curve.result.upper_boundary == pytest.approx(H1)
    assert [c.value for c in curve.cases] == pytest.approx([(n + 1) * (1 - S) for n in range(6)])
    assert curve.result.first_unacceptable == 4  # 5 * 0.855 = 4.27 >= 3.63 > 4 * 0.855
    assert [c.crossing for c in curve.cases][4] == "unacceptable"


@pytest.mark.django_db
def test_the_page_draws_the_surgeons_own_case_sequence(client_for, surgeon, director):
    bulk_operations(surgeon, [{"complication": "I" if n in (0, 3) else None} for n in range(8)])
    bulk_operations(director, [{"surgeon": director, "complication": "I"} for _n in range(5)])
    response = client_for(surgeon).get(URL, {"year": 2024})
    curve = response.context["curve"]
    assert curve.count == 8 and curve.result.chart.numerator == 2
    assert [c.failure for c in curve.cases] == [True, False, False, True, False, False, False, False]
    assert curve.cases[-1].value == pytest.approx(2 - 8 * S)
    page = response.content.decode()
    assert "2 failures in 8 cases." in page and "alpha and beta not confirmed" in page
    assert curve.svg.startswith("<svg")


@pytest.mark.django_db
def test_a_curve_with_one_case_says_too_few(client_for, surgeon):
    bulk_operations(surgeon, [{}])
    response = client_for(surgeon).get(URL, {"year": 2024})
    assert "Too few cases for a learning curve: 1." in response.content.decode()


def test_one_pair_has_no_sd_and_two_pairs_the_sample_sd():
    """SQLite's STDDEV_SAMP raised on a single pair and broke the page; the SD is finished in Python."""
    from openspine.analytics.effectiveness import _with_sd

    assert _with_sd({"pairs": 1, "mean": 4.0, "squares": 16.0})["sd"] is None
    # changes 2 and 6: mean 4, sample SD sqrt(((2-4)^2 + (6-4)^2) / 1) = 2.828
    assert _with_sd({"pairs": 2, "mean": 4.0, "squares": 40.0})["sd"] == pytest.approx(math.sqrt(8))
