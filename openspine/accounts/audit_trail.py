"""Searching and exporting the audit trail for the auditor (T-39, T-57)."""

import csv
import io
import json
import uuid
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.audit.models import AuditEvent

SORTS = {
    "-occurred_at": ("-occurred_at", "-id"),
    "occurred_at": ("occurred_at", "id"),
    "action": ("action", "id"),
    "actor": ("actor_username", "id"),
}
EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_username",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "reason",
    "request_id",
    "ip",
    "before",
    "after",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("User name"), max_length=150, required=False)
    patient = forms.UUIDField(label=_("Patient public id"), required=False)
    action = forms.CharField(
        label=_("Action"),
        max_length=80,
        required=False,
        help_text=_("Start of the code, e.g. accounts.login"),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-occurred_at", _("Newest first")),
            ("occurred_at", _("Oldest first")),
            ("action", _("Action")),
            ("actor", _("User")),
        ],
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def search(data: dict):
    """Return the events matching the cleaned search ``data``, in the chosen allow-listed order."""
    events = AuditEvent.objects.all()
    if data.get("user"):
        events = events.filter(actor_username=data["user"])
    if data.get("patient"):
        events = events.filter(patient_id=str(data["patient"]))
    if data.get("action"):
        events = events.filter(action__startswith=data["action"])
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        events = events.filter(occurred_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
    if data.get("date_to"):
        events = events.filter(occurred_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    return events.order_by(*SORTS[data.get("sort") or "-occurred_at"])


def neutralise(value) -> str:
    """Return a CSV cell that a spreadsheet will not run as a formula (T-58)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(events) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        writer.writerow([neutralise(_cell(getattr(event, column))) for column in EXPORT_COLUMNS])
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def describe(data: dict) -> dict:
    """Return the search criteria in a form fit for the export's own audit event."""
    return {k: str(v) for k, v in data.items() if v not in (None, "")}
