"""FHIR R4 out: a patient Bundle validates with fhir.resources R4B and our code checks (interop.md 5-7)."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from openspine.audit.models import AuditEvent
from openspine.interop import fhir, hl7
from openspine.interop.samples import adt
from openspine.patients.models import Patient
from openspine.proms import services as proms_services
from openspine.proms.models import QuestionnaireResponse
from tests import builders
from tests.openspine.test_portal_support import open_follow_up

ODI = {k: 1 for k in ("pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing")}
ODI |= {k: 1 for k in ("sleeping", "sex_life", "social_life", "travelling")}


@pytest.fixture
def record(surgeon, coordinator):
    """A patient with an admission, a diagnosis, an operation and a scored ODI."""
    patient = builders.make_patient(actor=surgeon, name="李测试")
    follow_up, _token = open_follow_up(patient, actor=surgeon)
    proms_services.record_response(
        follow_up, "odi", ODI, mode="clinic", language="zh-hans", actor=coordinator
    )
    return patient


def _by_type(bundle: dict) -> dict:
    found = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_patient_bundle_validates_and_round_trips(record):
    bundle = fhir.patient_bundle(record)
    again = Bundle.model_validate_json(json.dumps(bundle)).model_dump(mode="json", exclude_none=True)
    assert again == bundle
    kinds = _by_type(bundle)
    assert set(kinds) == {
        "Patient",
        "Encounter",
        "Condition",
        "Procedure",
        "QuestionnaireResponse",
        "Observation",
    }
    assert kinds["Patient"][0]["identifier"][0]["value"] == record.mrn
    assert kinds["Encounter"][0]["class"]["code"] == "IMP"
    procedure = kinds["Procedure"][0]
    assert procedure["bodySite"][0]["text"] == "L4–L5" or "L4" in procedure["bodySite"][0]["text"]
    assert procedure["code"]["coding"][0]["code"] == "fusion_tlif"
    observation = kinds["Observation"][0]
    assert observation["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "97909-6",
        "display": "Oswestry disability index score ODI",
    }
    assert observation["valueQuantity"]["value"] == 20.0  # 10 items x 1 of 5 = 10/50 = 20 %
    assert observation["derivedFrom"][0]["reference"] == "urn:uuid:" + str(
        QuestionnaireResponse.objects.get().public_id
    )
    references = {e["fullUrl"] for e in bundle["entry"]}
    assert (
        procedure["subject"]["reference"] in references and procedure["encounter"]["reference"] in references
    )


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Observation", "status": "donez", "code": {"text": "x"}},
        {"resourceType": "Bundle", "type": "transactionx"},
        {"resourceType": "Encounter", "status": "finished", "class": {"code": "XYZ"}},
        {"resourceType": "Patient", "gender": "M"},
    ],
)
def test_code_checks_reject_what_the_library_lets_through(resource):
    """interop.md 6 [T]: fhir.resources accepts ``donez``; our checks must not."""
    with pytest.raises(fhir.FhirCodeError):
        fhir.validated(resource)


def test_snomed_body_site_only_when_the_site_turns_it_on(record, settings):
    operation = record.operations.get()
    assert "coding" not in fhir._body_site(operation)
    settings.OPENSPINE_FHIR_SNOMED = True
    assert fhir._body_site(operation)["coding"][0]["code"] == "122496007"


def test_api_returns_the_bundle_and_audits_the_disclosure(record, surgeon, client):
    from openspine.accounts.models import ApiToken

    token = ApiToken.issue(surgeon, "fhir")[1]
    response = client.get(
        f"/api/interop/patients/{record.public_id}/fhir", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["type"] == "collection"
    event = AuditEvent.objects.get(action="interop.patient.disclosed")
    assert event.patient_id == str(record.public_id) and event.after["resources"] == 6


def test_hl7_import_then_fhir_export_keeps_identifiers_and_dates(department):
    """interop.md 7: round trip HL7 ADT in → FHIR out."""
    hl7.receive_message(adt("A01", "RT1", mrn="RT0001", visit="ZYRT1").encode())
    hl7.receive_message(adt("A03", "RT2", mrn="RT0001", visit="ZYRT1", discharged="20260309").encode())
    kinds = _by_type(fhir.patient_bundle(Patient.objects.get()))
    assert kinds["Patient"][0]["identifier"][0]["value"] == "RT0001"
    assert kinds["Patient"][0]["birthDate"] == "1960-05-01"
    encounter = kinds["Encounter"][0]
    assert encounter["identifier"][0]["value"] == "ZYRT1"
    assert encounter["period"] == {"start": "2026-03-02", "end": "2026-03-09"}
    assert encounter["status"] == "finished"


def _token(user):
    from openspine.accounts.models import ApiToken

    return ApiToken.issue(user, "bulk")[1]


def test_bulk_export_streams_valid_ndjson_of_the_department(record, director, client):
    response = client.get("/api/interop/fhir/$export", HTTP_AUTHORIZATION=f"Bearer {_token(director)}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        fhir.validated(resource)
    assert {r["resourceType"] for r in resources} >= {"Patient", "Encounter", "Procedure", "Observation"}
    assert AuditEvent.objects.filter(
        action="interop.patient.disclosed", patient_id=str(record.public_id)
    ).exists()


def test_bulk_export_filters_by_type_and_names_unknown_types(record, director, client):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(director)}"}
    response = client.get("/api/interop/fhir/$export?_type=Patient", **auth)
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["resourceType"] for line in lines] == ["Patient"]
    bad = client.get("/api/interop/fhir/$export?_type=Medication", **auth)
    assert bad.status_code == 400 and "Medication" in bad.json()["detail"]


def test_bulk_export_is_refused_to_a_surgeon(record, surgeon, client):
    response = client.get("/api/interop/fhir/$export", HTTP_AUTHORIZATION=f"Bearer {_token(surgeon)}")
    assert response.status_code == 403
