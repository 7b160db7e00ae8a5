"""The ISNCSCI API: token auth, server-side classification, the same errors and permissions as pages."""

import pytest
from django.utils import translation

from openspine.accounts.models import ApiToken
from openspine.audit.models import AuditEvent
from openspine.sci.models import IsncsciExam
from spinescores import isncsci
from tests import builders
from tests.openspine.test_sci_services import w1_exam


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def api(client):
    def call(user, method, path, payload=None):
        _token, raw = ApiToken.issue(user, "t")
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        return getattr(client, method)(f"/api/sci{path}", **kwargs)

    return call


def test_post_exam_classifies_on_the_server_and_audits(api, patient, coordinator):
    payload = {"examined_on": "2026-01-05", "context": "admission", "exam": w1_exam()}
    response = api(coordinator, "post", f"/patients/{patient.public_id}/exams", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ais"] == ["A"] and body["result"]["zpp"]["sensory"] == {"right": ["T10"], "left": ["T8"]}
    assert body["classifier_version"] == isncsci.VERSION and body["examiner"] == "coordinator"
    exam = IsncsciExam.objects.get(public_id=body["public_id"])
    assert exam.light_touch_total == 62
    assert AuditEvent.objects.filter(action="sci.exam.recorded", actor=coordinator).exists()


def test_post_with_a_bad_value_is_422_naming_side_level_and_value(api, patient, coordinator):
    exam = isncsci.normal_exam()
    exam["left"]["motor"]["L4"] = "5*"
    payload = {"examined_on": "2026-01-05", "context": "admission", "exam": exam}
    response = api(coordinator, "post", f"/patients/{patient.public_id}/exams", payload)
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert (
        detail["field"] == "L_L4_motor" and "Left L4 motor" in detail["message"] and "5*" in detail["message"]
    )
    assert IsncsciExam.objects.count() == 0


def test_a_client_cannot_send_its_own_classification(api, patient, coordinator):
    payload = {"examined_on": "2026-01-05", "context": "admission", "exam": w1_exam(), "ais": ["E"]}
    response = api(coordinator, "post", f"/patients/{patient.public_id}/exams", payload)
    assert response.status_code == 422 and IsncsciExam.objects.count() == 0


def test_list_and_get_exams(api, patient, surgeon, coordinator):
    payload = {"examined_on": "2026-01-05", "context": "discharge", "exam": isncsci.normal_exam()}
    created = api(surgeon, "post", f"/patients/{patient.public_id}/exams", payload).json()
    listed = api(coordinator, "get", f"/patients/{patient.public_id}/exams").json()
    assert [e["public_id"] for e in listed] == [created["public_id"]] and listed[0]["ais"] == ["E"]
    one = api(coordinator, "get", f"/exams/{created['public_id']}")
    assert one.status_code == 200 and one.json()["context"] == "discharge"


def test_outsider_gets_404_and_researcher_no_api_access(api, patient, surgeon, outsider, researcher):
    payload = {"examined_on": "2026-01-05", "context": "admission", "exam": isncsci.normal_exam()}
    assert api(outsider, "post", f"/patients/{patient.public_id}/exams", payload).status_code == 404
    assert api(outsider, "get", f"/patients/{patient.public_id}/exams").status_code == 404
    assert api(researcher, "get", f"/patients/{patient.public_id}/exams").status_code == 401  # no api.use


def test_operation_of_another_patient_is_refused(api, patient, surgeon):
    other = builders.make_patient(actor=surgeon)
    operation = builders.make_operation(other, actor=surgeon)
    payload = {
        "examined_on": "2026-01-05",
        "context": "pre_op",
        "exam": isncsci.normal_exam(),
        "operation": str(operation.public_id),
    }
    response = api(surgeon, "post", f"/patients/{patient.public_id}/exams", payload)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "operation"
