"""Operation and complication services: rows, audit events, validation, sign-off and amendments."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openspine.audit.models import AuditEvent
from openspine.core import levels
from openspine.core.errors import ConflictError, DomainError
from openspine.surgery import services
from openspine.surgery.models import Amendment, Complication, Implant, Operation, Signature
from openspine.surgery.signals import operation_signed
from tests import builders


@pytest.fixture
def operation(patient, surgeon):
    return builders.make_operation(patient, actor=surgeon)


def test_create_operation_writes_rows_and_one_audit_event(patient, surgeon, resident):
    op = builders.make_operation(patient, actor=surgeon, team=[(resident, "assistant")])
    op.refresh_from_db()
    assert op.status == "draft" and op.created_by == surgeon and op.levels_label == "L4-L5"
    assert sorted(op.procedures.values_list("code", flat=True)) == ["fusion_tlif", "stabilisation_rigid"]
    assert list(op.team.values_list("user__username", "role")) == [("resident", "assistant")]
    assert Implant.objects.filter(operation=op).count() == 2
    event = AuditEvent.objects.get(action="surgery.operation.created")
    assert event.actor == surgeon and event.patient_id == str(patient.public_id)
    assert event.after["procedures"] == ["fusion_tlif", "stabilisation_rigid"]
    assert event.after["team"] == [["resident", "assistant"]]
    assert {"kind": "cage", "count": 1, "manufacturer": "", "lot_number": "LOT-1"} in event.after["implants"]


@pytest.mark.req("T-84")
def test_create_operation_query_count_stays_lean(patient, surgeon, django_assert_max_num_queries):
    admission = builders.make_admission(patient, actor=surgeon)
    diagnosis = builders.make_diagnosis(patient, actor=surgeon)
    with django_assert_max_num_queries(10):
        builders.make_operation(patient, actor=surgeon, admission=admission, diagnosis=diagnosis)


def test_failing_implant_row_leaves_no_operation(patient, surgeon):
    with pytest.raises(ValidationError) as error:
        builders.make_operation(
            patient, actor=surgeon, implants=[{"kind": "cage"}, {"kind": "bolt", "count": 2}]
        )
    assert "implants" in error.value.message_dict
    assert "bolt" in error.value.message_dict["implants"][0]
    assert Operation.objects.count() == 0 and Implant.objects.count() == 0
    assert not AuditEvent.objects.filter(action="surgery.operation.created").exists()


def _error_fields(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_operation_date_outside_admission_is_rejected(patient, surgeon):
    admission = builders.make_admission(patient, actor=surgeon)
    day = admission.admitted_on - timedelta(days=2)
    errors = _error_fields(
        lambda: builders.make_operation(
            patient,
            actor=surgeon,
            admission=admission,
            performed_on=day,
            started_at=builders.aware(day, time(8)),
            ended_at=builders.aware(day, time(9)),
        )
    )
    assert "performed_on" in errors and str(admission.admitted_on) in errors["performed_on"][0]
    assert Operation.objects.count() == 0


def test_operation_in_the_future_is_rejected(patient, surgeon):
    admission = builders.make_admission(patient, actor=surgeon, discharged_on=None, discharge_destination="")
    day = timezone.localdate() + timedelta(days=1)
    errors = _error_fields(
        lambda: builders.make_operation(
            patient,
            actor=surgeon,
            admission=admission,
            performed_on=day,
            started_at=builders.aware(day, time(8)),
            ended_at=builders.aware(day, time(9)),
        )
    )
    assert "performed_on" in errors


def test_levels_out_of_order_are_rejected(patient, surgeon):
    errors = _error_fields(
        lambda: builders.make_operation(
            patient, actor=surgeon, level_from=levels.parse("S1"), level_to=levels.parse("L4")
        )
    )
    assert "level_to" in errors


def test_end_before_start_is_rejected(patient, surgeon):
    admission = builders.make_admission(patient, actor=surgeon)
    day = admission.admitted_on + timedelta(days=1)
    errors = _error_fields(
        lambda: builders.make_operation(
            patient,
            actor=surgeon,
            admission=admission,
            performed_on=day,
            started_at=builders.aware(day, time(10)),
            ended_at=builders.aware(day, time(9)),
        )
    )
    assert "ended_at" in errors


def test_start_on_another_day_is_rejected(patient, surgeon):
    admission = builders.make_admission(patient, actor=surgeon)
    day = admission.admitted_on + timedelta(days=1)
    other = day + timedelta(days=1)
    errors = _error_fields(
        lambda: builders.make_operation(
            patient,
            actor=surgeon,
            admission=admission,
            performed_on=day,
            started_at=builders.aware(other, time(8)),
            ended_at=builders.aware(other, time(9)),
        )
    )
    assert "started_at" in errors


def test_unknown_procedure_names_field_and_allowed_values(patient, surgeon):
    errors = _error_fields(
        lambda: builders.make_operation(patient, actor=surgeon, procedures=["fusion_magic"])
    )
    assert "fusion_magic" in errors["procedures"][0] and "fusion_tlif" in errors["procedures"][0]


def test_no_procedure_is_rejected(patient, surgeon):
    assert "procedures" in _error_fields(
        lambda: builders.make_operation(patient, actor=surgeon, procedures=[])
    )


def test_invalid_team_role_is_rejected(patient, surgeon, resident):
    errors = _error_fields(
        lambda: builders.make_operation(patient, actor=surgeon, team=[(resident, "nurse")])
    )
    assert "nurse" in errors["team"][0] and "assistant" in errors["team"][0]


def test_team_member_from_another_department_is_rejected(patient, surgeon, outsider):
    errors = _error_fields(
        lambda: builders.make_operation(patient, actor=surgeon, team=[(outsider, "assistant")])
    )
    assert "team" in errors


@pytest.mark.parametrize("field, value", [("asa_grade", 7), ("approach", "sideways"), ("technique", "magic")])
def test_values_outside_the_allowed_set_are_rejected(patient, surgeon, field, value):
    assert field in _error_fields(lambda: builders.make_operation(patient, actor=surgeon, **{field: value}))


def test_status_cannot_be_set_by_caller(patient, surgeon):
    assert "status" in _error_fields(lambda: builders.make_operation(patient, actor=surgeon, status="signed"))


def test_index_operation_cannot_name_revised_operation(patient, surgeon, operation):
    errors = _error_fields(lambda: builders.make_operation(patient, actor=surgeon, revision_of=operation))
    assert "revision_of" in errors


def test_diagnosis_of_another_patient_is_rejected(patient, surgeon):
    other = builders.make_patient(actor=surgeon)
    diagnosis = builders.make_diagnosis(other, actor=surgeon)
    assert "diagnosis" in _error_fields(
        lambda: builders.make_operation(patient, actor=surgeon, diagnosis=diagnosis)
    )


def test_draft_update_needs_no_reason_and_is_audited(operation, surgeon):
    services.update_operation(
        operation, actor=surgeon, expected_version=1, blood_loss_ml=300, procedures=["fusion_plif"]
    )
    operation.refresh_from_db()
    assert operation.blood_loss_ml == 300 and operation.version == 2 and operation.status == "draft"
    assert list(operation.procedures.values_list("code", flat=True)) == ["fusion_plif"]
    event = AuditEvent.objects.get(action="surgery.operation.updated")
    assert event.after["blood_loss_ml"] == 300
    assert not Amendment.objects.exists()


def test_stale_update_raises_conflict_and_writes_nothing(operation, surgeon):
    services.update_operation(operation, actor=surgeon, expected_version=1, note="first")
    stale = Operation.objects.get(pk=operation.pk)
    with pytest.raises(ConflictError):
        services.update_operation(
            stale, actor=surgeon, expected_version=1, note="second", procedures=["other"]
        )
    operation.refresh_from_db()
    assert operation.note == "first" and operation.version == 2
    assert sorted(operation.procedures.values_list("code", flat=True)) == [
        "fusion_tlif",
        "stabilisation_rigid",
    ]


def test_primary_surgeon_signs_with_content_hash(operation, surgeon):
    received = []

    def receiver(sender, operation, actor, **kwargs):
        received.append((operation.pk, actor.pk))

    operation_signed.connect(receiver)
    try:
        signature = services.sign_operation(operation, actor=surgeon)
    finally:
        operation_signed.disconnect(receiver)
    operation.refresh_from_db()
    assert operation.status == "signed" and signature.meaning == "author"
    assert signature.signer_name == str(surgeon) and len(signature.content_hash) == 64
    assert services.verify_signature(signature)
    assert received == [(operation.pk, surgeon.pk)]
    event = AuditEvent.objects.get(action="surgery.operation.signed")
    assert event.after["content_hash"] == signature.content_hash


def test_content_hash_detects_a_change(operation, surgeon):
    signature = services.sign_operation(operation, actor=surgeon)
    Implant.objects.filter(operation=operation).update(count=9)  # a change behind the services' back
    assert not services.verify_signature(signature)


def test_resident_cannot_sign(patient, resident, surgeon):
    op = builders.make_operation(patient, actor=resident, primary_surgeon=surgeon)
    with pytest.raises(DomainError):
        services.sign_operation(op, actor=resident)
    assert not Signature.objects.exists()


def test_residents_record_awaits_attending_cosign(patient, resident, surgeon):
    op = builders.make_operation(patient, actor=resident, primary_surgeon=surgeon)
    assert op.status == "awaiting_cosign"
    signature = services.sign_operation(op, actor=surgeon)
    op.refresh_from_db()
    assert signature.meaning == "cosign" and op.status == "signed"


def test_other_attending_cannot_sign_as_author(operation, department):
    other = builders.make_user(role="surgeon", department=department)
    with pytest.raises(DomainError):
        services.sign_operation(operation, actor=other)


def test_director_may_sign(operation, director):
    assert services.sign_operation(operation, actor=director).signer == director


def test_signed_record_cannot_be_signed_twice(operation, surgeon):
    services.sign_operation(operation, actor=surgeon)
    with pytest.raises(DomainError):
        services.sign_operation(operation, actor=surgeon)


def test_amending_signed_record_without_reason_is_refused(operation, surgeon):
    services.sign_operation(operation, actor=surgeon)
    operation.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.update_operation(
            operation, actor=surgeon, expected_version=operation.version, blood_loss_ml=900
        )
    assert "reason" in error.value.message_dict
    operation.refresh_from_db()
    assert operation.blood_loss_ml is None and operation.status == "signed"


def test_amendment_keeps_history_and_invalidates_signature(operation, surgeon):
    signature = services.sign_operation(operation, actor=surgeon)
    operation.refresh_from_db()
    services.update_operation(
        operation,
        actor=surgeon,
        expected_version=operation.version,
        reason="Blood loss recount",
        blood_loss_ml=900,
    )
    operation.refresh_from_db()
    signature.refresh_from_db()
    amendment = Amendment.objects.get(operation=operation)
    assert operation.status == "amended" and signature.invalidated_at is not None
    assert amendment.reason == "Blood loss recount" and amendment.actor == surgeon
    assert amendment.before["blood_loss_ml"] is None and amendment.after["blood_loss_ml"] == 900
    assert AuditEvent.objects.get(action="surgery.operation.amended").reason == "Blood loss recount"
    resigned = services.sign_operation(operation, actor=surgeon)
    operation.refresh_from_db()
    assert operation.status == "signed" and services.verify_signature(resigned)


def test_add_complication_writes_row_and_audit(operation, coordinator):
    complication = builders.make_complication(operation, actor=coordinator, reported_by="coordinator")
    assert Complication.objects.get(pk=complication.pk).operation == operation
    event = AuditEvent.objects.get(action="surgery.complication.added")
    assert event.actor == coordinator and event.after["category"] == "dural_tear"


def test_complication_before_operation_is_rejected(operation, surgeon):
    errors = _error_fields(
        lambda: builders.make_complication(
            operation, actor=surgeon, onset_on=operation.performed_on - timedelta(days=1)
        )
    )
    assert "onset_on" in errors
    assert not Complication.objects.exists()


def test_complication_in_future_is_rejected(operation, surgeon):
    errors = _error_fields(
        lambda: builders.make_complication(
            operation, actor=surgeon, onset_on=timezone.localdate() + timedelta(days=1)
        )
    )
    assert "onset_on" in errors


def test_death_must_be_grade_v(operation, surgeon):
    errors = _error_fields(lambda: builders.make_complication(operation, actor=surgeon, category="death"))
    assert "clavien_dindo" in errors


@pytest.mark.parametrize(
    "field, value", [("clavien_dindo", "VI"), ("category", "boredom"), ("timing", "soon")]
)
def test_complication_values_outside_allowed_set(operation, surgeon, field, value):
    assert field in _error_fields(
        lambda: builders.make_complication(operation, actor=surgeon, **{field: value})
    )


def test_reoperation_must_come_after_operation(patient, surgeon, operation):
    errors = _error_fields(
        lambda: builders.make_complication(operation, actor=surgeon, reoperation=operation)
    )
    assert "reoperation" in errors


def test_update_complication_and_stale_version(operation, surgeon):
    complication = builders.make_complication(operation, actor=surgeon)
    services.update_complication(complication, actor=surgeon, expected_version=1, resolved=True)
    complication.refresh_from_db()
    assert complication.resolved and complication.version == 2
    event = AuditEvent.objects.get(action="surgery.complication.updated")
    assert event.before["resolved"] is False and event.after["resolved"] is True
    with pytest.raises(ConflictError):
        services.update_complication(complication, actor=surgeon, expected_version=1, resolved=False)
