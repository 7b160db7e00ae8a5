"""Follow-up dashboard at scale: counted in SQL, same figures as the plain-row maths, open windows apart.

The dashboard used to load every follow-up into Python (3.4 s at 30,000 operations) and counted a
follow-up completed inside a still-open window, so a young cohort showed 100 %. outcomes.md §0
rule 3: a rate is computable only once the window has closed; the open period is shown apart.
"""

import copy
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from openspine.proms import metrics, worklist
from openspine.proms.models import FollowUp
from tests.openspine.test_followup_engine import SURGERY_DAY, at, signed_operation

TODAY = SURGERY_DAY + timedelta(days=400)  # 3m windows of SURGERY_DAY closed, 12m still open


@pytest.fixture(autouse=True)
def english_on_the_day(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY), tick=False):
        yield


def _set(operation, timepoint, **fields):
    FollowUp.objects.filter(operation=operation, timepoint=timepoint).update(**fields)


def _completed(day):
    return {"state": "completed", "completed_at": datetime(day.year, day.month, day.day, 3, tzinfo=UTC)}


@pytest.fixture
def cohorts(surgeon):
    """An old cohort (3m window closed, one missed) and a young one (3m window open, answered)."""
    old = signed_operation(surgeon)
    _set(old, "3m", state="missed")
    young_day = TODAY - timedelta(days=70)  # 3m window opened on day 60, closes on day 120
    young = signed_operation(surgeon, day=young_day)
    _set(young, "3m", **_completed(young_day + timedelta(days=65)))
    return old, young


def _dashboard(client):
    return client.get(reverse("proms:followup_dashboard"))


def test_a_cohort_whose_window_is_still_open_is_not_counted_in_the_rate_but_shown_apart(
    client_for, coordinator, cohorts
):
    page = _dashboard(client_for(coordinator))
    assert page.status_code == 200
    three = {rate.key[0]: rate for rate in page.context["overall"]}["3m"]
    # The young cohort's completed 3m follow-up is still in its window: not in the rate (old: 1/2).
    assert (three.completed, three.eligible, three.percent) == (0, 1, 0)
    assert (three.immature, three.immature_completed) == (1, 1)
    # By month of surgery: the young month has nobody eligible yet (old code showed 100 %).
    _timepoints, months = page.context["by_month"]
    young_month = (TODAY - timedelta(days=70)).strftime("%Y-%m")
    young_3m = dict(months)[young_month][_timepoints.index("3m")]
    assert (young_3m.eligible, young_3m.percent, young_3m.immature) == (0, None, 1)
    body = page.content.decode()
    assert "Not yet mature" in body and "100%" not in body and "+1 not yet mature" in body


def test_the_not_yet_mature_column_is_translated(client_for, coordinator, cohorts):
    client = client_for(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        body = _dashboard(client).content.decode()
    assert "尚未到期" in body


def _clone(follow_up, count):
    """``count`` copies of ``follow_up`` in its series under new timepoint labels (fast bulk data)."""
    copies = []
    for index in range(count):
        clone = copy.copy(follow_up)
        clone.pk = clone.id = None
        clone.public_id = uuid.uuid4()
        clone.timepoint = f"x{index}"
        clone._state.adding = True
        copies.append(clone)
    FollowUp.objects.bulk_create(copies)


def _followup_selects(queries):
    sqls = [q["sql"] for q in queries]
    return [sql for sql in sqls if "proms_followup" in sql and sql.lstrip().startswith("SELECT")]


def test_dashboard_counts_in_sql_with_a_query_count_independent_of_the_number_of_follow_ups(
    client_for, coordinator, cohorts, django_assert_max_num_queries
):
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as small:
        assert _dashboard(client).status_code == 200
    old, _young = cohorts
    _clone(FollowUp.objects.get(operation=old, timepoint="3m"), 150)
    cache.clear()  # count again, not the kept figures
    with django_assert_max_num_queries(len(small.captured_queries)):
        with CaptureQueriesContext(connection) as large:
            page = _dashboard(client)
    assert page.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    # No query hands every follow-up to Python: each one over follow-ups groups, counts or is bounded.
    for sql in _followup_selects(large.captured_queries):
        assert "GROUP BY" in sql or "COUNT(" in sql or "LIMIT" in sql, sql
    # ... and what comes back is one row per group (timepoint x value), not one per follow-up.
    assert sum(r.eligible + r.immature for r in page.context["overall"]) == FollowUp.objects.count()


def test_the_follow_ups_are_read_twice_once_for_every_table_and_once_for_the_median(
    client_for, coordinator, cohorts
):
    with CaptureQueriesContext(connection) as captured:
        assert _dashboard(client_for(coordinator)).status_code == 200
    reads = _followup_selects(captured.captured_queries)
    assert len(reads) == 2 and all("GROUP BY" in sql for sql in reads), reads
    assert sum('"proms_followup"."timepoint"' in sql for sql in reads) == 1  # the tables' query


def test_the_figures_are_kept_for_a_few_minutes_and_the_page_says_when_they_were_counted(
    client_for, coordinator, cohorts
):
    client = client_for(coordinator)
    first = _dashboard(client)
    assert f"Counted at {TODAY.isoformat()} 10:00;" in first.content.decode()
    old, _young = cohorts
    _set(old, "3m", **_completed(TODAY - timedelta(days=300)))  # would make the old 3m rate 100 %
    with CaptureQueriesContext(connection) as captured:
        kept = _dashboard(client)
    assert not _followup_selects(captured.captured_queries)  # nothing counted again
    assert kept.context["counted_at"] == first.context["counted_at"]
    assert kept.context["overall"] == first.context["overall"]
    later = at(TODAY) + timedelta(seconds=worklist.DASHBOARD_CACHE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        recounted = _dashboard(client)
    three = {rate.key[0]: rate for rate in recounted.context["overall"]}["3m"]
    assert (three.completed, three.eligible) == (1, 1)
    assert recounted.context["counted_at"] > first.context["counted_at"]


def test_each_department_has_its_own_kept_figures(client_for, coordinator, cohorts):
    from tests import builders

    trauma = builders.make_department("trauma", "Trauma")
    other = builders.make_user(role="coordinator", username="elsewhere", department=trauma)
    assert _dashboard(client_for(coordinator)).context["overall"]
    assert _dashboard(client_for(other)).context["overall"] == []


def test_sql_counts_equal_the_plain_row_maths_for_every_table(surgeon, director, cohorts):
    old, young = cohorts
    other = signed_operation(director, day=SURGERY_DAY + timedelta(days=40))
    _set(other, "3m", state="cancelled", cancel_reason="deceased")
    _set(other, "baseline", **_completed(SURGERY_DAY + timedelta(days=39)))
    _set(old, "baseline", **_completed(SURGERY_DAY), invited_at=datetime(2026, 2, 20, 1, tzinfo=UTC))
    _set(old, "12m", state="cancelled", cancel_reason="lost_to_contact")
    follow_ups = FollowUp.objects.all()
    today = TODAY
    rows = worklist.dashboard_rows(follow_ups)
    for group in ("surgeon", "disease_area", "surgery_month"):
        counted = metrics.pivot_counts(worklist.dashboard_counts(follow_ups, today, group), group)
        assert counted == metrics.pivot(rows, today, group), group
        one_pass = worklist.dashboard_tables(follow_ups, today)[group]
        assert metrics.pivot_counts(one_pass, group) == counted, group
    by_area = worklist.dashboard_counts(follow_ups, today, "disease_area")
    overall = metrics.rates_from_counts(by_area, lambda r: (r["timepoint"],))
    assert overall == metrics.completion_rates(rows, today, lambda r: (r["timepoint"],))
    assert worklist.median_response_days(follow_ups) == metrics.median_response_days(rows)


@pytest.mark.parametrize("completed_days", [[5], [1, 9], [4, 2, 30], [0, 3, 3, 8]])
def test_median_response_days_in_sql_matches_the_plain_median(surgeon, completed_days):
    operation = signed_operation(surgeon)
    follow_up = FollowUp.objects.get(operation=operation, timepoint="3m")
    _clone(follow_up, len(completed_days))
    for index, days in enumerate(completed_days):
        done = follow_up.window_opens_on + timedelta(days=days)
        _set(operation, f"x{index}", **_completed(done))
    rows = worklist.dashboard_rows(FollowUp.objects.all())
    expected = metrics.median_response_days(rows)
    assert expected is not None
    assert worklist.median_response_days(FollowUp.objects.all()) == expected


@pytest.mark.parametrize(
    "values",
    [[5], [1, 9], [4, 2, 30], [0, 3, 3, 8], [7, 7], [2, 2, 2, 9, 9, 9], [0] * 5 + [40] * 4, list(range(11))],
)
def test_median_of_counts_is_the_median_of_the_values_written_out(values):
    from collections import Counter
    from statistics import median

    assert metrics.median_of_counts(Counter(values)) == median(values)
    assert metrics.median_of_counts({}) is None and metrics.median_of_counts({3: 0}) is None


def test_median_response_days_is_one_grouped_query(surgeon, completed_days=(4, 2, 30)):
    operation = signed_operation(surgeon)
    follow_up = FollowUp.objects.get(operation=operation, timepoint="3m")
    _clone(follow_up, 30)
    for index in range(30):
        done = follow_up.window_opens_on + timedelta(days=index % 7)
        _set(operation, f"x{index}", **_completed(done))
    with CaptureQueriesContext(connection) as captured:
        median_days = worklist.median_response_days(FollowUp.objects.all())
    assert median_days == metrics.median_response_days(worklist.dashboard_rows(FollowUp.objects.all()))
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert "GROUP BY" in sql and "LIMIT" not in sql
