"""API schemas for patients, admissions and diagnoses: every field listed explicitly.

Inputs forbid unknown keys and unstorable text (:class:`openspine.core.schemas.InputSchema`). In a
PATCH, ``omittable()`` fields may be left out but not sent as ``null``; ``X | None`` fields may be
cleared with ``null``.
"""

from datetime import date
from uuid import UUID

from ninja import Schema

from openspine.core import levels
from openspine.core.schemas import InputSchema, omittable


class PatientOut(Schema):
    public_id: UUID
    mrn: str
    name: str
    sex: str
    birth_date: date
    phone_last4: str
    preferred_language: str
    contact_consent: bool
    deceased_on: date | None
    version: int


class PatientIn(InputSchema):
    mrn: str
    name: str
    sex: str
    birth_date: date
    national_id: str = ""
    phone: str = ""
    preferred_language: str = "zh-hans"
    contact_consent: bool = False


class PatientPatch(InputSchema):
    version: int
    name: str = omittable()
    sex: str = omittable()
    birth_date: date = omittable()
    national_id: str = omittable()
    phone: str = omittable()
    preferred_language: str = omittable()
    contact_consent: bool = omittable()
    deceased_on: date | None = None


class AdmissionOut(Schema):
    public_id: UUID
    admission_number: str
    admitted_on: date
    discharged_on: date | None
    ward: str
    discharge_destination: str
    unplanned_readmission: bool
    length_of_stay: int | None
    version: int


class AdmissionIn(InputSchema):
    admission_number: str
    admitted_on: date
    discharged_on: date | None = None
    ward: str = ""
    discharge_destination: str = ""
    unplanned_readmission: bool = False


class AdmissionPatch(InputSchema):
    version: int
    discharged_on: date | None = None
    ward: str = omittable()
    discharge_destination: str = omittable()
    unplanned_readmission: bool = omittable()


class DiagnosisOut(Schema):
    public_id: UUID
    disease_area: str
    icd10: str
    level_from: str
    level_to: str
    side: str
    diagnosed_on: date
    note: str
    version: int

    @staticmethod
    def resolve_level_from(obj):
        return levels.label(obj.level_from)

    @staticmethod
    def resolve_level_to(obj):
        return levels.label(obj.level_to)


class DiagnosisPatch(InputSchema):
    version: int
    disease_area: str = omittable()
    icd10: str = omittable()
    diagnosed_on: date = omittable()
    level_from: str | None = None
    level_to: str | None = None
    side: str = omittable()
    note: str = omittable()


class DiagnosisIn(InputSchema):
    disease_area: str
    icd10: str
    diagnosed_on: date
    level_from: str | None = None
    level_to: str | None = None
    side: str = "not_applicable"
    admission: UUID | None = None
    note: str = ""
