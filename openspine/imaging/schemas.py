"""API schemas for films and measurements: every field listed; inputs forbid unknown keys.

A client sends landmarks only; values are always computed by the server (imaging.md §4.1).
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Schema

from openspine.core.schemas import InputSchema


class LandmarksIn(InputSchema):
    landmarks: dict[str, list[float]]
    tk_upper_level: str = "T4"
    calibration_mm: float | None = None
    inverted: bool = False
    column_direction: str | None = None  # "L"/"R": asked only when the film's header lacks PatientOrientation


class ValuesOut(Schema):
    values: dict[str, Any]
    flags: list[str]
    calibration: dict[str, Any]
    conventions: dict[str, str]
    formula_version: str


class MeasurementOut(Schema):
    public_id: UUID
    reader: str
    reader_role: str
    landmarks: dict[str, Any]
    calibration: dict[str, Any]
    tk_upper_level: str
    inverted: bool
    values: dict[str, Any]
    flags: list[str]
    software_version: str
    measured_at: datetime

    @staticmethod
    def resolve_reader(obj) -> str:
        return obj.reader.username


class FilmOut(Schema):
    public_id: UUID
    patient: UUID
    view: str
    taken_on: date
    source: str
    rows: int
    columns: int
    study_uid: str
    series_uid: str
    sop_instance_uid: str
    dicom_spacing: dict[str, Any]
    measurements: list[MeasurementOut]

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_measurements(obj) -> list:
        return list(obj.measurements.select_related("reader"))
