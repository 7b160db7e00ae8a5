"""Input the API must refuse with a 4xx naming the field, never a 500 (issue 9; T-57, T-62, T-69).

Each write endpoint gets the same hostile values: a lone surrogate (not encodable as UTF-8), a NUL
byte (PostgreSQL text refuses it: run this file in the PostgreSQL leg too), an explicit ``null`` for
a field the record cannot be without, a date where a date and time is needed, and a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``. Nothing may be half-saved.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from openspine.accounts.models import ApiToken
from openspine.patients.models import Admission, Diagnosis, Patient
from openspine.sci.models import IsncsciExam
from openspine.surgery.models import Complication, Operation
from tests import builders
from tests.openspine.test_sci_services import w1_exam

SURROGATE = "\ud800"
NUL = "\x00"


@dataclass
class World:
    surgeon: object
    patient: object
    admission: object
    diagnosis: object
    operation: object
    complication: object
    client: Client
    token: str

    def call(self, method, path, body, **headers):
        raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(self.client, method)(
            path,
            data=raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
            HTTP_ACCEPT_LANGUAGE="en",
            **headers,
        )

    def get(self, path):
        return self.client.get(path, HTTP_AUTHORIZATION=f"Bearer {self.token}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world(surgeon, patient):
    admission = builders.make_admission(patient, actor=surgeon)
    diagnosis = builders.make_diagnosis(patient, actor=surgeon)
    operation = builders.make_operation(patient, actor=surgeon, admission=admission, diagnosis=diagnosis)
    complication = builders.make_complication(operation, actor=surgeon)
    client = Client(raise_request_exception=False)
    return World(
        surgeon,
        patient,
        admission,
        diagnosis,
        operation,
        complication,
        client,
        ApiToken.issue(surgeon, "t")[1],
    )


def _operation_body(w):
    day = w.admission.admitted_on + timedelta(days=1)
    return {
        "patient": str(w.patient.public_id),
        "admission": str(w.admission.public_id),
        "diagnosis": str(w.diagnosis.public_id),
        "performed_on": day.isoformat(),
        "started_at": f"{day.isoformat()}T08:30:00+08:00",
        "ended_at": f"{day.isoformat()}T11:15:00+08:00",
        "primary_surgeon": w.surgeon.username,
        "asa_grade": 2,
        "approach": "posterior",
        "technique": "mis",
        "procedures": ["fusion_tlif"],
        "team": [{"username": w.surgeon.username, "role": "assistant"}],
    }


@dataclass(frozen=True)
class Write:
    """One write endpoint: a valid body, a free-text field to spoil, a field the record needs."""

    name: str
    method: str
    path: object
    body: object
    text: str
    required: str
    model: type

    def rows(self):
        return list(self.model.objects.values_list("pk", "version"))


TODAY = timezone.localdate
WRITES = [
    Write(
        "create_patient",
        "post",
        lambda w: "/api/patients/",
        lambda w: {"mrn": "NEW0001", "name": "新患者", "sex": "female", "birth_date": "1970-03-02"},
        "name",
        "sex",
        Patient,
    ),
    Write(
        "update_patient",
        "patch",
        lambda w: f"/api/patients/{w.patient.public_id}",
        lambda w: {"version": w.patient.version, "name": "改名"},
        "name",
        "sex",
        Patient,
    ),
    Write(
        "create_admission",
        "post",
        lambda w: f"/api/patients/{w.patient.public_id}/admissions",
        lambda w: {"admission_number": "ZY-NEW-1", "admitted_on": (TODAY() - timedelta(days=1)).isoformat()},
        "ward",
        "admission_number",
        Admission,
    ),
    Write(
        "update_admission",
        "patch",
        lambda w: f"/api/patients/admissions/{w.admission.public_id}",
        lambda w: {"version": w.admission.version, "ward": "Spine 2"},
        "ward",
        "ward",
        Admission,
    ),
    Write(
        "create_diagnosis",
        "post",
        lambda w: f"/api/patients/{w.patient.public_id}/diagnoses",
        lambda w: {
            "disease_area": "lumbar_degenerative",
            "icd10": "M51.2",
            "diagnosed_on": TODAY().isoformat(),
        },
        "note",
        "icd10",
        Diagnosis,
    ),
    Write(
        "update_diagnosis",
        "patch",
        lambda w: f"/api/patients/diagnoses/{w.diagnosis.public_id}",
        lambda w: {"version": w.diagnosis.version, "note": "revised"},
        "note",
        "side",
        Diagnosis,
    ),
    Write(
        "create_operation",
        "post",
        lambda w: "/api/surgery/operations",
        _operation_body,
        "note",
        "approach",
        Operation,
    ),
    Write(
        "update_operation",
        "patch",
        lambda w: f"/api/surgery/operations/{w.operation.public_id}",
        lambda w: {"version": w.operation.version, "note": "revised"},
        "note",
        "admission",
        Operation,
    ),
    Write(
        "create_complication",
        "post",
        lambda w: f"/api/surgery/operations/{w.operation.public_id}/complications",
        lambda w: {
            "category": "dural_tear",
            "timing": "intraoperative",
            "onset_on": w.operation.performed_on.isoformat(),
            "clavien_dindo": "I",
            "reported_by": "surgeon",
        },
        "note",
        "category",
        Complication,
    ),
    Write(
        "update_complication",
        "patch",
        lambda w: f"/api/surgery/complications/{w.complication.public_id}",
        lambda w: {"version": w.complication.version, "note": "revised"},
        "note",
        "resolved",
        Complication,
    ),
    Write(
        "create_exam",
        "post",
        lambda w: f"/api/sci/patients/{w.patient.public_id}/exams",
        lambda w: {"examined_on": TODAY().isoformat(), "context": "admission", "exam": w1_exam()},
        "comments",
        "context",
        IsncsciExam,
    ),
    Write(
        "sign_operation",
        "post",
        lambda w: f"/api/surgery/operations/{w.operation.public_id}/sign",
        lambda w: {"password": builders.PASSWORD},
        "password",
        "password",
        Operation,
    ),
]
BY_NAME = {write.name: write for write in WRITES}


def _fields(response) -> list:
    detail = response.json()["detail"]
    assert isinstance(detail, list), detail
    return [item["field"] for item in detail]


def _refused(world, write, body, field):
    before = write.rows()
    response = world.call(write.method, write.path(world), body)
    assert response.status_code == 422, response.content
    assert field in _fields(response)
    assert write.rows() == before  # nothing created, nothing changed
    return response


@pytest.mark.req("T-57")
@pytest.mark.req("T-62")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
@pytest.mark.parametrize("bad", [SURROGATE, NUL], ids=["lone_surrogate", "nul"])
def test_a_lone_surrogate_or_nul_in_text_is_422_naming_the_field(world, write, bad):
    body = write.body(world)
    body[write.text] = f"a{bad}b"
    _refused(world, write, body, write.text)


@pytest.mark.req("T-57")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
def test_explicit_null_for_a_needed_field_is_422_naming_the_field(world, write):
    body = write.body(world)
    body[write.required] = None
    _refused(world, write, body, write.required)


@pytest.mark.req("T-57")
@pytest.mark.parametrize("bad", [SURROGATE, NUL], ids=["lone_surrogate", "nul"])
def test_bad_text_deep_inside_a_body_is_refused_naming_its_path(world, bad):
    body = _operation_body(world)
    body["team"][0]["username"] = f"x{bad}"
    _refused(world, BY_NAME["create_operation"], body, "team.0.username")
    exam = BY_NAME["create_exam"]
    body = exam.body(world)
    body["exam"]["right"]["motor"]["C5"] = f"5{bad}"
    response = _refused(world, exam, body, "exam")
    assert "right.motor.C5" in response.json()["detail"][0]["message"]
    body = exam.body(world)
    body["exam"][f"k{bad}"] = "1"
    _refused(world, exam, body, "exam")


@pytest.mark.req("T-57")
@pytest.mark.parametrize("name", ["create_operation", "update_operation"])
@pytest.mark.parametrize("value", ["2026-01-05", 1767571200], ids=["date_only", "epoch_number"])
def test_a_datetime_without_a_time_of_day_is_422_naming_the_field(world, name, value):
    """An operation's start is a moment: a bare date would silently become midnight, so it is refused."""
    write = BY_NAME[name]
    body = write.body(world)
    body["started_at"] = value
    response = _refused(world, write, body, "started_at")
    assert "time" in response.json()["detail"][0]["message"]


def test_a_datetime_without_an_offset_is_the_hospitals_local_time(world):
    """A wall-clock time from a ward system means the hospital's time zone (settings.TIME_ZONE)."""
    write = BY_NAME["create_operation"]
    body = write.body(world)
    day = body["performed_on"]
    body["started_at"], body["ended_at"] = f"{day}T08:30:00", f"{day}T11:15:00"
    response = world.call("post", write.path(world), body)
    assert response.status_code == 201, response.content
    operation = Operation.objects.get(public_id=response.json()["public_id"])
    assert timezone.localtime(operation.started_at).strftime("%H:%M") == "08:30"
    assert operation.duration_minutes == 165


@pytest.mark.req("T-62")
@pytest.mark.parametrize("write", [w for w in WRITES if w.method == "post"][:3], ids=lambda w: w.name)
def test_a_body_over_the_upload_limit_is_413_json(world, write):
    before = write.rows()
    padding = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = world.call(write.method, write.path(world), '{"note": "' + padding + '"}')
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert write.rows() == before


@pytest.mark.req("T-62")
def test_a_form_post_over_the_upload_limit_is_a_plain_413_page(surgeon):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(surgeon)
    client.get("/patients/new/")  # a browser holds the CSRF cookie, so Django reads the body
    response = client.post("/patients/new/", {"name": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content
    assert Patient.objects.count() == 0


@pytest.mark.req("T-57")
@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/patients/?q=%00", "q"),
        ("/api/patients/?q=a%00b", "q"),
        ("/api/surgery/operations?patient=not-a-uuid", "patient"),
        ("/api/surgery/operations?patient=%00", "patient"),
        ("/api/patients/not-a-uuid", "public_id"),
        ("/api/patients/not-a-uuid/admissions", "public_id"),
    ],
)
def test_junk_in_the_query_string_or_path_is_422_naming_the_parameter(world, path, field):
    response = world.get(path)
    assert response.status_code == 422, response.content
    assert field in _fields(response)


@pytest.mark.req("T-57")
def test_invalid_utf8_in_the_query_string_is_not_an_error(world):
    """Django decodes a query string with replacement characters, so the search just finds nothing."""
    response = world.get("/api/patients/?q=%ED%A0%80")
    assert response.status_code == 200 and response.json() == []


@pytest.mark.req("T-62")
def test_a_body_that_is_not_json_is_400_json(world):
    response = world.call("post", "/api/patients/", "{not json")
    assert response.status_code == 400
    assert "detail" in response.json()
