"""Worklist at scale: paginated sections with SQL counts, indexed open follow-ups, cheap filter choices."""

import copy
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.proms import worklist
from openspine.proms.filters import WorklistFilter
from openspine.proms.models import FollowUp
from tests import builders
from tests.openspine.test_followup_engine import SURGERY_DAY, at, signed_operation

TODAY = SURGERY_DAY + timedelta(days=90)  # the 3-month due day
URL = "/followup/"


@pytest.fixture(autouse=True)
def english_on_the_due_day(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"), time_machine.travel(at(TODAY), tick=False):
        yield


def _clone(follow_up, count, label="x", **fields):
    """``count`` copies of ``follow_up`` in its series under new timepoint labels (fast bulk rows)."""
    copies = []
    for index in range(count):
        clone = copy.copy(follow_up)
        clone.pk = clone.id = None
        clone.public_id = uuid.uuid4()
        clone.timepoint = f"{label}{index}"
        clone._state.adding = True
        for name, value in fields.items():
            setattr(clone, name, value)
        copies.append(clone)
    FollowUp.objects.bulk_create(copies, batch_size=500)


@pytest.fixture
def due_today(surgeon):
    """One follow-up due today, in state due (the worklist's "Due today" section)."""
    operation = signed_operation(surgeon)
    FollowUp.objects.filter(operation=operation, timepoint="3m").update(state="due")
    return FollowUp.objects.get(operation=operation, timepoint="3m")


def _url():
    return reverse("proms:followup_list")


def _section(page, key):
    return {s["key"]: s for s in page.context["sections"]}[key]


def test_each_section_shows_one_page_and_page_two_the_next_rows(client_for, coordinator, due_today):
    _clone(due_today, 60)  # 61 due today
    client = client_for(coordinator)
    first = _section(client.get(_url()), "today")
    assert first["count"] == 61 and len(first["rows"]) == worklist.PAGE_SIZE == 25
    assert (first["page"], first["pages"], first["next_page"]) == (1, 3, 2)
    page = client.get(_url(), {"page_today": 2})
    second = _section(page, "today")
    assert second["page"] == 2 and len(second["rows"]) == 25
    assert not {fu.pk for fu in first["rows"]} & {fu.pk for fu in second["rows"]}
    body = page.content.decode()
    assert "Showing 26–50 of 61 (page 2 of 3)." in body
    assert "page_today=3" in body and "page_today=1" in body  # next and previous links
    last = _section(client.get(_url(), {"page_today": 3}), "today")
    assert len(last["rows"]) == 11 and last["next_page"] is None
    shown = {fu.pk for s in (first, second, last) for fu in s["rows"]}
    assert len(shown) == 61
    # A page past the end shows the last one; the view stays audited as before.
    assert _section(client.get(_url(), {"page_today": 99}), "today")["page"] == 3
    assert AuditEvent.objects.filter(action="proms.worklist.viewed", actor=coordinator).count() == 4


def test_the_pager_keeps_the_filters_and_works_over_htmx(client_for, coordinator, surgeon, due_today):
    _clone(due_today, 30)
    client = client_for(coordinator)
    page = client.get(_url(), {"surgeon": surgeon.username, "page_today": 2}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<html" not in body  # the fragment only
    assert f"surgeon={surgeon.username}" in body and "page_today=1" in body
    assert len(_section(page, "today")["rows"]) == 6


@pytest.mark.parametrize("value", ["0", "-1", "two", "99999999"])
def test_a_bad_page_is_a_400_naming_the_field(client_for, coordinator, due_today, value):
    page = client_for(coordinator).get(_url(), {"page_overdue": value})
    assert page.status_code == 400
    assert "page_overdue" in page.content.decode()


def test_query_count_is_bounded_and_does_not_grow_with_rows(
    client_for, coordinator, due_today, django_assert_max_num_queries
):
    client = client_for(coordinator)
    _clone(due_today, 60)
    _clone(due_today, 60, label="y", due_on=TODAY - timedelta(days=3))
    with CaptureQueriesContext(connection) as some:
        client.get(_url())
    _clone(due_today, 300, label="z")
    _clone(due_today, 300, label="w", due_on=TODAY - timedelta(days=4))
    with django_assert_max_num_queries(len(some.captured_queries)):
        page = client.get(_url())
    sections = {s["key"]: s for s in page.context["sections"]}
    assert (sections["today"]["count"], sections["overdue"]["count"]) == (361, 360)
    assert all(len(s["rows"]) <= worklist.PAGE_SIZE for s in sections.values())


def test_surgeon_choices_do_not_read_the_follow_ups(coordinator, surgeon, director, due_today):
    signed_operation(director, day=SURGERY_DAY + timedelta(days=1))
    builders.make_user(role="surgeon", username="idle")  # no operation: not offered
    with CaptureQueriesContext(connection) as captured:
        form = WorklistFilter({}, user=coordinator)
        choices = [value for value, _label in form.fields["surgeon"].choices]
    assert choices == ["", director.username, surgeon.username]
    assert not [q for q in captured.captured_queries if "proms_followup" in q["sql"]]


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's (PostgreSQL leg of .ci/run)")


def _explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_surgeon_filtered_section_uses_an_index_on_open_follow_ups(
    postgresql_only, coordinator, surgeon, due_today
):
    """At realistic proportions (most follow-ups finished), the planner reaches open rows by index."""
    # 4,000 finished follow-ups of the same operation and 40 open ones: the open share of a registry.
    _clone(due_today, 4000, state="completed")
    _clone(due_today, 40, label="open", due_on=TODAY - timedelta(days=5))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proms_followup")
    form = WorklistFilter({"surgeon": surgeon.username}, user=coordinator)
    assert form.is_valid(), form.errors
    follow_ups = form.apply(FollowUp.objects.visible_to(coordinator)).open()
    overdue = follow_ups.filter(due_on__lt=TODAY).order_by("due_on", "pk")[: worklist.PAGE_SIZE]
    plan = _explain(overdue)
    assert "Seq Scan on proms_followup" not in plan, plan
    assert "follow_up_open" in plan, plan


def _counting_decryptions(monkeypatch) -> list:
    from openspine.core import crypto

    calls = []
    original = crypto.Keyring.decrypt
    counting = lambda self, value: calls.append(1) or original(self, value)  # noqa: E731
    monkeypatch.setattr(crypto.Keyring, "decrypt", counting)
    return calls


def test_rows_decrypt_the_name_only_and_the_phone_only_for_a_phone_task(
    client_for, coordinator, due_today, monkeypatch
):
    from openspine.proms.models import PhoneTask

    _clone(due_today, 4)  # 5 due today
    called = FollowUp.objects.exclude(pk=due_today.pk).filter(timepoint="x0").get()
    PhoneTask.objects.create(follow_up=called, due_on=TODAY)
    client = client_for(coordinator)
    calls = _counting_decryptions(monkeypatch)
    page = client.get(_url())
    sections = {s["key"]: s for s in page.context["sections"]}
    assert (sections["today"]["count"], sections["phone"]["count"]) == (4, 1)
    assert len(calls) == 4 + 2  # four names; the phone task's name and phone number
    body = page.content.decode()
    assert f"tel:{called.patient.phone}" in body
    assert called.patient.national_id not in body


def test_row_links_name_their_own_follow_up_and_patient(client_for, coordinator, due_today):
    _clone(due_today, 2)
    page = client_for(coordinator).get(_url())
    body = page.content.decode()
    for fu in _section(page, "today")["rows"]:
        assert f'hx-post="{reverse("proms:followup_resend", args=[fu.public_id])}"' in body
        assert f'action="{reverse("proms:followup_call", args=[fu.public_id])}"' in body
        assert f'href="{reverse("proms:followup_detail", args=[fu.public_id])}"' in body
    assert f'href="{reverse("patients:patient_detail", args=[due_today.patient.public_id])}"' in body


def test_row_texts_and_labels_worked_out_once_per_page_are_still_translated(
    client_for, coordinator, due_today
):
    from django.utils.translation import gettext

    client = client_for(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        body = client.get(_url()).content.decode()
        expected = [gettext(text) for text in ("Resend", "Log call", "Enter answers", "Window closes")]
        expected += [str(due_today.get_state_display()), due_today.disease_area_display]
    assert "Resend" not in body
    for text in expected:
        assert text in body, text


def test_surgeon_choices_are_kept_until_a_new_operation_is_recorded(
    coordinator, surgeon, director, due_today
):
    def surgeons():
        with CaptureQueriesContext(connection) as captured:
            choices = [
                value for value, _label in WorklistFilter({}, user=coordinator).fields["surgeon"].choices
            ]
        joins = [q for q in captured.captured_queries if "EXISTS" in q["sql"]]
        return choices, len(joins)

    assert surgeons() == (["", surgeon.username], 1)
    assert surgeons() == (["", surgeon.username], 0)  # kept: the department's operations not read
    signed_operation(director, day=SURGERY_DAY + timedelta(days=1))
    assert surgeons() == (["", director.username, surgeon.username], 1)
