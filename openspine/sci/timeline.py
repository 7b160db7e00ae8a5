"""ISNCSCI exams on the patient timeline (registered in ``SciConfig.ready``)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from openspine.patients.timeline import Entry


def exams(patient) -> Iterable[Entry]:
    """Yield one entry per ISNCSCI exam, showing AIS, NLI and the motor score."""
    for exam in patient.isncsci_exams.all():
        yield Entry(exam.examined_on, "isncsci", _("ISNCSCI exam"), "sci/partials/entry_exam.html", exam)
