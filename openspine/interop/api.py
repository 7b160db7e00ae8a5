"""FHIR R4 out over the JSON API: one patient's record as a Bundle (interop.md 5)."""

import json
from uuid import UUID

from django.http import JsonResponse, StreamingHttpResponse
from ninja import Query, Router

from openspine import audit
from openspine.audit.services import record_many
from openspine.interop import fhir
from openspine.patients.access import check_capability, get_patient_for
from openspine.patients.models import Patient

EXPORT_TYPES = ("Patient", "Encounter", "Condition", "Procedure", "QuestionnaireResponse", "Observation")

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


@router.get("/fhir/$export", summary="Bulk export of the department's registry as FHIR NDJSON")
def fhir_bulk_export(request, types: str = Query("", alias="_type")):
    """Stream every resource of every patient of the department, one JSON resource per line.

    ``_type`` (comma-separated resource types) narrows the export, as in FHIR Bulk Data
    ``$export``; unlike the spec's asynchronous kick-off and polling, the file is streamed at once.
    Each resource is validated as in the patient Bundle. Every patient disclosed is audited.
    """
    check_capability(request.user, "interop.bulk_export", target="api.fhir.export")
    wanted = [t for t in types.split(",") if t] or list(EXPORT_TYPES)
    unknown = sorted(set(wanted) - set(EXPORT_TYPES))
    if unknown:
        return JsonResponse(
            {"detail": f"Unknown _type {', '.join(unknown)}; allowed: {', '.join(EXPORT_TYPES)}."}, status=400
        )
    patients = list(Patient.objects.visible_to(request.user).order_by("pk"))
    record_many(
        [
            {
                "actor": request.user,
                "action": "interop.patient.disclosed",
                "obj": p,
                "after": {"format": "fhir-ndjson"},
            }
            for p in patients
        ]
    )
    response = StreamingHttpResponse(_ndjson(patients, set(wanted)), content_type="application/fhir+ndjson")
    response["Content-Disposition"] = 'attachment; filename="openspine-export.ndjson"'
    return response


def _ndjson(patients, wanted: set):
    for patient in patients:
        for _obj, resource in fhir.patient_resources(patient):
            if resource["resourceType"] in wanted:
                yield json.dumps(fhir.validated(resource), ensure_ascii=False) + "\n"
