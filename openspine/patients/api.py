"""Patients, admissions and diagnoses over JSON: the same access functions and services as the pages."""

from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from openspine import audit
from openspine.core import levels
from openspine.core.schemas import Text
from openspine.patients import services
from openspine.patients.access import (
    check_capability,
    get_admission_for,
    get_diagnosis_for,
    get_patient_for,
)
from openspine.patients.models import Patient
from openspine.patients.schemas import (
    AdmissionIn,
    AdmissionOut,
    AdmissionPatch,
    DiagnosisIn,
    DiagnosisOut,
    DiagnosisPatch,
    PatientIn,
    PatientOut,
    PatientPatch,
)

router = Router(tags=["patients"])


def _patch_data(payload) -> tuple[int, dict]:
    data = payload.dict(exclude_unset=True)
    return data.pop("version"), data


@router.get("/", response=list[PatientOut])
def list_patients(request, q: Text = ""):
    """Search patients by hospital number, national ID, full phone, name or the phone's last four digits.

    At most 50 results.
    """
    check_capability(request.user, "patient.view", target="api.patients")
    # The answer has no national ID or phone (PatientOut), so neither is read nor decrypted.
    found = Patient.objects.visible_to(request.user).search(q).defer("national_id", "phone")
    result = list(found[:50])
    audit.record(
        request.user, "patients.patient.searched", None, after={"results": len(result), "query": bool(q)}
    )
    return result


@router.post("/", response={201: PatientOut})
def create_patient(request, payload: PatientIn):
    check_capability(request.user, "patient.edit", target="api.patients.create")
    return Status(201, services.create_patient(actor=request.user, **payload.dict()))


@router.get("/{public_id}", response=PatientOut)
def get_patient(request, public_id: UUID):
    return get_patient_for(request.user, public_id)


@router.patch("/{public_id}", response=PatientOut)
def update_patient(request, public_id: UUID, payload: PatientPatch):
    patient = get_patient_for(request.user, public_id, action="edit")
    version, data = _patch_data(payload)
    return services.update_patient(patient, actor=request.user, expected_version=version, **data)


@router.get("/{public_id}/admissions", response=list[AdmissionOut])
def list_admissions(request, public_id: UUID):
    return list(get_patient_for(request.user, public_id).admissions.all())


@router.post("/{public_id}/admissions", response={201: AdmissionOut})
def create_admission(request, public_id: UUID, payload: AdmissionIn):
    patient = get_patient_for(request.user, public_id, action="edit")
    return Status(201, services.add_admission(patient, actor=request.user, **payload.dict()))


@router.get("/admissions/{public_id}", response=AdmissionOut)
def get_admission(request, public_id: UUID):
    return get_admission_for(request.user, public_id)


@router.patch("/admissions/{public_id}", response=AdmissionOut)
def update_admission(request, public_id: UUID, payload: AdmissionPatch):
    admission = get_admission_for(request.user, public_id, action="edit")
    version, data = _patch_data(payload)
    return services.update_admission(admission, actor=request.user, expected_version=version, **data)


@router.get("/{public_id}/diagnoses", response=list[DiagnosisOut])
def list_diagnoses(request, public_id: UUID):
    return list(get_patient_for(request.user, public_id).diagnoses.all())


@router.post("/{public_id}/diagnoses", response={201: DiagnosisOut})
def create_diagnosis(request, public_id: UUID, payload: DiagnosisIn):
    patient = get_patient_for(request.user, public_id, action="edit")
    data = payload.dict()
    for name in ("level_from", "level_to"):
        data[name] = levels.parse(data[name], name) if data[name] else None
    if data["admission"]:
        data["admission"] = get_object_or_404(patient.admissions, public_id=data["admission"])
    return Status(201, services.add_diagnosis(patient, actor=request.user, **data))


@router.get("/diagnoses/{public_id}", response=DiagnosisOut)
def get_diagnosis(request, public_id: UUID):
    return get_diagnosis_for(request.user, public_id)


@router.patch("/diagnoses/{public_id}", response=DiagnosisOut)
def update_diagnosis(request, public_id: UUID, payload: DiagnosisPatch):
    diagnosis = get_diagnosis_for(request.user, public_id, action="edit")
    version, data = _patch_data(payload)
    for name in ("level_from", "level_to"):
        if name in data:
            data[name] = levels.parse(data[name], name) if data[name] else None
    return services.update_diagnosis(diagnosis, actor=request.user, expected_version=version, **data)


__all__ = ["router"]
