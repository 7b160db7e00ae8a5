"""API schemas for patients, admissions and diagnoses: every field listed explicitly."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Schema

from openspine.core import levels


class ErrorOut(Schema):
    """A refusal: ``detail`` is a message, or a list of ``{"field", "message"}`` for invalid input."""

    detail: Any
    current_version: int | None = None


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


class PatientIn(Schema):
    mrn: str
    name: str
    sex: str
    birth_date: date
    national_id: str = ""
    phone: str = ""
    preferred_language: str = "zh-hans"
    contact_consent: bool = False


class PatientPatch(Schema):
    version: int
    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    national_id: str | None = None
    phone: str | None = None
    preferred_language: str | None = None
    contact_consent: bool | None = None
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


class AdmissionIn(Schema):
    admission_number: str
    admitted_on: date
    discharged_on: date | None = None
    ward: str = ""
    discharge_destination: str = ""
    unplanned_readmission: bool = False


class AdmissionPatch(Schema):
    version: int
    discharged_on: date | None = None
    ward: str | None = None
    discharge_destination: str | None = None
    unplanned_readmission: bool | None = None


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


class DiagnosisPatch(Schema):
    version: int
    disease_area: str | None = None
    icd10: str | None = None
    diagnosed_on: date | None = None
    level_from: str | None = None
    level_to: str | None = None
    side: str | None = None
    note: str | None = None


class DiagnosisIn(Schema):
    disease_area: str
    icd10: str
    diagnosed_on: date
    level_from: str | None = None
    level_to: str | None = None
    side: str = "not_applicable"
    admission: UUID | None = None
    note: str = ""
