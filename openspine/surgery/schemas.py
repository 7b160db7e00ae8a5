"""API schemas for operations and complications: every field listed explicitly.

Input schemas (:class:`openspine.core.schemas.InputSchema`) forbid unknown keys, so ``status``,
``version`` bumps or signature fields can never be mass-assigned: the answer is a 422 naming the key.
Times are :data:`~openspine.core.schemas.DateTime` (a date alone is refused; no offset means the
hospital's local time). In a PATCH, ``omittable()`` fields may be left out but not sent as ``null``;
``X | None`` fields may be cleared with ``null``.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from openspine.core import levels
from openspine.core.schemas import DateTime, InputSchema, omittable


class TeamMemberIO(InputSchema):
    username: str
    role: str


class ImplantIO(InputSchema):
    kind: str
    count: int = 1
    lot_number: str = ""
    manufacturer: str = ""


class SignatureOut(Schema):
    signer_name: str
    meaning: str
    signed_at: datetime
    content_hash: str
    invalidated_at: datetime | None


class OperationOut(Schema):
    public_id: UUID
    patient: UUID
    admission: UUID
    diagnosis: UUID
    performed_on: date
    started_at: datetime
    ended_at: datetime
    duration_minutes: int
    kind: str
    revision_of: UUID | None
    primary_surgeon: str
    asa_grade: int
    asa_emergency: bool
    level_from: str
    level_to: str
    approach: str
    technique: str
    navigation: bool
    robot: bool
    neuromonitoring: bool
    blood_loss_ml: int | None
    transfusion_units: Decimal | None
    note: str
    status: str
    procedures: list[str]
    team: list[TeamMemberIO]
    implants: list[ImplantIO]
    created_by: str | None
    version: int

    @staticmethod
    def resolve_patient(obj):
        return obj.patient.public_id

    @staticmethod
    def resolve_admission(obj):
        return obj.admission.public_id

    @staticmethod
    def resolve_diagnosis(obj):
        return obj.diagnosis.public_id

    @staticmethod
    def resolve_revision_of(obj):
        return obj.revision_of.public_id if obj.revision_of_id else None

    @staticmethod
    def resolve_primary_surgeon(obj):
        return obj.primary_surgeon.username

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_level_from(obj):
        return levels.label(obj.level_from)

    @staticmethod
    def resolve_level_to(obj):
        return levels.label(obj.level_to)

    @staticmethod
    def resolve_procedures(obj):
        return [p.code for p in obj.procedures.all()]

    @staticmethod
    def resolve_team(obj):
        return [{"username": m.user.username, "role": m.role} for m in obj.team.all()]

    @staticmethod
    def resolve_implants(obj):
        return [
            {"kind": i.kind, "count": i.count, "lot_number": i.lot_number, "manufacturer": i.manufacturer}
            for i in obj.implants.all()
        ]


class OperationIn(InputSchema):
    patient: UUID
    admission: UUID
    diagnosis: UUID
    performed_on: date
    started_at: DateTime
    ended_at: DateTime
    primary_surgeon: str
    asa_grade: int
    approach: str
    technique: str
    procedures: list[str]
    level_from: str | None = None
    level_to: str | None = None
    kind: str = "index"
    revision_of: UUID | None = None
    asa_emergency: bool = False
    navigation: bool = False
    robot: bool = False
    neuromonitoring: bool = False
    blood_loss_ml: int | None = None
    transfusion_units: Decimal | None = None
    note: str = ""
    team: list[TeamMemberIO] = []
    implants: list[ImplantIO] = []


class OperationPatch(InputSchema):
    version: int
    reason: str = ""
    admission: UUID = omittable()
    diagnosis: UUID = omittable()
    performed_on: date = omittable()
    started_at: DateTime = omittable()
    ended_at: DateTime = omittable()
    primary_surgeon: str = omittable()
    asa_grade: int = omittable()
    approach: str = omittable()
    technique: str = omittable()
    procedures: list[str] = omittable()
    level_from: str | None = None
    level_to: str | None = None
    kind: str = omittable()
    revision_of: UUID | None = None
    asa_emergency: bool = omittable()
    navigation: bool = omittable()
    robot: bool = omittable()
    neuromonitoring: bool = omittable()
    blood_loss_ml: int | None = None
    transfusion_units: Decimal | None = None
    note: str = omittable()
    team: list[TeamMemberIO] = omittable()
    implants: list[ImplantIO] = omittable()


class SignIn(InputSchema):
    password: str
    code: str = ""


class ComplicationOut(Schema):
    public_id: UUID
    operation: UUID
    category: str
    timing: str
    onset_on: date
    clavien_dindo: str
    present_at_discharge: bool
    reoperation: UUID | None
    caused_readmission: bool
    resolved: bool
    reported_by: str
    note: str
    version: int

    @staticmethod
    def resolve_operation(obj):
        return obj.operation.public_id

    @staticmethod
    def resolve_reoperation(obj):
        return obj.reoperation.public_id if obj.reoperation_id else None


class ComplicationIn(InputSchema):
    category: str
    timing: str
    onset_on: date
    clavien_dindo: str
    reported_by: str
    present_at_discharge: bool = False
    reoperation: UUID | None = None
    caused_readmission: bool = False
    resolved: bool = False
    note: str = ""


class ComplicationPatch(InputSchema):
    version: int
    category: str = omittable()
    timing: str = omittable()
    onset_on: date = omittable()
    clavien_dindo: str = omittable()
    reported_by: str = omittable()
    present_at_discharge: bool = omittable()
    reoperation: UUID | None = None
    caused_readmission: bool = omittable()
    resolved: bool = omittable()
    note: str = omittable()
