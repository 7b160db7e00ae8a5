"""ISNCSCI exams over JSON: the same access functions and services as the pages."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status

from openspine.patients.access import check_capability, get_patient_for
from openspine.sci import services
from openspine.sci.access import get_exam_for
from openspine.sci.schemas import ExamIn, ExamOut

router = Router(tags=["sci"])
LIST_LIMIT = 200
_RELATED = ("patient", "examiner", "admission", "operation")


def _one(queryset, public_id, field: str, message):
    if public_id is None:
        return None
    obj = queryset.filter(public_id=public_id).first()
    if obj is None:
        raise ValidationError({field: message})
    return obj


@router.get("/patients/{public_id}/exams", response=list[ExamOut])
def list_exams(request, public_id: UUID):
    """List a patient's ISNCSCI exams, newest first (max 200)."""
    patient = get_patient_for(request.user, public_id)
    return list(patient.isncsci_exams.select_related(*_RELATED)[:LIST_LIMIT])


@router.post("/patients/{public_id}/exams", response={201: ExamOut})
def create_exam(request, public_id: UUID, payload: ExamIn):
    """Record an exam given in the ISNCSCI interchange format; the server classifies it."""
    check_capability(request.user, "sci.exam.edit", target="api.sci.exams.create")
    patient = get_patient_for(request.user, public_id, action="edit")
    data = payload.dict()
    data["admission"] = _one(
        patient.admissions, data["admission"], "admission", _("No such admission of this patient.")
    )
    data["operation"] = _one(
        patient.operations, data["operation"], "operation", _("No such operation of this patient.")
    )
    exam = data.pop("exam")
    return Status(201, services.record_exam(patient, exam, actor=request.user, **data))


@router.get("/exams/{public_id}", response=ExamOut)
def get_exam(request, public_id: UUID):
    return get_exam_for(request.user, public_id)
