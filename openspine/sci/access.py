"""The only way to load ISNCSCI exams from a URL or API id (STYLE.md section 6).

404 when the user may not know the exam exists (another department); 403 when their role may not
do ``action``. A successful ``view`` records a ``viewed`` audit event; a refusal ``access.denied``.
"""

from openspine.patients.access import load_for
from openspine.sci.models import IsncsciExam

EXAM_CAPABILITY = {"view": "patient.view", "edit": "sci.exam.edit"}


def get_exam_for(user, public_id, *, action: str = "view") -> IsncsciExam:
    """Return the exam with ``public_id`` if ``user`` may ``action`` it."""
    queryset = IsncsciExam.objects.visible_to(user).select_related(
        "patient", "examiner", "admission", "operation"
    )
    viewed = "sci.exam.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=EXAM_CAPABILITY[action], viewed=viewed)
