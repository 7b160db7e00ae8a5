"""Template tags that let the patient page offer the ISNCSCI exam without importing this app."""

from django import template

from openspine.accounts.roles import can
from openspine.patients.choices import DiseaseArea

register = template.Library()


def has_spinal_cord_injury(patient) -> bool:
    """Return True if any of the patient's diagnoses is in the spinal cord injury area."""
    return patient.diagnoses.filter(disease_area=DiseaseArea.SPINAL_CORD_INJURY).exists()


@register.inclusion_tag("sci/partials/exam_link.html", takes_context=True)
def sci_exam_link(context, patient):
    """Render the "ISNCSCI exams" button for a patient with a spinal cord injury diagnosis."""
    user = context.get("user")
    show = bool(user and can(user, "patient.view") and has_spinal_cord_injury(patient))
    return {"show": show, "patient": patient}
