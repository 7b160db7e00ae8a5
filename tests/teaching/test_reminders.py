"""The attending hears of new entries after sign-off, then at +1 and +7 days, never after confirming."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openspine.proms import periodic
from openspine.surgery import services as surgery
from openspine.teaching import services
from openspine.teaching.models import CaseLogEntry
from openspine.teaching.reminders import remind_attendings
from tests import builders


@pytest.fixture
def attending(surgeon):
    surgeon.email = "attending@example.org"
    surgeon.save(update_fields=["email"])
    return surgeon


@pytest.fixture
def entry(patient, attending, trainee, django_capture_on_commit_callbacks):
    operation = builders.make_operation(patient, actor=attending, team=[(trainee, "primary_surgeon")])
    with django_capture_on_commit_callbacks(execute=True):
        surgery.sign_operation(operation, actor=attending)
    return CaseLogEntry.objects.get()


def test_attending_is_told_after_the_sign_off_without_any_patient_detail(entry, patient):
    (message,) = mail.outbox
    assert message.to == ["attending@example.org"] and "/teaching/confirmations/" in message.body
    assert patient.mrn not in message.body and patient.name not in message.body


def test_reminders_come_at_one_and_seven_days_once_each(entry, django_capture_on_commit_callbacks):
    day = entry.derived_at.date()
    sent = []
    for offset in (0, 1, 1, 6, 7, 7, 30):
        with django_capture_on_commit_callbacks(execute=True):
            sent.append(remind_attendings(day + timedelta(days=offset)))
    assert sent == [0, 1, 0, 0, 1, 0, 0] and len(mail.outbox) == 3
    assert "teaching_confirmation_reminders" in dict(periodic._tasks)


def test_reminders_stop_after_confirmation(entry, attending, django_capture_on_commit_callbacks):
    services.confirm_case_log_entry(entry, actor=attending, zwisch="active_help")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_attendings(timezone.localdate() + timedelta(days=8)) == 0
    assert len(mail.outbox) == 1  # only the message at sign-off


def test_signing_again_unchanged_sends_nothing_new(entry, attending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.derive_case_log_entries(entry.operation, actor=attending)
    assert len(mail.outbox) == 1
