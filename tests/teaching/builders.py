"""Builders for the teaching tests and the access matrix's world."""

from django.utils import timezone

from openspine.teaching.models import CaseLogEntry


def make_case_log_entry(operation, trainee, **overrides) -> CaseLogEntry:
    """Return a pending entry of ``trainee`` on ``operation`` (rows the sign-off would derive)."""
    fields = {
        "attending": operation.primary_surgeon,
        "performed_on": operation.performed_on,
        "team_role": "primary_surgeon",
        "credit_role": "surgeon",
        "categories": ["thoracolumbar_posterior_fusion"],
        "derived_at": timezone.now(),
    }
    fields.update(overrides)
    return CaseLogEntry.objects.create(operation=operation, trainee=trainee, **fields)
