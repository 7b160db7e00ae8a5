"""Template filters for follow-up pages."""

from django import template

from openspine.proms.choices import timepoint_label as label_of

register = template.Library()


@register.filter
def timepoint_label(label: str) -> str:
    """Show a stored timepoint label (``12m``) by its translated name (12 months)."""
    return label_of(label)
