"""Invitations, the reminder ladder, phone tasks and run_periodic: idempotent, consent-gated, stoppable."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from openspine.patients.models import Patient
from openspine.proms import messaging, periodic, services
from openspine.proms.choices import MessageStatus
from openspine.proms.models import DeliveryLog, FollowUp, Message, PhoneTask
from tests.openspine.test_followup_engine import SURGERY_DAY, at, follow_up, signed_operation

OPENS = SURGERY_DAY + timedelta(days=60)  # the 3-month window opens


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_outbox():
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run run_periodic on ``day`` with commit hooks executed; return its summary line."""

    def run_on(day):
        out = StringIO()
        with time_machine.travel(at(day, 8), tick=False), django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic", stdout=out)
        return out.getvalue().strip()

    return run_on


def answer_everything(fu, *, mode="self", actor=None):
    for code in fu.instruments:
        services.record_response(fu, code, full_answers(code), mode=mode, language="zh-hans", actor=actor)


def full_answers(code):
    from spinescores import get

    items = get(code).INSTRUMENT.items
    return {item.id: item.options[1].value if item.options else 50 for item in items}


def test_window_opening_sends_one_invitation_with_only_link_and_hospital_name(surgeon, run, settings):
    settings.HOSPITAL_NAME = "Demo Hospital"
    operation = signed_operation(surgeon)
    summary = run(OPENS)
    three = follow_up(operation, "3m")
    assert three.state == "invited"
    assert len(messaging.outbox) == 1
    sms = messaging.outbox[0]
    patient = operation.patient
    assert sms["to"] == patient.phone and sms["channel"] == "sms"
    assert "Demo Hospital" in sms["body"] and "/q/" in sms["body"]
    for secret in (patient.name, patient.mrn, "M51.2", "fusion", "TLIF", "L4"):
        assert secret not in sms["body"]
    message = Message.objects.get(follow_up=three)
    assert (message.kind, message.step, message.status, message.attempts) == ("invitation", 0, "sent", 1)
    assert DeliveryLog.objects.get(message=message).status == "sent"
    assert "due=1" in summary and "messages=1" in summary and "failures=0" in summary


def test_running_twice_sends_once(surgeon, run):
    signed_operation(surgeon)
    run(OPENS)
    run(OPENS)
    assert len(messaging.outbox) == 1
    assert Message.objects.count() == 1 and DeliveryLog.objects.count() == 1


def test_a_crash_after_the_gateway_accepted_never_sends_again(surgeon, run, monkeypatch):
    operation = signed_operation(surgeon)

    def crash(*args, **kwargs):
        raise SystemExit("power cut")

    monkeypatch.setattr(messaging, "_finish", crash)
    with pytest.raises(SystemExit):
        run(OPENS)
    monkeypatch.undo()
    assert len(messaging.outbox) == 1
    message = Message.objects.get(follow_up=follow_up(operation, "3m"))
    assert message.status == MessageStatus.SENDING
    run(OPENS)
    run(OPENS + timedelta(days=1))
    assert len(messaging.outbox) == 1  # left in "sending": never retried automatically


@pytest.mark.req("T-78")
def test_a_gateway_failure_is_logged_and_retried_on_the_next_run(surgeon, run, monkeypatch):
    operation = signed_operation(surgeon)

    def refuse(self, **kwargs):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(messaging.MemoryBackend, "send", refuse)
    run(OPENS)
    message = Message.objects.get(follow_up=follow_up(operation, "3m"))
    assert message.status == "failed"
    assert DeliveryLog.objects.get(message=message).detail == "ConnectionError"
    monkeypatch.undo()
    run(OPENS)
    assert messaging.outbox == []  # not straight away
    with time_machine.travel(at(OPENS, 9), tick=False):
        periodic.run_all()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(messaging.outbox) == 1


def test_reminder_ladder_day_3_and_7_then_a_phone_task(surgeon, run):
    operation = signed_operation(surgeon)
    run(OPENS)
    run(OPENS + timedelta(days=2))
    assert len(messaging.outbox) == 1
    run(OPENS + timedelta(days=3))
    run(OPENS + timedelta(days=7))
    steps = list(Message.objects.order_by("step").values_list("kind", "step"))
    assert steps == [("invitation", 0), ("reminder", 1), ("reminder", 2)]
    assert not PhoneTask.objects.exists()
    run(OPENS + timedelta(days=messaging.PHONE_TASK_DAY))
    task = PhoneTask.objects.get(follow_up=follow_up(operation, "3m"))
    assert task.state == "open"
    assert len(messaging.outbox) == 3


def test_never_remind_a_patient_who_answered(surgeon, run):
    operation = signed_operation(surgeon)
    run(OPENS)
    three = follow_up(operation, "3m")
    answer_everything(three)
    three.refresh_from_db()
    assert three.state == "completed" and three.completion_mode == "self"
    for day in (3, 7, 10, 30):
        run(OPENS + timedelta(days=day))
    assert len(messaging.outbox) == 1
    assert not PhoneTask.objects.exists()


def test_a_reminder_queued_before_the_answer_is_skipped_at_delivery(surgeon, run):
    operation = signed_operation(surgeon)
    run(OPENS)
    three = follow_up(operation, "3m")
    with time_machine.travel(at(OPENS + timedelta(days=3)), tick=False):
        reminder = messaging.queue(three, "reminder", 1)  # hooks not run: stays queued
    answer_everything(three)
    assert messaging.deliver(reminder.pk) in ("claimed-elsewhere", MessageStatus.SKIPPED)
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.SKIPPED
    assert len(messaging.outbox) == 1


def test_no_invitation_without_contact_consent(surgeon, run):
    with time_machine.travel(at(SURGERY_DAY, 18), tick=False):
        from tests import builders

        patient = builders.make_patient(actor=surgeon, contact_consent=False)
    operation = signed_operation(surgeon, patient)
    run(OPENS)
    run(OPENS + timedelta(days=15))
    three = follow_up(operation, "3m")
    assert three.state == "due"  # still open for a clinic visit, but never messaged
    assert messaging.outbox == [] and not Message.objects.exists() and not PhoneTask.objects.exists()


def test_withdrawn_consent_cancels_pending_follow_ups_and_stops_messages(surgeon, run):
    operation = signed_operation(surgeon)
    run(OPENS)
    Patient.objects.filter(pk=operation.patient.pk).update(contact_consent=False)
    run(OPENS + timedelta(days=3))
    three = follow_up(operation, "3m")
    assert (three.state, three.cancel_reason) == ("cancelled", "consent_withdrawn")
    assert follow_up(operation, "24m").state == "cancelled"
    assert len(messaging.outbox) == 1


def test_death_recorded_on_the_patient_cancels_at_the_next_run(surgeon, run):
    operation = signed_operation(surgeon)
    Patient.objects.filter(pk=operation.patient.pk).update(deceased_on=SURGERY_DAY + timedelta(days=20))
    run(OPENS)
    assert set(FollowUp.objects.filter(operation=operation).values_list("cancel_reason", flat=True)) == {
        "deceased"
    }
    assert messaging.outbox == []


def test_after_downtime_closed_windows_are_missed_without_messages(surgeon, run):
    operation = signed_operation(surgeon)
    run(SURGERY_DAY + timedelta(days=130))
    assert follow_up(operation, "baseline").state == "missed"
    assert follow_up(operation, "3m").state == "missed"
    assert follow_up(operation, "12m").state == "scheduled"
    assert messaging.outbox == []
    transition = follow_up(operation, "3m").transitions.get()
    assert (transition.from_state, transition.to_state, transition.actor) == ("scheduled", "missed", None)


def test_after_downtime_only_the_latest_reminder_goes_out(surgeon, run):
    signed_operation(surgeon)
    run(OPENS)
    run(OPENS + timedelta(days=8))
    assert list(Message.objects.order_by("step").values_list("step", flat=True)) == [0, 2]


def test_a_failing_task_is_reported_and_the_others_still_run(
    surgeon, monkeypatch, django_capture_on_commit_callbacks
):
    operation = signed_operation(surgeon)

    def broken(today):
        raise RuntimeError("boom")

    monkeypatch.setattr(periodic, "_tasks", [("broken", broken), *periodic._tasks])
    out = StringIO()
    with time_machine.travel(at(OPENS), tick=False), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(CommandError, match="broken"):
            call_command("run_periodic", stdout=out)
    assert "failures=1 (broken)" in out.getvalue()
    assert follow_up(operation, "3m").state == "invited"


def test_english_speaking_patient_gets_an_english_message(surgeon, run):
    with time_machine.travel(at(SURGERY_DAY, 18), tick=False):
        from tests import builders

        patient = builders.make_patient(actor=surgeon, preferred_language="en")
    signed_operation(surgeon, patient)
    run(OPENS)
    assert "your follow-up questionnaire is ready" in messaging.outbox[0]["body"]


def test_messages_refuse_placeholders_outside_the_allow_list():
    with pytest.raises(ValueError, match="name"):
        messaging.render("invitation", "en", hospital="H", link="L", closes_on=SURGERY_DAY, name="Wang")


def test_chinese_speaking_patient_gets_a_chinese_message_whatever_the_server_language(surgeon, run):
    signed_operation(surgeon)  # builders default to zh-hans
    run(OPENS)
    body = messaging.outbox[0]["body"]
    assert "您的术后随访问卷已开放" in body and "/q/" in body


def test_recording_a_withdrawal_cancels_at_once_revokes_links_and_drops_queued_reminders(surgeon, run):
    from openspine.patients import services as patient_services
    from openspine.proms.models import QuestionnaireLink

    operation = signed_operation(surgeon)
    run(OPENS)
    three = follow_up(operation, "3m")
    with time_machine.travel(at(OPENS + timedelta(days=3)), tick=False):
        reminder = messaging.queue(three, "reminder", 1)  # queued, hooks not run yet
        patient_services.record_consent(operation.patient, "follow_up_contact", False, actor=surgeon)
    three.refresh_from_db()
    assert (three.state, three.cancel_reason) == ("cancelled", "consent_withdrawn")
    assert three.transitions.last().actor == surgeon
    assert all(link.revoked_at for link in QuestionnaireLink.objects.filter(follow_up=three))
    reminder.refresh_from_db()
    assert reminder.status == "skipped"
    assert messaging.deliver(reminder.pk) == "claimed-elsewhere"
    assert len(messaging.outbox) == 1


def test_two_overlapping_runs_queue_and_deliver_each_message_once(surgeon):
    """What a second concurrent run_periodic meets: the dedupe key and the claim both say no."""
    operation = signed_operation(surgeon)
    with time_machine.travel(at(OPENS), tick=False):
        periodic.open_windows(OPENS)
        three = follow_up(operation, "3m")
        first = messaging.queue(three, "invitation", 0)
        assert messaging.queue(three, "invitation", 0) is None  # the other run's insert loses
        assert messaging.deliver(first.pk) == "sent"
        assert messaging.deliver(first.pk) == "claimed-elsewhere"
        assert periodic.queue_invitations_and_reminders(OPENS) == 0
    assert len(messaging.outbox) == 1 and Message.objects.count() == 1
