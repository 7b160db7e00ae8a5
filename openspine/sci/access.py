"""The only way to load ISNCSCI exams from a URL or API id (STYLE.md section 6).

404 when the user may not know the exam exists (another department); 403 when their role may not
do ``action``. A successful ``view`` records a ``viewed`` audit event; a refusal ``access.denied``.
"""

from django.http import Http404

from openspine import audit
from openspine.patients.access import check_capability
from openspine.sci.models import IsncsciExam

EXAM_CAPABILITY = {"view": "patient.view", "edit": "sci.exam.edit"}


def get_exam_for(user, public_id, *, action: str = "view") -> IsncsciExam:
    """Return the exam with ``public_id`` if ``user`` may ``action`` it."""
    check_capability(user, EXAM_CAPABILITY[action], target=str(public_id))
    exam = (
        IsncsciExam.objects.visible_to(user)
        .select_related("patient", "examiner", "admission", "operation")
        .filter(public_id=public_id)
        .first()
    )
    if exam is None:
        raise Http404
    if action == "view":
        audit.record(user, "sci.exam.viewed", exam)
    return exam
