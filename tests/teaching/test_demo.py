"""The demo: residents on demo operations see a case log built from them; a rerun adds nothing."""

import pytest
from django.core.management import call_command

from openspine.audit.models import AuditEvent
from openspine.teaching.models import CaseLogEntry, Trainee

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", "--years", "1", "--operations-per-year", "120", stdout=None)


def test_demo_residents_have_case_logs_some_confirmed_and_a_rerun_adds_nothing():
    _seed()
    assert Trainee.objects.filter(user__username="resident").exists()
    entries = CaseLogEntry.objects.all()
    assert entries.filter(trainee__username="resident").exists()
    assert (
        entries.filter(state="confirmed").exists() and entries.filter(state="pending_confirmation").exists()
    )
    counts = (entries.count(), AuditEvent.objects.count())
    _seed()
    assert (CaseLogEntry.objects.count(), AuditEvent.objects.count()) == counts
