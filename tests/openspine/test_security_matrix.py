"""Deny by default, proven by enumeration: every URL x every role x method against the declared matrix.

T-18: each pattern from ``get_resolver()`` is requested by every role with GET and POST (pages) or
GET, POST and PATCH (API, with the role's bearer token) and the status must equal
``tests/access_matrix.MATRIX``; a URL missing from the matrix fails. T-21: the outsider (an
attending of another department) gets 404 on every object URL and endpoint, and foreign ids inside
bodies are refused. T-19/T-22: a researcher and a teacher never see a patient's name, hospital
number, national ID or phone on any page or API answer they can open.

``OPENSPINE_MATRIX_PRINT=1`` prints the observed statuses in the matrix's own notation (to review a
new view, never to copy blindly).
"""

import os

import pytest
from django.test import Client

from openspine.accounts.models import ApiToken
from tests import builders
from tests.access_matrix import KNOWN_DEVIATIONS, MATRIX, ROLES, World, all_routes

PAGE_METHODS = ("GET", "POST")
# Objects that belong to no patient: a staff member's own sessions and the department's protocols.
NOT_PATIENT_BEARING = ("accounts:", "proms:protocol_")
API_METHODS = ("GET", "POST", "PATCH")


def _user_for(role, department, other_department):
    if role == "anonymous":
        return None
    if role == "outsider":
        return builders.make_user(role="surgeon", username="outsider", department=other_department)
    return builders.make_user(role=role, username=f"m_{role}", department=department)


def _request(client, method, path, *, api: bool, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    if method == "GET":
        return client.get(path, **headers)
    if api:
        return client.generic(method, path, "{}", content_type="application/json", **headers)
    return client.generic(method, path, "", content_type="application/x-www-form-urlencoded", **headers)


def observe(role, world, user) -> dict:
    """Return {(url name, method): status} for ``role`` over every route."""
    token = ApiToken.issue(user, "matrix")[1] if user is not None else None
    seen = {}
    for route in all_routes():
        for method in API_METHODS if route.is_api else PAGE_METHODS:
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)  # again each time: logout and session_end may end the last one
            response = _request(client, method, world.path(route), api=route.is_api, token=token)
            seen[(route.name, method)] = response.status_code
    return seen


@pytest.fixture
def cast(department, other_department, surgeon):
    return surgeon, department, other_department


@pytest.mark.req("T-18")
@pytest.mark.req("T-25")
@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_declares(role, cast):
    surgeon, department, other_department = cast
    world = World.build(surgeon)
    user = _user_for(role, department, other_department)
    observed = observe(role, world, user)
    if os.environ.get("OPENSPINE_MATRIX_PRINT"):
        for (name, method), status in sorted(observed.items()):
            print(f"MATRIX {role:12} {name:40} {method:5} {status}")
    mismatches = []
    for (name, method), status in observed.items():
        expected = MATRIX[name][method][role]
        known = KNOWN_DEVIATIONS.get((name, method, role))
        if status != expected and status != known:
            mismatches.append(f"{name} {method} as {role}: got {status}, matrix says {expected}")
    assert mismatches == []


@pytest.mark.req("T-18")
def test_every_url_is_in_the_matrix_and_the_matrix_has_no_stale_entries(db):
    routes = {route.name: route for route in all_routes()}
    missing = [name for name in routes if name not in MATRIX]
    stale = [name for name in MATRIX if name not in routes]
    assert missing == [], f"classify these URLs in tests/access_matrix.py: {missing}"
    assert stale == [], f"these matrix entries match no URL any more: {stale}"
    for name, route in routes.items():
        methods = set(API_METHODS if route.is_api else PAGE_METHODS)
        assert set(MATRIX[name]) == methods, name
        for method, row in MATRIX[name].items():
            assert set(row) == set(ROLES), (name, method)


# --- T-21 IDOR sweep ---------------------------------------------------------------------------


@pytest.mark.req("T-21")
def test_outsider_gets_404_on_every_object_url_and_endpoint(cast):
    surgeon, department, other_department = cast
    world = World.build(surgeon)
    outsider = _user_for("outsider", department, other_department)
    token = ApiToken.issue(outsider, "idor")[1]
    leaks, checked = [], []
    for route in all_routes():
        if "public_id" not in route.params or route.name.startswith(NOT_PATIENT_BEARING):
            continue
        for method in API_METHODS if route.is_api else PAGE_METHODS:
            client = Client()
            client.force_login(outsider)
            response = _request(client, method, world.path(route), api=route.is_api, token=token)
            # 405: the method does not exist here; 422: an API body fails its schema before any
            # object is looked up (it names fields, never data).
            if response.status_code not in (404, 405) and not (route.is_api and response.status_code == 422):
                leaks.append(f"{route.name} {method}: {response.status_code}")
            body = response.content.decode("utf-8", "replace")
            assert world.patient.name not in body and world.patient.mrn not in body, route.name
            checked.append(route.name)
    assert leaks == []
    assert {"patients:patient_detail", "surgery:operation_detail", "api:get_patient"} <= set(checked)
    # With a body that passes the schema, the API answers 404 too.
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.patch(
        f"/api/patients/{world.patient.public_id}",
        {"version": 1, "name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.req("T-21")
def test_foreign_ids_inside_api_bodies_are_refused(cast):
    """A surgeon may not attach another department's (or another patient's) admission or diagnosis."""
    surgeon, department, other_department = cast
    world = World.build(surgeon)
    outsider = _user_for("outsider", department, other_department)
    foreign_patient = builders.make_patient(actor=outsider)
    foreign_admission = builders.make_admission(foreign_patient, actor=outsider)
    other_patient = builders.make_patient(actor=surgeon)
    own_but_other_patient = builders.make_admission(other_patient, actor=surgeon)
    token = ApiToken.issue(surgeon, "idor")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    diagnoses_before = world.patient.diagnoses.count()
    for admission in (foreign_admission, own_but_other_patient):
        response = client.post(
            f"/api/patients/{world.patient.public_id}/diagnoses",
            {
                "disease_area": "lumbar_degenerative",
                "icd10": "M51.2",
                "diagnosed_on": "2026-01-05",
                "admission": str(admission.public_id),
            },
            content_type="application/json",
        )
        assert response.status_code in (404, 422), response.content
    assert world.patient.diagnoses.count() == diagnoses_before
    foreign_diagnosis = builders.make_diagnosis(foreign_patient, actor=outsider)
    day = world.admission.admitted_on
    body = {
        "patient": str(world.patient.public_id),
        "admission": str(world.admission.public_id),
        "diagnosis": str(foreign_diagnosis.public_id),
        "performed_on": day.isoformat(),
        "started_at": f"{day.isoformat()}T08:30:00+08:00",
        "ended_at": f"{day.isoformat()}T10:30:00+08:00",
        "primary_surgeon": surgeon.username,
        "asa_grade": 2,
        "approach": "posterior",
        "technique": "open",
        "procedures": ["decompression_laminectomy"],
        "level_from": "L4",
        "level_to": "L5",
    }
    operations_before = world.patient.operations.count()
    response = client.post("/api/surgery/operations", body, content_type="application/json")
    assert response.status_code in (404, 422), response.content
    body.update(patient=str(foreign_patient.public_id), diagnosis=str(world.diagnosis.public_id))
    response = client.post("/api/surgery/operations", body, content_type="application/json")
    assert response.status_code == 404, response.content
    assert world.patient.operations.count() == operations_before and not foreign_patient.operations.exists()


@pytest.mark.req("T-21")
def test_foreign_admission_in_a_page_form_is_refused(cast, client_for):
    surgeon, department, other_department = cast
    world = World.build(surgeon)
    outsider = _user_for("outsider", department, other_department)
    foreign_admission = builders.make_admission(builders.make_patient(actor=outsider), actor=outsider)
    diagnoses_before = world.patient.diagnoses.count()
    response = client_for(surgeon).post(
        f"/patients/{world.patient.public_id}/diagnoses/new/",
        {
            "disease_area": "lumbar_degenerative",
            "icd10": "M51.2",
            "diagnosed_on": "2026-01-05",
            "side": "left",
            "admission": foreign_admission.pk,
        },
    )
    assert response.status_code == 400 and "admission" in response.context["form"].errors
    assert world.patient.diagnoses.count() == diagnoses_before


# --- T-19 / T-22 no identifiers for researchers and teachers -----------------------------------


@pytest.mark.req("T-19")
@pytest.mark.req("T-22")
@pytest.mark.parametrize("role", ["researcher", "teacher"])
def test_researchers_and_teachers_never_see_identifiers(role, cast):
    surgeon, department, other_department = cast
    world = World.build(surgeon)
    user = _user_for(role, department, other_department)
    token = ApiToken.issue(user, "scan")[1]
    patient = world.patient
    identifiers = [patient.name, patient.mrn, patient.national_id, patient.phone, patient.phone[-8:]]
    reached = []
    for route in all_routes():
        client = Client()
        client.force_login(user)
        response = _request(client, "GET", world.path(route), api=route.is_api, token=token)
        body = response.content.decode("utf-8", "replace")
        for identifier in identifiers:
            assert identifier not in body, f"{route.name} shows {identifier!r} to a {role}"
        if response.status_code == 200:
            reached.append(route.name)
    assert "patients:patient_detail" not in reached and "api:get_patient" not in reached


@pytest.mark.req("T-22")
def test_api_cannot_mass_assign_department_version_or_index_columns(cast):
    surgeon, department, other_department = cast
    token = ApiToken.issue(surgeon, "mass")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(
        "/api/patients/",
        {
            "mrn": "MASS0001",
            "name": "批量赋值",
            "sex": "female",
            "birth_date": "1970-03-04",
            "department": other_department.pk,
            "department_id": other_department.pk,
            "national_id_index": "0" * 64,
            "version": 99,
        },
        content_type="application/json",
    )
    assert response.status_code in (201, 422), response.content
    from openspine.patients.models import Patient

    created = Patient.objects.filter(mrn="MASS0001").first()
    if created is not None:
        assert created.department == department and created.version == 1
        assert created.national_id_index == ""
        patch = client.patch(
            f"/api/patients/{created.public_id}",
            {"version": 1, "department_id": other_department.pk, "phone_last4": "9999"},
            content_type="application/json",
        )
        created.refresh_from_db()
        assert patch.status_code in (200, 422) and created.department == department
        assert created.phone_last4 == ""


@pytest.mark.req("T-19")
def test_a_researcher_refused_an_identified_page_leaves_an_access_denied_event(
    patient, researcher, client_for
):
    from openspine.audit.models import AuditEvent

    response = client_for(researcher).get(f"/patients/{patient.public_id}/")
    assert response.status_code == 403 and patient.name not in response.content.decode()
    event = AuditEvent.objects.filter(action="access.denied", actor_id=researcher.pk).latest("id")
    assert event.after["target"] == str(patient.public_id) and event.actor_role == "researcher"
