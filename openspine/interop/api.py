"""FHIR R4 out over the JSON API: one patient's record as a Bundle (interop.md 5)."""

from uuid import UUID

from django.http import JsonResponse
from ninja import Router

from openspine import audit
from openspine.interop import fhir
from openspine.patients.access import get_patient_for

router = Router(tags=["fhir"])


@router.get("/patients/{public_id}/fhir", response=dict, summary="One patient's record as a FHIR R4 Bundle")
def patient_fhir_bundle(request, public_id: UUID):
    """Return Patient, Encounter, Condition, Procedure, QuestionnaireResponse and Observation resources.

    A ``collection`` Bundle of base R4 resources (built with fhir.resources R4B), each validated by
    the library and by our coded-value checks. The disclosure is audited with the patient.
    """
    patient = get_patient_for(request.user, public_id)
    bundle = fhir.patient_bundle(patient)
    audit.record(
        request.user,
        "interop.patient.disclosed",
        patient,
        after={"format": "fhir-r4-bundle", "resources": len(bundle.get("entry", []))},
    )
    return JsonResponse(bundle, content_type="application/fhir+json")
