"""The quality page's filters: the year of operation and, optionally, one disease area."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.patients.choices import DiseaseArea

YEARS_BACK = 10


def year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - YEARS_BACK, -1)]


class QualityFilter(forms.Form):
    """Which operations the figures cover; an unknown value is refused naming the allowed ones."""

    year = forms.TypedChoiceField(label=_("Year of operation"), coerce=int, required=False)
    disease_area = forms.ChoiceField(
        label=_("Disease area"), required=False, choices=[("", _("All disease areas")), *DiseaseArea.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        for field in self.fields.values():
            allowed = ", ".join(str(value) for value, _label in field.choices if value != "")
            # Name the allowed values; Django fills in the rejected one as %(value)s.
            field.error_messages["invalid_choice"] = _(
                "%%(value)s is not allowed; choose one of: %(allowed)s."
            ) % {"allowed": allowed}

    def clean_year(self):
        return self.cleaned_data["year"] or timezone.localdate().year
