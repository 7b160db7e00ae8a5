"""The director's quality page: who may open it, what it shows, that the read is audited, and its cost."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from openspine.analytics import catalogue, dashboard
from openspine.audit.models import AuditEvent
from tests import builders
from tests.analytics.test_indicators import complication
from tests.openspine.test_followup_engine import at, signed_operation

URL = reverse("analytics:quality_dashboard")
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def on_today():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


def _cases(actor, count, *, complicated=0):
    for n in range(count):
        op = signed_operation(actor, day=date(2026, 3, 2 + n % 20))
        if n < complicated:
            complication(op, actor, op.performed_on, "I")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident", "coordinator", "researcher", "teacher", "secadmin", "admin"])
def test_other_roles_are_refused_and_the_refusal_audited(client_for, role, request):
    user = request.getfixturevalue(role)
    response = client_for(user).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=user).exists()


@pytest.mark.django_db
def test_director_sees_department_figures_and_each_surgeon(client_for, director, surgeon, on_today):
    _cases(surgeon, 3, complicated=1)
    _cases(director, 1)
    response = client_for(director).get(URL, {"year": 2026})
    page = response.content.decode()
    assert response.status_code == 200
    assert "4 signed operations in the period." in page
    assert "25.0%" in page and "1/4" in page  # S1: one of four mature operations
    assert "Per surgeon (unadjusted)" in page and surgeon.display_name in page
    assert "insufficient data for comparison" in page and "(fewer than 30 operations)" in page
    assert "unstable" in page  # every denominator is under 20 (outcomes.md 8.1)


@pytest.mark.django_db
def test_surgeon_sees_own_column_and_no_other_surgeon(client_for, director, surgeon, on_today):
    _cases(surgeon, 2, complicated=1)
    _cases(director, 2)
    page = client_for(surgeon).get(URL, {"year": 2026}).content.decode()
    assert "Your column shows your own 2 operations" in page
    assert "50.0%" in page and "1/2" in page  # own S1
    assert "25.0%" in page and "1/4" in page  # the department's S1
    assert director.display_name not in page.split("</header>")[1]
    assert "Per surgeon (unadjusted)" not in page


@pytest.mark.django_db
def test_opening_the_page_writes_a_read_audit_event_without_identifiers(client_for, director, surgeon):
    client_for(director).get(URL, {"year": 2026, "disease_area": "lumbar_degenerative"})
    event = AuditEvent.objects.get(action="analytics.quality.viewed", actor=director)
    assert event.after == {
        "year": 2026,
        "disease_area": "lumbar_degenerative",
        "scope": "all",
        "surgeon": None,
    }
    assert event.patient_id == "" and event.object_id == ""


@pytest.mark.django_db
def test_bad_filter_is_refused_naming_the_field_and_allowed_values(client_for, director):
    response = client_for(director).get(URL, {"year": 1890})
    page = response.content.decode()
    assert response.status_code == 400
    assert "year" in page and "1890 is not allowed; choose one of:" in page and "2026" in page
    assert not AuditEvent.objects.filter(action="analytics.quality.viewed").exists()


@pytest.mark.django_db
def test_every_catalogue_indicator_appears_computed_or_with_what_it_needs(client_for, director):
    page = client_for(director).get(URL).content.decode()
    for indicator in catalogue.CATALOGUE:
        assert f"{indicator.id} {escape(str(indicator.name))}" in page, indicator.id
    for indicator in catalogue.CATALOGUE:
        if not indicator.computable:
            assert escape(str(indicator.needs)) in page
    assert "definition not confirmed" in page  # S4/S5/S6 caveats are carried to the page


@pytest.mark.django_db
def test_page_renders_in_chinese(client_for, director):
    client = client_for(director)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get(URL).content.decode()
    assert "质量指标" in page and "任何并发症" in page


def _statements(context) -> list[str]:
    """The queries a view ran, without the savepoints and session settings PostgreSQL adds."""
    housekeeping = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SELECT set_config(")
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith(housekeeping)]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_operations(client_for, director, surgeon):
    """A fixed number of GROUP BY queries: 2 operations of one surgeon or 14 of two cost the same."""
    client = client_for(director)
    _cases(surgeon, 2, complicated=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"year": 2026}).status_code == 200
    _cases(surgeon, 10, complicated=3)
    other = builders.make_user(role="surgeon", username="second")
    _cases(other, 2)
    cache.clear()  # count again rather than serve the kept figures
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL, {"year": 2026}).status_code == 200
    assert len(_statements(large)) == len(_statements(small))
    assert len(_statements(large)) <= 25


def test_rates_round_to_one_decimal_of_a_percent():
    """Section 7 display rule: 2/2643 = 0.0757 % shows as 0.1 %, not a truncated 0.0 %."""
    from openspine.analytics.templatetags.quality import pct

    assert pct(2 / 2643) == "0.1%"
    assert pct(0.25) == "25.0%"
    assert pct(None) == "—"


@pytest.mark.django_db
def test_mortality_is_never_compared_across_surgeons(client_for, director, surgeon, on_today):
    _cases(surgeon, 1)
    page = client_for(director).get(URL, {"year": 2026}).content.decode()
    mortality_rows = [chunk for chunk in page.split("<tr id=")[1:] if chunk.startswith('"S7-')]
    assert len(mortality_rows) == 3
    assert all("Per surgeon (unadjusted)" not in row for row in mortality_rows)


@pytest.mark.django_db
def test_director_can_put_one_surgeon_beside_the_department(client_for, director, surgeon, on_today):
    _cases(surgeon, 2, complicated=1)
    _cases(director, 2)
    page = client_for(director).get(URL, {"year": 2026, "surgeon": surgeon.pk}).content.decode()
    assert f"The column {surgeon.display_name} shows that surgeon's own 2 operations" in page
    assert "50.0%" in page and "1/2" in page  # that surgeon's S1 beside the department's 1/4
    event = AuditEvent.objects.get(action="analytics.quality.viewed", actor=director)
    assert event.after["surgeon"] == surgeon.pk


@pytest.mark.django_db
def test_surgeon_filter_refuses_someone_outside_the_department(client_for, director, outsider):
    response = client_for(director).get(URL, {"surgeon": outsider.pk})
    assert response.status_code == 400 and "surgeon" in response.content.decode()


@pytest.mark.django_db
def test_surgeon_cannot_pick_another_surgeon(client_for, director, surgeon, on_today):
    """The filter does not exist for a surgeon: the parameter is ignored, their own column stays."""
    _cases(director, 2, complicated=2)
    page = client_for(surgeon).get(URL, {"year": 2026, "surgeon": director.pk}).content.decode()
    assert "Your column shows your own 0 operations" in page


@pytest.mark.django_db
def test_unconfirmed_prom_thresholds_are_flagged_on_the_page(client_for, director, surgeon):
    """Copay 2008's ODI MCID is tagged [M] in proms.md: the page says the threshold is not confirmed."""
    from tests.analytics.test_indicators import _score

    with time_machine.travel(at(date(2026, 12, 1), 10), tick=False):
        for baseline, follow in ((50, 20), (40, 38)):
            operation = signed_operation(surgeon, day=date(2025, 1, 10))
            _score(operation, "baseline", baseline, date(2025, 1, 9))
            _score(operation, "12m", follow, date(2026, 1, 12))
        page = client_for(director).get(URL, {"year": 2025}).content.decode()
    assert "50.0%" in page and "1/2" in page  # one of two improved by at least 12.8 ODI points
    assert "copay2008" in page and "threshold not confirmed" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"), [("director", True), ("auditor", True), ("surgeon", True), ("resident", False)]
)
def test_navigation_links_the_page_for_those_who_may_open_it(client_for, request, role, shown):
    page = client_for(request.getfixturevalue(role)).get("/").content.decode()
    assert (f'href="{URL}"' in page) is shown


@pytest.mark.django_db
def test_second_view_is_served_from_the_cache_and_still_audited(client_for, director, surgeon, on_today):
    _cases(surgeon, 3, complicated=1)
    client = client_for(director)
    with CaptureQueriesContext(connection) as first:
        page = client.get(URL, {"year": 2026}).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(URL, {"year": 2026}).content.decode()
    assert len(_statements(first)) >= 15
    # session, user, cache read, audit write: no counting
    assert len(_statements(second)) <= 8, _statements(second)
    assert "Counted at 2026-12-01 10:00; the figures are counted again at most every 5 minutes." in page
    assert "3 signed operations in the period." in again and "1/3" in again
    assert AuditEvent.objects.filter(action="analytics.quality.viewed", actor=director).count() == 2


@pytest.mark.django_db
def test_kept_figures_are_counted_again_after_five_minutes(client_for, director, surgeon):
    client = client_for(director)
    with time_machine.travel(at(TODAY, 10), tick=False):
        _cases(surgeon, 2)
        assert "2 signed operations in the period." in client.get(URL, {"year": 2026}).content.decode()
        _cases(surgeon, 1)
        assert "2 signed operations in the period." in client.get(URL, {"year": 2026}).content.decode()
    with time_machine.travel(at(TODAY, 10).replace(minute=6), tick=False):
        page = client.get(URL, {"year": 2026}).content.decode()
    assert "3 signed operations in the period." in page and "Counted at 2026-12-01 10:06" in page


@pytest.mark.django_db
def test_one_surgeons_kept_figures_never_reach_another_viewer(client_for, director, surgeon, on_today):
    """Security: the cache key carries the scope, so a surgeon's own column stays theirs alone."""
    other = builders.make_user(role="surgeon", username="second", display_name="Second Surgeon")
    _cases(surgeon, 2, complicated=1)
    _cases(other, 1)
    first = client_for(surgeon).get(URL, {"year": 2026}).content.decode()
    assert "Your column shows your own 2 operations" in first and "1/2" in first
    second = client_for(other).get(URL, {"year": 2026}).content.decode()
    assert "Your column shows your own 1 operations" in second
    assert "Your column shows your own 2 operations" not in second
    as_director = client_for(director).get(URL, {"year": 2026}).content.decode()
    assert "Your column" not in as_director and "Per surgeon (unadjusted)" in as_director
    picked = client_for(director).get(URL, {"year": 2026, "surgeon": other.pk}).content.decode()
    assert "The column Second Surgeon shows that surgeon's own 1 operations" in picked
    # And the other way round: the director's department-wide view is not served to a surgeon.
    cache.clear()
    client_for(director).get(URL, {"year": 2026})
    page = client_for(surgeon).get(URL, {"year": 2026}).content.decode()
    assert "Per surgeon (unadjusted)" not in page and "Second Surgeon" not in page.split("</header>")[1]


@pytest.mark.django_db
def test_cache_key_names_the_viewer_scope_department_and_language(director, surgeon, auditor, outsider):
    from openspine.analytics import indicators

    scope = indicators.Scope(indicators.Period.year(2026), TODAY)
    other = builders.make_user(role="surgeon", username="second")
    keys = {
        dashboard.cache_key(director, scope),
        dashboard.cache_key(director, scope, surgeon=surgeon),
        dashboard.cache_key(director, scope, surgeon=director),
        dashboard.cache_key(auditor, scope, surgeon=director),
        dashboard.cache_key(surgeon, scope),
        dashboard.cache_key(other, scope),
        dashboard.cache_key(outsider, scope),
        dashboard.cache_key(surgeon, indicators.Scope(scope.period, TODAY, "lumbar_degenerative")),
    }
    assert len(keys) == 8
    with translation.override("zh-hans"):
        assert dashboard.cache_key(surgeon, scope) not in keys


def _major_cases(actor, count, *, complicated):
    for n in range(count):
        op = signed_operation(actor, day=date(2026, 3, 2 + n % 20))
        if n < complicated:
            complication(op, actor, op.performed_on, "IIIb")


@pytest.mark.django_db
def test_funnel_plot_is_drawn_for_surgeons_who_may_be_compared(client_for, director, surgeon, on_today):
    """30 operations each, 1 and 20 major complications: theta0 = 21/60, reliability about 0.96."""
    other = builders.make_user(role="surgeon", username="second", display_name="Second Surgeon")
    _major_cases(surgeon, 30, complicated=1)
    _major_cases(other, 30, complicated=20)
    page = client_for(director).get(URL, {"year": 2026}).content.decode()
    s1 = next(chunk for chunk in page.split("<tr id=")[1:] if chunk.startswith('"S1-'))
    assert s1.count('<figure class="funnel"><svg') == 1
    svg = s1.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Second Surgeon" in svg and surgeon.display_name in svg
    assert "Unadjusted for case mix." in svg and "outside the 99.8 percent limits" in svg
    assert "<script" not in svg and "style=" not in svg
    assert page.count('<figure class="funnel">') == 3  # S1 30 d, S2 30 d and 90 d; never S3-S7
    assert "the table below is its text alternative" in s1 and "<table" in s1.split("</svg>", 1)[1]
    own = client_for(surgeon).get(URL, {"year": 2026}).content.decode()
    assert '<figure class="funnel">' not in own  # a surgeon sees no comparison


@pytest.mark.django_db
def test_no_funnel_plot_when_nobody_may_be_compared(client_for, director, surgeon, on_today):
    _major_cases(surgeon, 29, complicated=1)  # one short of the 30 operations of outcomes.md 3.4
    _major_cases(builders.make_user(role="surgeon", username="second"), 29, complicated=20)
    page = client_for(director).get(URL, {"year": 2026}).content.decode()
    assert "insufficient data for comparison" in page
    assert '<figure class="funnel">' not in page and "<svg" not in page.split("</header>")[1]
