"""The patient timeline: every app contributes its events without patients importing those apps.

An app registers a provider in its ``AppConfig.ready``; a provider takes a patient and returns
:class:`Entry` objects. The patient page sorts them newest first.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    """One dated thing on a patient's timeline, rendered by its own template fragment."""

    on: date
    kind: str
    title: str
    template: str
    obj: object = None
    extra: dict = field(default_factory=dict)


Provider = Callable[[object], Iterable[Entry]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a timeline provider (idempotent, usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def entries_for(patient) -> list[Entry]:
    """Return every timeline entry of ``patient``, newest first."""
    entries = [entry for provider in _providers for entry in provider(patient)]
    return sorted(entries, key=lambda entry: entry.on, reverse=True)


@register
def admissions_and_diagnoses(patient) -> Iterable[Entry]:
    for admission in patient.admissions.all():
        yield Entry(
            admission.admitted_on,
            "admission",
            _("Admission"),
            "patients/partials/entry_admission.html",
            admission,
        )
    for diagnosis in patient.diagnoses.all():
        yield Entry(
            diagnosis.diagnosed_on,
            "diagnosis",
            _("Diagnosis"),
            "patients/partials/entry_diagnosis.html",
            diagnosis,
        )
