"""The quality page's filters: the year of operation, optionally one disease area and one surgeon."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.patients.choices import DiseaseArea

YEARS_BACK = 10


def year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - YEARS_BACK, -1)]


class _YearAndSurgeon:
    """What the quality filters share: refusals that name the allowed values, this year by default,
    and a surgeon field for who sees all."""

    def _add_surgeon(self, surgeons, blank_label) -> None:
        self.surgeons = {user.pk: user for user in surgeons}
        self.fields["surgeon"] = forms.TypedChoiceField(
            label=_("Surgeon"),
            coerce=int,
            required=False,
            empty_value=None,
            choices=[("", blank_label)]
            + [(pk, user.display_name or user.username) for pk, user in self.surgeons.items()],
        )

    def _name_allowed_values(self) -> None:
        for field in self.fields.values():
            if not isinstance(field, forms.ChoiceField):
                continue
            allowed = ", ".join(str(value) for value, _label in field.choices if value != "")
            # Name the allowed values; Django fills in the rejected one as %(value)s.
            field.error_messages["invalid_choice"] = _(
                "%%(value)s is not allowed; choose one of: %(allowed)s."
            ) % {"allowed": allowed}

    def clean_year(self):
        return self.cleaned_data["year"] or timezone.localdate().year

    def clean_surgeon(self):
        pk = self.cleaned_data.get("surgeon")
        return self.surgeons.get(pk) if pk else None


class QualityFilter(_YearAndSurgeon, forms.Form):
    """Which operations the figures cover; an unknown value is refused naming the allowed ones."""

    year = forms.TypedChoiceField(label=_("Year of operation"), coerce=int, required=False)
    disease_area = forms.ChoiceField(
        label=_("Disease area"), required=False, choices=[("", _("All disease areas")), *DiseaseArea.choices]
    )

    def __init__(self, *args, surgeons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        if surgeons is not None:  # only for viewers who may see every surgeon
            self._add_surgeon(surgeons, _("Whole department"))
        self._name_allowed_values()


class MonitoringFilter(_YearAndSurgeon, forms.Form):
    """Which chart: the outcome, the year, the procedure group and (for who sees all) the surgeon."""

    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    year = forms.TypedChoiceField(label=_("Year of operation"), coerce=int, required=False)
    group = forms.ChoiceField(label=_("Procedure group"), required=False)

    def __init__(self, *args, outcomes=(), groups=(), surgeons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = list(outcomes)
        self.fields["year"].choices = year_choices()
        self.fields["group"].choices = [("", _("All procedure groups")), *groups]
        if surgeons is not None:
            self._add_surgeon(surgeons, "—")
        self._name_allowed_values()


class CaseListFilter(QualityFilter):
    """Which figure's cases: the rule (``S1_30d``) and the quality page's year, area and surgeon."""

    rule = forms.ChoiceField(label=_("Indicator"))

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = list(rules)
        self._name_allowed_values()
        allowed = ", ".join(value for value, _label in rules)
        self.fields["rule"].error_messages["required"] = _("Choose an indicator: one of %(allowed)s.") % {
            "allowed": allowed
        }


class TrendFilter(_YearAndSurgeon, forms.Form):
    """Which trend: the rule (``S1_30d``), optionally one disease area, optionally only one's own cases."""

    rule = forms.ChoiceField(label=_("Indicator"), required=False)
    disease_area = forms.ChoiceField(
        label=_("Disease area"), required=False, choices=[("", _("All disease areas")), *DiseaseArea.choices]
    )
    own = forms.BooleanField(label=_("Only my operations"), required=False)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = list(rules)
        self._name_allowed_values()


class MyOutcomesFilter(QualityFilter):
    """ "My outcomes": the quality filter, plus the learning curve's outcome, procedure group and the
    four parameters of the failure CUSUM (outcomes.md 5.3: "make all four configurable")."""

    curve = forms.ChoiceField(label=_("Learning curve: outcome"), required=False)
    group = forms.ChoiceField(label=_("Procedure group"), required=False)
    p0 = forms.FloatField(
        label=_("Acceptable rate p0"),
        required=False,
        min_value=0.001,
        max_value=0.999,
        widget=forms.NumberInput(attrs={"placeholder": "0.10", "step": "any"}),
    )
    p1 = forms.FloatField(
        label=_("Unacceptable rate p1"),
        required=False,
        min_value=0.001,
        max_value=0.999,
        widget=forms.NumberInput(attrs={"placeholder": "0.20", "step": "any"}),
    )
    alpha = forms.FloatField(
        label=_("alpha"),
        required=False,
        min_value=0.001,
        max_value=0.499,
        widget=forms.NumberInput(attrs={"placeholder": "0.05", "step": "any"}),
    )
    beta = forms.FloatField(
        label=_("beta"),
        required=False,
        min_value=0.001,
        max_value=0.499,
        widget=forms.NumberInput(attrs={"placeholder": "0.05", "step": "any"}),
    )

    def __init__(self, *args, rules=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curve"].choices = list(rules)
        self.fields["group"].choices = [("", _("All procedure groups")), *groups]
        self._name_allowed_values()

    def clean(self):
        cleaned = super().clean()
        p0, p1 = cleaned.get("p0"), cleaned.get("p1")
        if p0 is not None and p1 is not None and p1 <= p0:
            self.add_error("p1", _("p1 must be greater than p0 (%(p0)s).") % {"p0": p0})
        return cleaned
