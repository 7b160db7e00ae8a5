"""The surgery API: token auth, the same validation and permissions as the pages, no mass assignment."""

from datetime import timedelta

import pytest

from openspine.accounts.models import ApiToken
from openspine.audit.models import AuditEvent
from openspine.surgery import services
from openspine.surgery.models import Complication, Operation
from tests import builders


@pytest.fixture
def api(client):
    def call(user, method, path, payload=None):
        _token, raw = ApiToken.issue(user, "t")
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        return getattr(client, method)(f"/api/surgery{path}", **kwargs)

    return call


@pytest.fixture
def admission(patient, surgeon):
    return builders.make_admission(patient, actor=surgeon)


@pytest.fixture
def diagnosis(patient, surgeon):
    return builders.make_diagnosis(patient, actor=surgeon)


@pytest.fixture
def operation(patient, surgeon, admission, diagnosis):
    return builders.make_operation(patient, actor=surgeon, admission=admission, diagnosis=diagnosis)


def _payload(patient, admission, diagnosis, surgeon, **overrides):
    day = admission.admitted_on + timedelta(days=1)
    data = {
        "patient": str(patient.public_id),
        "admission": str(admission.public_id),
        "diagnosis": str(diagnosis.public_id),
        "performed_on": day.isoformat(),
        "started_at": f"{day.isoformat()}T08:30:00+08:00",
        "ended_at": f"{day.isoformat()}T11:15:00+08:00",
        "primary_surgeon": surgeon.username,
        "asa_grade": 2,
        "approach": "posterior",
        "technique": "mis",
        "procedures": ["fusion_tlif"],
        "level_from": "L5",
        "level_to": "S1",
        "team": [{"username": "resident", "role": "assistant"}],
        "implants": [{"kind": "pedicle_screw", "count": 4, "lot_number": "A1"}],
    }
    data.update(overrides)
    return data


def test_surgeon_creates_operation_over_api(api, surgeon, resident, patient, admission, diagnosis):
    response = api(surgeon, "post", "/operations", _payload(patient, admission, diagnosis, surgeon))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level_from"] == "L5" and body["level_to"] == "S1" and body["status"] == "draft"
    assert body["duration_minutes"] == 165 and body["team"] == [{"username": "resident", "role": "assistant"}]
    operation = Operation.objects.get(public_id=body["public_id"])
    assert operation.implants.get().lot_number == "A1"
    assert AuditEvent.objects.filter(action="surgery.operation.created", actor=surgeon).exists()


def test_bad_level_label_names_field(api, surgeon, resident, patient, admission, diagnosis):
    payload = _payload(patient, admission, diagnosis, surgeon, level_to="L9")
    response = api(surgeon, "post", "/operations", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "level_to"
    assert Operation.objects.count() == 0


def test_failing_implant_leaves_nothing(api, surgeon, resident, patient, admission, diagnosis):
    payload = _payload(patient, admission, diagnosis, surgeon, implants=[{"kind": "cage"}, {"kind": "nail"}])
    response = api(surgeon, "post", "/operations", payload)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "implants"
    assert Operation.objects.count() == 0


def test_status_cannot_be_mass_assigned(api, resident, surgeon, patient, admission, diagnosis):
    payload = _payload(patient, admission, diagnosis, surgeon, status="signed")
    assert api(resident, "post", "/operations", payload).status_code == 422
    assert Operation.objects.count() == 0


def test_resident_cannot_patch_status(api, resident, operation):
    response = api(
        resident, "patch", f"/operations/{operation.public_id}", {"version": 1, "status": "signed"}
    )
    assert response.status_code == 422
    operation.refresh_from_db()
    assert operation.status == "draft" and operation.version == 1


@pytest.mark.parametrize(
    "persona, status",
    [("surgeon", 200), ("resident", 200), ("coordinator", 200), ("director", 200), ("outsider", 404)],
)
def test_get_operation_permissions(request, api, operation, persona, status):
    user = request.getfixturevalue(persona)
    assert api(user, "get", f"/operations/{operation.public_id}").status_code == status


def test_researcher_has_no_api_access(api, researcher, operation):
    assert api(researcher, "get", f"/operations/{operation.public_id}").status_code == 401


def test_no_token_is_refused(client, operation):
    assert client.get(f"/api/surgery/operations/{operation.public_id}").status_code == 401


def test_coordinator_cannot_create_operation(api, coordinator, surgeon, patient, admission, diagnosis):
    response = api(coordinator, "post", "/operations", _payload(patient, admission, diagnosis, surgeon))
    assert response.status_code == 403 and Operation.objects.count() == 0


def test_list_operations_of_patient(api, surgeon, patient, operation):
    response = api(surgeon, "get", f"/operations?patient={patient.public_id}")
    assert response.status_code == 200 and [o["public_id"] for o in response.json()] == [
        str(operation.public_id)
    ]


def test_patch_draft_and_stale_version(api, surgeon, operation):
    path = f"/operations/{operation.public_id}"
    response = api(surgeon, "patch", path, {"version": 1, "blood_loss_ml": 250, "level_to": "S1"})
    assert response.status_code == 200 and response.json()["level_to"] == "S1"
    operation.refresh_from_db()
    assert operation.blood_loss_ml == 250 and operation.version == 2
    stale = api(surgeon, "patch", path, {"version": 1, "blood_loss_ml": 999})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    operation.refresh_from_db()
    assert operation.blood_loss_ml == 250


def test_sign_needs_password(api, surgeon, operation):
    path = f"/operations/{operation.public_id}/sign"
    response = api(surgeon, "post", path, {"password": "nope"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "password"
    assert AuditEvent.objects.filter(action="surgery.operation.sign_failed").exists()
    assert api(surgeon, "post", path, {}).status_code == 422
    response = api(surgeon, "post", path, {"password": builders.PASSWORD})
    assert response.status_code == 200 and response.json()["meaning"] == "author"
    operation.refresh_from_db()
    assert operation.status == "signed"


def test_resident_cannot_sign_over_api(api, resident, operation):
    response = api(
        resident, "post", f"/operations/{operation.public_id}/sign", {"password": builders.PASSWORD}
    )
    assert response.status_code == 403
    operation.refresh_from_db()
    assert operation.status == "draft"


def test_amend_signed_operation_needs_reason(api, surgeon, operation):
    services.sign_operation(operation, actor=surgeon)
    operation.refresh_from_db()
    path = f"/operations/{operation.public_id}"
    response = api(surgeon, "patch", path, {"version": operation.version, "note": "late entry"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "reason"
    payload = {"version": operation.version, "note": "late entry", "reason": "Forgot the note"}
    response = api(surgeon, "patch", path, payload)
    assert response.status_code == 200 and response.json()["status"] == "amended"


def test_complications_over_api(api, coordinator, surgeon, operation):
    path = f"/operations/{operation.public_id}/complications"
    payload = {
        "category": "uti",
        "timing": "in_hospital",
        "onset_on": operation.performed_on.isoformat(),
        "clavien_dindo": "II",
        "reported_by": "coordinator",
    }
    response = api(coordinator, "post", path, payload)
    assert response.status_code == 201, response.content
    public_id = response.json()["public_id"]
    assert api(coordinator, "get", path).json()[0]["category"] == "uti"
    response = api(surgeon, "patch", f"/complications/{public_id}", {"version": 1, "resolved": True})
    assert response.status_code == 200 and response.json()["resolved"] is True
    assert Complication.objects.get().resolved
    bad = api(surgeon, "post", path, {**payload, "clavien_dindo": "VII"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "clavien_dindo"


def test_outsider_cannot_see_complication(api, outsider, surgeon, operation):
    complication = builders.make_complication(operation, actor=surgeon)
    assert api(outsider, "get", f"/complications/{complication.public_id}").status_code == 404
