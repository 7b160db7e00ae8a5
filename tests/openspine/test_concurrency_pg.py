"""Claims that rest on row locks, tested with real concurrent transactions (PostgreSQL leg only).

SQLite has no row locks (``select_for_update`` is a no-op and writers queue for the whole
database), so a threaded test there proves nothing about them. The sequential versions of these
claims, which also hold on SQLite, stay beside their features: ``test_double_submit_...`` in
test_portal_questionnaire, ``test_two_overlapping_runs_...`` in test_followup_messaging.
"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from openspine.proms import messaging, periodic
from openspine.proms.models import Message, QuestionnaireResponse
from tests import builders
from tests.openspine.test_followup_engine import SURGERY_DAY, at, follow_up, signed_operation
from tests.openspine.test_portal_support import answer_all, open_follow_up, post, verified_client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions and row locks (PostgreSQL leg of .ci/run)")


def at_once(task, count: int) -> list:
    """Run ``task()`` in ``count`` threads released together; return results (or exceptions)."""
    barrier = threading.Barrier(count)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(task())
        except Exception as error:  # noqa: BLE001 (the test asserts on every outcome)
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.req("T-72")
def test_two_run_periodic_at_the_same_moment_send_each_invitation_once():
    """README: run_periodic is "safe to run twice at once" (cron overlapping a slow run)."""
    surgeon = builders.make_user(role="surgeon", username="cron_surgeon")
    operation = signed_operation(surgeon)
    messaging.outbox.clear()
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=60), 8), tick=False):
        reports = at_once(periodic.run_all, 2)
    assert [report.failures for report in reports] == [[], []], reports
    three = follow_up(operation, "3m")
    assert Message.objects.filter(follow_up=three, kind="invitation").count() == 1
    assert len(messaging.outbox) == 1
    messaging.outbox.clear()


@pytest.mark.req("T-32")
def test_two_concurrent_final_submits_record_one_response_per_questionnaire():
    """T-32: two concurrent POSTs of the final page create exactly one completed response."""
    surgeon = builders.make_user(role="surgeon", username="portal_surgeon")
    patient = builders.make_patient(actor=surgeon)
    follow_up_, token = open_follow_up(patient, actor=surgeon)
    client = verified_client(Client(), patient, token)
    answer_all(client, follow_up_)

    def submit():
        tab = Client()
        tab.cookies = client.cookies
        return post(tab, reverse("portal:review")).status_code

    statuses = at_once(submit, 2)
    # Both may pass the "still open?" check before either commits; the locked follow-up row makes
    # the loser find the responses recorded, so it just lands on the thanks page too.
    assert set(statuses) <= {302, 410}, statuses
    stored = QuestionnaireResponse.objects.filter(follow_up=follow_up_)
    assert sorted(stored.values_list("instrument", flat=True)) == sorted(follow_up_.instruments)
    follow_up_.refresh_from_db()
    assert follow_up_.state == "completed"
