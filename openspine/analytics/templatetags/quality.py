"""Display helpers of the quality page: rates to one decimal of a percent (outcomes.md section 7)."""

from django import template
from django.utils.formats import number_format

from openspine.patients.choices import DiseaseArea

register = template.Library()


@register.filter
def pct(value) -> str:
    """Return a proportion 0..1 as a percent with one decimal ("12.5%"), or an em dash for None."""
    if value is None:
        return "—"
    return f"{number_format(round(100 * value, 1), 1)}%"  # number_format truncates; round first


@register.filter
def disease_area_label(value) -> str:
    return str(dict(DiseaseArea.choices).get(value, value or "—"))


@register.filter
def procedure_group_label(value) -> str:
    from openspine.surgery.forms import GROUP_LABELS

    return str(GROUP_LABELS.get(value, value or "—"))
