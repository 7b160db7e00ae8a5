"""Worklist filters: allow-listed values only; anything else is a 400 naming the allowed values."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from openspine.patients.choices import DiseaseArea
from openspine.proms.choices import timepoint_label
from openspine.proms.metrics import timepoint_sort_key
from openspine.proms.models import Timepoint
from openspine.proms.worklist import SECTION_KEYS
from openspine.surgery.models import Operation


def _invalid(allowed):
    return format_lazy(
        "{}{}.", _("%(value)s is not allowed here; use one of: "), ", ".join(map(str, allowed))
    )


SURGEON_CHOICES_SECONDS = 300


def surgeon_choices(department_id) -> list[tuple[str, str]]:
    """Return (username, name) of the primary surgeons of the department's operations, by username.

    Finding them reads the department's operations (the database joins them all rather than
    probing per user), so the list is kept in the shared cache under the newest operation's id:
    a new operation (perhaps a new surgeon's) counts them again at once, and
    :data:`SURGEON_CHOICES_SECONDS` bounds how long an amended surgeon waits.
    """
    newest = Operation.objects.order_by("-pk").values_list("pk", flat=True).first()
    key = f"proms.worklist.surgeons:{department_id}:{newest}"
    choices = cache.get(key)
    if choices is None:
        department_operations = Operation.objects.filter(
            primary_surgeon=OuterRef("pk"), patient__department_id=department_id
        )
        surgeons = get_user_model().objects.filter(Exists(department_operations)).order_by("username")
        choices = [(u.username, str(u)) for u in surgeons]
        cache.set(key, choices, SURGEON_CHOICES_SECONDS)
    return choices


class WorklistFilter(forms.Form):
    """Filter the worklist by primary surgeon (username), disease area and timepoint label.

    ``page_<section>`` (hidden, from the pager links) picks the page of one section; a filter
    change starts every section at page 1 again.
    """

    surgeon = forms.ChoiceField(label=_("Surgeon"), required=False)
    disease_area = forms.ChoiceField(label=_("Disease area"), required=False)
    timepoint = forms.ChoiceField(label=_("Timepoint"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        for key in SECTION_KEYS:
            self.fields[f"page_{key}"] = forms.IntegerField(
                label=_("Page"), required=False, min_value=1, max_value=1_000_000, widget=forms.HiddenInput
            )
        labels = sorted(set(Timepoint.objects.values_list("label", flat=True)), key=timepoint_sort_key)
        self._set("surgeon", surgeon_choices(getattr(user, "department_id", None)))
        self._set("disease_area", list(DiseaseArea.choices))
        self._set("timepoint", [(label, timepoint_label(label)) for label in labels])

    def _set(self, name, choices):
        field = self.fields[name]
        field.choices = [("", _("All"))] + choices
        field.error_messages["invalid_choice"] = _invalid([value for value, _label in choices])

    def pages(self) -> dict[str, int]:
        """Return the requested page per section key (sections not mentioned start at 1)."""
        return {key: self.cleaned_data.get(f"page_{key}") or 1 for key in SECTION_KEYS}

    def apply(self, queryset):
        """Return ``queryset`` narrowed by the valid filters."""
        data = self.cleaned_data
        if data.get("surgeon"):
            queryset = queryset.filter(operation__primary_surgeon__username=data["surgeon"])
        if data.get("disease_area"):
            area = data["disease_area"]
            queryset = queryset.filter(
                Q(operation__diagnosis__disease_area=area)
                | Q(operation__isnull=True, diagnosis__disease_area=area)
            )
        if data.get("timepoint"):
            queryset = queryset.filter(timepoint=data["timepoint"])
        return queryset
