"""Input checks of the research pages: projects, approvals, cohort criteria and export requests."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.core import levels
from openspine.patients.choices import DiseaseArea
from openspine.research.choices import (
    PROCEDURE_GROUP_LABELS,
    ComplicationFilter,
    ExportFormat,
    ExportLayout,
    ExportMode,
)
from openspine.research.criteria import CriteriaError, instrument_codes, parse, timepoint_labels
from openspine.research.models import EthicsApproval, ResearchProject
from openspine.surgery.choices import PROCEDURE_GROUPS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ResearchProject
        fields = [
            "short_code",
            "title",
            "principal_investigator",
            "funder",
            "funding_level",
            "grant_number",
            "amount_yuan",
            "start_on",
            "end_on",
            "status",
            "dua_reference",
        ]
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        from openspine.accounts.models import User

        self.fields["principal_investigator"].queryset = User.objects.filter(
            department=department, is_active=True
        )


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = EthicsApproval
        fields = ["committee", "number", "approved_on", "expires_on"]
        widgets = {"approved_on": DATE, "expires_on": DATE}


def _blank(choices):
    return [("", "—"), *choices]


class CriteriaForm(forms.Form):
    """The cohort builder; :meth:`criteria` turns the fields into criteria data checked by ``parse``."""

    name = forms.CharField(label=_("Cohort name"), max_length=200, required=False)
    disease_areas = forms.MultipleChoiceField(
        label=_("Disease areas"),
        choices=DiseaseArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    icd10 = forms.CharField(
        label=_("ICD-10 codes or prefixes"),
        required=False,
        help_text=_("Separated by commas, e.g. M51, M48.0."),
    )
    procedure_groups = forms.MultipleChoiceField(
        label=_("Procedure groups"), required=False, widget=forms.CheckboxSelectMultiple
    )
    level_from = forms.ChoiceField(label=_("Levels from"), required=False)
    level_to = forms.ChoiceField(label=_("Levels to"), required=False)
    performed_from = forms.DateField(label=_("Operated from"), required=False, widget=DATE)
    performed_to = forms.DateField(label=_("Operated until"), required=False, widget=DATE)
    age_min = forms.IntegerField(label=_("Age at operation from"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Age at operation to"), required=False, min_value=0, max_value=120)
    baseline_instrument = forms.ChoiceField(label=_("Baseline score of"), required=False)
    baseline_min = forms.FloatField(label=_("Baseline score from"), required=False)
    baseline_max = forms.FloatField(label=_("Baseline score to"), required=False)
    follow_up_instrument = forms.ChoiceField(label=_("Completed follow-up of"), required=False)
    follow_up_timepoint = forms.ChoiceField(label=_("At timepoint"), required=False)
    complications = forms.ChoiceField(
        label=_("Complications"), choices=_blank(ComplicationFilter.choices), required=False
    )
    include_revisions = forms.BooleanField(label=_("Include revisions"), required=False)

    FIELD_OF = {"baseline": "baseline_instrument", "follow_up": "follow_up_instrument", "criteria": None}

    def __init__(self, *args, require_name=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_name = require_name
        self.fields["procedure_groups"].choices = [
            (group, PROCEDURE_GROUP_LABELS.get(group, group)) for group in PROCEDURE_GROUPS
        ]
        level_choices = _blank([(label, label) for label in levels.LABELS])
        self.fields["level_from"].choices = level_choices
        self.fields["level_to"].choices = level_choices
        instruments = _blank([(code, code) for code in instrument_codes()])
        self.fields["baseline_instrument"].choices = instruments
        self.fields["follow_up_instrument"].choices = instruments
        self.fields["follow_up_timepoint"].choices = _blank([(label, label) for label in timepoint_labels()])

    @classmethod
    def initial_from(cls, criteria: dict) -> dict:
        """Form initial values from stored criteria data."""
        baseline, follow_up = criteria.get("baseline") or {}, criteria.get("follow_up") or {}
        initial = {key: value for key, value in criteria.items() if key not in ("baseline", "follow_up")}
        initial["icd10"] = ", ".join(criteria.get("icd10") or [])
        initial.update(
            baseline_instrument=baseline.get("instrument", ""),
            baseline_min=baseline.get("min"),
            baseline_max=baseline.get("max"),
            follow_up_instrument=follow_up.get("instrument", ""),
            follow_up_timepoint=follow_up.get("timepoint", ""),
        )
        return initial

    def clean(self):
        data = super().clean()
        if self.require_name and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the cohort a name."))
        try:
            self.checked = parse(self.criteria_data(data))
        except CriteriaError as error:
            for key, message in error.errors.items():
                field = self.FIELD_OF.get(key, key)
                self.add_error(field if field in self.fields else None, message)
        return data

    def criteria_data(self, data=None) -> dict:
        data = data if data is not None else self.cleaned_data
        result = {
            "disease_areas": data.get("disease_areas") or [],
            "icd10": data.get("icd10") or "",
            "procedure_groups": data.get("procedure_groups") or [],
            "level_from": data.get("level_from") or "",
            "level_to": data.get("level_to") or "",
            "performed_from": data.get("performed_from"),
            "performed_to": data.get("performed_to"),
            "age_min": data.get("age_min"),
            "age_max": data.get("age_max"),
            "complications": data.get("complications") or "",
            "include_revisions": bool(data.get("include_revisions")),
        }
        if data.get("baseline_instrument"):
            result["baseline"] = {
                "instrument": data["baseline_instrument"],
                "min": data.get("baseline_min"),
                "max": data.get("baseline_max"),
            }
        if data.get("follow_up_instrument") or data.get("follow_up_timepoint"):
            result["follow_up"] = {
                "instrument": data.get("follow_up_instrument"),
                "timepoint": data.get("follow_up_timepoint"),
            }
        return result


class ExportForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    layout = forms.ChoiceField(label=_("Layout"), choices=ExportLayout.choices, initial=ExportLayout.LONG)
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.CSV)
    mode = forms.ChoiceField(
        label=_("De-identification"), choices=ExportMode.choices, initial=ExportMode.DEIDENTIFIED
    )
