"""Case-log entries derived at sign-off (teaching.md 2.2, 2.3, 3, 10)."""

import pytest
from django.core.exceptions import ValidationError

from openspine.audit.models import AuditEvent
from openspine.core import levels
from openspine.core.errors import DomainError
from openspine.surgery import services as surgery
from openspine.surgery.models import Operation, Signature
from openspine.teaching import services
from openspine.teaching.models import CaseLogEntry
from tests import builders


def signed(patient, surgeon, team, **overrides):
    operation = builders.make_operation(patient, actor=surgeon, team=team, **overrides)
    surgery.sign_operation(operation, actor=surgeon)
    operation.refresh_from_db()
    return operation


def entry_of(operation, user):
    return CaseLogEntry.objects.get(operation=operation, trainee=user)


def test_signing_operation_derives_one_entry_per_trainee(patient, surgeon, trainee, junior, anaesthetist):
    operation = signed(
        patient,
        surgeon,
        [(trainee, "primary_surgeon"), (junior, "assistant_1"), (anaesthetist, "anaesthetist")],
    )
    entries = CaseLogEntry.objects.filter(operation=operation)
    assert sorted(entries.values_list("trainee__username", "credit_role")) == [
        ("junior", "assistant"),
        ("resident", "surgeon"),
    ]
    entry = entry_of(operation, trainee)
    assert entry.state == "pending_confirmation" and entry.attending == surgeon
    assert entry.categories == ["thoracolumbar_posterior_fusion", "instrumentation"]
    assert entry.category_map.version == "2026.1"
    assert entry.trainee_stage.startswith("guipei:")
    assert AuditEvent.objects.filter(action="teaching.caselogentry.derived").count() == 2


def test_signing_twice_is_idempotent(patient, surgeon, trainee):
    operation = signed(patient, surgeon, [(trainee, "primary_surgeon")])
    services.derive_case_log_entries(operation, actor=surgeon)
    services.derive_case_log_entries(operation, actor=surgeon)
    assert CaseLogEntry.objects.filter(operation=operation).count() == 1
    assert AuditEvent.objects.filter(action="teaching.caselogentry.derived").count() == 1


def test_staff_who_are_not_enrolled_get_no_entry(patient, surgeon, resident, director):
    operation = signed(patient, surgeon, [(resident, "assistant_1"), (director, "assistant_2")])
    assert not CaseLogEntry.objects.filter(operation=operation).exists()


def test_second_surgeon_credit_on_same_operation_is_refused(patient, surgeon, trainee, junior):
    operation = builders.make_operation(
        patient, actor=surgeon, team=[(trainee, "resident_operator"), (junior, "primary_surgeon")]
    )
    with pytest.raises(DomainError) as refused:
        surgery.sign_operation(operation, actor=surgeon)
    message = str(refused.value)
    assert "术者" in message and "junior" not in message and "resident" not in message.lower()
    operation.refresh_from_db()
    # The refusal rolled the whole sign-off back: no signature, no entry, still a draft.
    assert operation.status == "draft" and not Signature.objects.filter(operation=operation).exists()
    assert not CaseLogEntry.objects.exists()


def test_team_with_two_trainee_surgeons_is_refused_when_recorded(patient, surgeon, trainee, junior):
    with pytest.raises(ValidationError) as error:
        builders.make_operation(
            patient, actor=surgeon, team=[(trainee, "primary_surgeon"), (junior, "primary_surgeon")]
        )
    assert "team" in error.value.message_dict and not Operation.objects.exists()


@pytest.mark.parametrize("portion, credit", [(["critical"], "surgeon"), (["exposure"], "first_assistant")])
def test_senior_trainee_gets_surgeon_credit_only_for_the_critical_portion(
    patient, surgeon, trainee, junior, portion, credit
):
    operation = signed(patient, surgeon, [(trainee, "assistant_1", portion), (junior, "assistant_2")])
    assert entry_of(operation, trainee).credit_role == credit
    assert entry_of(operation, junior).credit_role == "assistant"


def test_senior_teaching_a_junior_surgeon_gets_teaching_assistant(
    patient, surgeon, trainee, junior, director
):
    operation = signed(
        patient,
        surgeon,
        [(junior, "primary_surgeon"), (trainee, "teaching_assistant"), (director, "observer")],
    )
    assert entry_of(operation, junior).credit_role == "surgeon"
    assert entry_of(operation, trainee).credit_role == "teaching_assistant"


def test_observer_gets_observer_credit(patient, surgeon, trainee):
    operation = signed(patient, surgeon, [(trainee, "observer")])
    assert entry_of(operation, trainee).credit_role == "observer"


def test_decompression_plus_posterior_fusion_counts_once_in_each_category(patient, surgeon, trainee):
    operation = signed(
        patient,
        surgeon,
        [(trainee, "primary_surgeon")],
        procedures=["decompression_laminectomy", "decompression_foraminotomy", "fusion_plif", "fusion_tlif"],
    )
    assert entry_of(operation, trainee).categories == [
        "decompression",
        "thoracolumbar_posterior_fusion",
        "instrumentation",
    ]


def test_anterior_cervical_fusion_is_its_own_category(patient, surgeon, trainee):
    operation = signed(
        patient,
        surgeon,
        [(trainee, "primary_surgeon")],
        procedures=["fusion_acdf"],
        approach="anterior",
        level_from=levels.parse("C5"),
        level_to=levels.parse("C6"),
        implants=[],
    )
    assert entry_of(operation, trainee).categories == ["anterior_cervical_fusion"]


def test_entry_counts_only_after_attending_confirms(patient, surgeon, trainee):
    operation = signed(patient, surgeon, [(trainee, "primary_surgeon")])
    entry = entry_of(operation, trainee)
    assert not CaseLogEntry.objects.counting().exists()
    services.confirm_case_log_entry(entry, actor=surgeon, zwisch="passive_help")
    entry.refresh_from_db()
    assert entry.state == "confirmed" and entry.confirmed_by == surgeon
    assert list(CaseLogEntry.objects.counting()) == [entry]
    event = AuditEvent.objects.get(action="teaching.caselogentry.confirmed")
    assert event.after["zwisch"] == "passive_help" and event.before["state"] == "pending_confirmation"


def test_amendment_sends_a_confirmed_entry_back_to_pending_with_the_reason(patient, surgeon, trainee):
    operation = signed(patient, surgeon, [(trainee, "primary_surgeon")])
    services.confirm_case_log_entry(entry_of(operation, trainee), actor=surgeon, zwisch="active_help")
    surgery.update_operation(
        operation,
        actor=surgeon,
        expected_version=operation.version,
        reason="The resident assisted; I did the case.",
        team=[(trainee, "assistant_1")],
    )
    operation.refresh_from_db()
    surgery.sign_operation(operation, actor=surgeon)
    entry = entry_of(operation, trainee)
    assert entry.state == "pending_confirmation" and entry.credit_role == "first_assistant"
    assert entry.state_reason and entry.confirmed_by is None
    event = AuditEvent.objects.get(action="teaching.caselogentry.amended")
    assert event.before["credit_role"] == "surgeon" and event.before["state"] == "confirmed"
    assert event.after["credit_role"] == "first_assistant" and event.reason == entry.state_reason
    assert not CaseLogEntry.objects.counting().exists()


def test_amendment_taking_the_trainee_off_the_team_withdraws_the_entry(patient, surgeon, trainee):
    operation = signed(patient, surgeon, [(trainee, "primary_surgeon")])
    surgery.update_operation(
        operation, actor=surgeon, expected_version=operation.version, reason="Wrong resident.", team=[]
    )
    operation.refresh_from_db()
    surgery.sign_operation(operation, actor=surgeon)
    assert entry_of(operation, trainee).state == "withdrawn"
    assert AuditEvent.objects.filter(action="teaching.caselogentry.withdrawn").count() == 1


def test_unchanged_re_sign_keeps_a_confirmed_entry(patient, surgeon, trainee):
    operation = signed(patient, surgeon, [(trainee, "primary_surgeon")])
    services.confirm_case_log_entry(entry_of(operation, trainee), actor=surgeon, zwisch="active_help")
    surgery.update_operation(
        operation, actor=surgeon, expected_version=operation.version, reason="Blood loss.", blood_loss_ml=300
    )
    operation.refresh_from_db()
    surgery.sign_operation(operation, actor=surgeon)
    assert entry_of(operation, trainee).state == "confirmed"


def test_derivation_needs_a_signed_record(patient, surgeon, trainee):
    operation = builders.make_operation(patient, actor=surgeon, team=[(trainee, "primary_surgeon")])
    with pytest.raises(DomainError):
        services.derive_case_log_entries(operation, actor=surgeon)
