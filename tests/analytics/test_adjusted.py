"""Risk-adjusted O/E per surgeon and procedure group on the quality page (outcomes.md 3.2, 3.4, 4.4)."""

import random
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from openspine.analytics import adjusted, dashboard, indicators, services
from tests.analytics.cases import bulk_operations
from tests.openspine.test_followup_engine import at

TODAY = date(2026, 6, 1)
SCOPE = indicators.Scope(indicators.Period.year(2024), TODAY)


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY, 10), tick=False):
        yield


def _cases(surgeons, count=300, seed=3):
    """ASA drives the risk; the first surgeon operates on sicker patients, both at the same odds."""
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        surgeon = surgeons[n % len(surgeons)]
        asa = rng.choice([2, 3, 3]) if surgeon is surgeons[0] else rng.choice([1, 1, 2])
        risk = {1: 0.05, 2: 0.15, 3: 0.5}[asa]
        procedure = "fusion_tlif" if n % 3 else "discectomy_med"
        cases.append(
            {
                "asa": asa,
                "surgeon": surgeon,
                "procedure": procedure,
                "complication": "I" if rng.random() < risk else None,
            }
        )
    return cases


@pytest.fixture
def fitted(surgeon, director):
    bulk_operations(surgeon, _cases([surgeon, director]))
    return services.fit_risk_model(surgeon.department, "S1_30d", actor=None, today=TODAY)


def _s1(figures):
    return next(a for a in figures if a.outcome == "S1_30d")


@pytest.mark.django_db
def test_department_oe_is_one_on_the_development_data_and_units_add_up(fitted, director, surgeon):
    figures = dashboard.build(director, SCOPE)["adjusted"]
    s1 = _s1(figures)
    assert s1.model == fitted and s1.n == 300 and s1.not_scored == 0
    # In the development data of an unpenalised logistic model with an intercept, E = O exactly.
    assert s1.department.expected == pytest.approx(s1.department.observed, rel=1e-6)
    assert s1.department.ratio.estimate == pytest.approx(1.0, rel=1e-6)
    assert s1.department.ratio.lower < 1 < s1.department.ratio.upper
    assert sum(u.expected for u in s1.surgeons) == pytest.approx(s1.department.expected)
    assert {u.label for u in s1.surgeons} == {"Surgeon", "Director"}
    sicker = next(u for u in s1.surgeons if u.key == surgeon.pk)
    # The surgeon with sicker patients has more events and more expected: adjustment evens it out.
    assert sicker.observed > next(u for u in s1.surgeons if u.key == director.pk).observed
    assert sicker.expected / sicker.n > 0.2
    assert sum(u.n for u in s1.groups) == 300
    # Only S1 has a model: the others say why there is no adjusted figure.
    assert all(a.reason == "No risk model has been fitted yet." for a in figures if a.outcome != "S1_30d")


@pytest.mark.django_db
def test_a_surgeon_sees_only_their_own_adjusted_figure(fitted, surgeon):
    s1 = _s1(dashboard.build(surgeon, SCOPE)["adjusted"])
    assert [u.label for u in s1.surgeons] == ["You"]
    assert s1.funnel_surgeons == ""


@pytest.mark.django_db
def test_operations_of_a_category_the_model_never_saw_are_counted_apart(fitted, surgeon):
    bulk_operations(surgeon, [{"procedure": "laminoplasty"}] * 4, start=date(2024, 11, 1))
    s1 = _s1(dashboard.build(surgeon, SCOPE)["adjusted"])
    assert s1.n == 304 and s1.not_scored == 4 and s1.department.n == 300


def test_a_model_developed_on_the_scored_period_only_is_not_used():
    model = type("M", (), {"development_start": date(2024, 1, 1), "development_end": date(2024, 12, 31)})()
    assert adjusted._own_period_only(model, SCOPE)
    model.development_start = date(2022, 1, 1)
    assert not adjusted._own_period_only(model, SCOPE)


@pytest.mark.django_db
def test_the_page_shows_the_adjusted_section_and_a_refused_model_in_words(client_for, fitted, director):
    page = client_for(director).get(reverse("analytics:quality_dashboard"), {"year": 2024}).content.decode()
    assert "Risk-adjusted: observed / expected" in page
    assert f"Model {fitted.label}" in page
    assert "Department O/E 1.00" in page
    assert "No risk model has been fitted yet." in page


@pytest.mark.django_db
def test_no_operation_to_score_says_so(fitted, surgeon):
    empty = indicators.Scope(indicators.Period.year(2025), TODAY)
    s1 = _s1(dashboard.build(surgeon, empty)["adjusted"])
    assert s1.reason == "No operation of the period can be scored." and s1.n == 0


def test_overdispersed_units_are_shrunk_and_drawn_on_the_oe_funnel():
    """Five units of 200 cases at 10 % predicted risk (E = 20), O from 5 to 35 (4.3 invariants)."""
    from openspine.analytics import charts

    observed = {"A": 5, "B": 20, "C": 35, "D": 10, "E": 30}
    cases = [(key, int(i < o), 0.1) for key, o in observed.items() for i in range(200)]
    units, dispersion = adjusted._units(cases, 0.1, {key: f"Unit {key}" for key in observed})
    assert dispersion.tau2 > 0 and dispersion.significant
    by_key = {u.key: u for u in units}
    for unit in units:
        assert unit.expected == pytest.approx(20)
        assert unit.ratio.estimate == pytest.approx(observed[unit.key] / 20)
        # shrinkage pulls toward 1, never past it
        assert abs(unit.shrunken_ratio - 1) <= abs(unit.ratio.estimate - 1) + 1e-12
        assert unit.eligibility.allowed  # n = 200 >= 30 and reliability >= 0.70
    assert by_key["A"].position == "alarm" and by_key["B"].position == "inside"
    svg = charts.ratio_funnel_svg("S1_30d", units, dispersion)
    assert svg.startswith("<svg") and "Unit A" in svg and "Expected events (E)" in svg
    assert "99.8 percent, over-dispersion" in svg
    assert "over-dispersion" not in charts.ratio_funnel_svg("S1_30d", units)
    assert charts.ratio_funnel_svg("S1_30d", [u for u in units if u.key == "none"]) == ""
