"""ISNCSCI exams: the service stores the raw exam, its classification and version, and audits."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.core.errors import ConflictError
from openspine.sci import services
from openspine.sci.access import get_exam_for
from openspine.sci.models import IsncsciExam
from spinescores import isncsci
from tests import builders


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def w1_exam() -> dict:
    """Worked example W1 of isncsci.md section 12: thoracic complete injury with a sensory ZPP."""
    exam = isncsci.normal_exam(vac="No", dap="No")
    below = ["T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5"]
    for side in ("right", "left"):
        for key in ("lightTouch", "pinPrick"):
            for level in below:
                exam[side][key][level] = "0"
        for level in ("L2", "L3", "L4", "L5", "S1"):
            exam[side]["motor"][level] = "0"
    exam["right"]["lightTouch"]["T9"] = "1"
    exam["right"]["lightTouch"]["T10"] = "1"
    return exam


def test_record_exam_saves_raw_exam_result_version_and_audit(patient, surgeon):
    record = services.record_exam(
        patient, w1_exam(), actor=surgeon, examined_on=date(2026, 1, 5), context="admission"
    )
    record.refresh_from_db()
    assert record.exam == w1_exam()
    assert record.classifier_version == isncsci.VERSION
    assert record.result["ais"] == ["A"]
    assert record.ais == ["A"] and record.neurological_level == ["T8"]
    assert record.uems == 50 and record.lems == 0 and record.motor_total == 50
    assert record.light_touch_total == 62 and record.pin_prick_total == 60
    assert record.examiner == surgeon
    event = AuditEvent.objects.get(action="sci.exam.recorded")
    assert event.object_id == str(record.public_id) and event.patient_id == str(patient.public_id)
    assert event.after["ais"] == ["A"]


def test_nt_leaves_totals_empty_and_ais_open(patient, surgeon):
    exam = isncsci.normal_exam(vac="NT", dap="NT")
    exam["left"]["pinPrick"]["S4_5"] = "NT"
    record = services.record_exam(
        patient, exam, actor=surgeon, examined_on=date(2026, 1, 5), context="admission"
    )
    record.refresh_from_db()
    assert record.pin_prick_total is None and record.light_touch_total == 112
    assert record.result["totals"]["pinPrick"] == "ND"


@pytest.mark.parametrize(
    ("side", "key", "level", "value", "column"),
    [
        ("right", "motor", "C6", "6", "R_C6_motor"),
        ("left", "pinPrick", "T4", "2*", "L_T4_pin_prick"),
        ("left", "lightTouch", "S4_5", "nt", "L_S4_5_light_touch"),
    ],
)
def test_invalid_value_is_rejected_naming_side_level_and_value(
    patient, surgeon, side, key, level, value, column
):
    exam = isncsci.normal_exam()
    exam[side][key][level] = value
    with pytest.raises(ValidationError) as error:
        services.record_exam(patient, exam, actor=surgeon, examined_on=date(2026, 1, 5), context="admission")
    message = error.value.message_dict[column][0]
    assert side.capitalize() in message and level.replace("_", "-") in message and f"“{value}”" in message
    assert IsncsciExam.objects.count() == 0
    assert not AuditEvent.objects.filter(action="sci.exam.recorded").exists()


def test_non_key_muscle_outside_the_2019_roots_is_rejected(patient, surgeon):
    exam = isncsci.normal_exam()
    exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = "T5"
    with pytest.raises(ValidationError) as error:
        services.record_exam(patient, exam, actor=surgeon, examined_on=date(2026, 1, 5), context="admission")
    assert "T5" in error.value.message_dict["R_lowest_non_key_muscle"][0]


def test_future_date_is_rejected(patient, surgeon):
    with pytest.raises(ValidationError) as error:
        services.record_exam(
            patient, isncsci.normal_exam(), actor=surgeon, examined_on=date(2999, 1, 1), context="admission"
        )
    assert "examined_on" in error.value.message_dict


def test_operation_of_another_patient_is_rejected(patient, surgeon):
    other = builders.make_patient(actor=surgeon)
    operation = builders.make_operation(other, actor=surgeon)
    with pytest.raises(ValidationError) as error:
        services.record_exam(
            patient,
            isncsci.normal_exam(),
            actor=surgeon,
            examined_on=date(2026, 1, 5),
            context="pre_op",
            operation=operation,
        )
    assert "operation" in error.value.message_dict


def test_update_exam_reclassifies_and_audits_the_change(patient, surgeon, coordinator):
    record = services.record_exam(
        patient, isncsci.normal_exam(), actor=surgeon, examined_on=date(2026, 1, 5), context="admission"
    )
    assert record.ais == ["E"]
    services.update_exam(record, w1_exam(), actor=coordinator, expected_version=1, comments="re-examined")
    record.refresh_from_db()
    assert record.version == 2 and record.ais == ["A"] and record.comments == "re-examined"
    event = AuditEvent.objects.get(action="sci.exam.updated")
    assert event.actor == coordinator and event.before["ais"] == ["E"] and event.after["ais"] == ["A"]


def test_update_with_stale_version_is_refused_and_keeps_the_row(patient, surgeon):
    record = services.record_exam(
        patient, isncsci.normal_exam(), actor=surgeon, examined_on=date(2026, 1, 5), context="admission"
    )
    services.update_exam(record, isncsci.normal_exam(), actor=surgeon, expected_version=1, comments="a")
    stale = IsncsciExam.objects.get(pk=record.pk)
    with pytest.raises(ConflictError):
        services.update_exam(stale, w1_exam(), actor=surgeon, expected_version=1)
    stale.refresh_from_db()
    assert stale.ais == ["E"] and stale.comments == "a"


def test_get_exam_for_hides_other_departments_and_audits_views(patient, surgeon, outsider, researcher):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    record = services.record_exam(
        patient, isncsci.normal_exam(), actor=surgeon, examined_on=date(2026, 1, 5), context="admission"
    )
    assert get_exam_for(surgeon, record.public_id) == record
    assert AuditEvent.objects.filter(action="sci.exam.viewed", actor=surgeon).exists()
    with pytest.raises(Http404):
        get_exam_for(outsider, record.public_id, action="edit")
    with pytest.raises(PermissionDenied):
        get_exam_for(researcher, record.public_id)
