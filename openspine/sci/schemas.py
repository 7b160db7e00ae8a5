"""API schemas for ISNCSCI exams: every field listed explicitly; inputs forbid unknown keys.

``exam`` is the interchange format of the reference (section 2.5); the classification is always
computed by the server, so a client can never send one. :class:`~openspine.core.schemas.InputSchema`
refuses NUL and lone surrogates anywhere inside ``exam`` too.
"""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Schema

from openspine.core.schemas import InputSchema


class ExamIn(InputSchema):
    examined_on: date
    context: str
    exam: dict[str, Any]
    comments: str = ""
    admission: UUID | None = None
    operation: UUID | None = None


class ExamOut(Schema):
    public_id: UUID
    patient: UUID
    examined_on: date
    context: str
    examiner: str
    admission: UUID | None
    operation: UUID | None
    exam: dict[str, Any]
    result: dict[str, Any]
    classifier_version: str
    ais: list[str]
    neurological_level: list[str]
    uems: int | None
    lems: int | None
    motor_total: int | None
    light_touch_total: int | None
    pin_prick_total: int | None
    comments: str
    version: int

    @staticmethod
    def resolve_patient(obj):
        return obj.patient.public_id

    @staticmethod
    def resolve_examiner(obj):
        return obj.examiner.username

    @staticmethod
    def resolve_admission(obj):
        return obj.admission.public_id if obj.admission_id else None

    @staticmethod
    def resolve_operation(obj):
        return obj.operation.public_id if obj.operation_id else None
