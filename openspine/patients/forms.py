"""Input checks for patients, admissions and diagnoses; model ``clean()`` holds the shared rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.core import levels
from openspine.core.validators import normalise_mobile, normalise_national_id
from openspine.patients.models import Admission, ConsentRecord, Diagnosis, Patient

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.ModelForm):
    """A model form that carries the record version it was loaded with (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PatientForm(VersionedForm):
    class Meta:
        model = Patient
        fields = [
            "mrn",
            "name",
            "sex",
            "birth_date",
            "national_id",
            "phone",
            "preferred_language",
            "contact_consent",
        ]
        widgets = {"birth_date": DATE_INPUT}

    def clean_national_id(self):
        return normalise_national_id(self.cleaned_data["national_id"])

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])


class AdmissionForm(VersionedForm):
    class Meta:
        model = Admission
        fields = [
            "admission_number",
            "admitted_on",
            "discharged_on",
            "ward",
            "discharge_destination",
            "unplanned_readmission",
        ]
        widgets = {"admitted_on": DATE_INPUT, "discharged_on": DATE_INPUT}


class DiagnosisForm(VersionedForm):
    level_from = forms.TypedChoiceField(
        label=_("from level"),
        choices=[("", "—"), *levels.CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    level_to = forms.TypedChoiceField(
        label=_("to level"),
        choices=[("", "—"), *levels.CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Diagnosis
        fields = [
            "disease_area",
            "icd10",
            "level_from",
            "level_to",
            "side",
            "diagnosed_on",
            "admission",
            "note",
        ]
        widgets = {"diagnosed_on": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admission"].queryset = patient.admissions.all()

    def clean_icd10(self):
        return self.cleaned_data["icd10"].strip().upper()


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Hospital number, name, national ID number, full phone number or its last four digits."),
    )


class ConsentForm(forms.ModelForm):
    """A consent decision as a coordinator records it; the text version defaults to the current one."""

    class Meta:
        model = ConsentRecord
        fields = ["kind", "granted", "channel", "text_version", "witness"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text_version"].required = False
        self.fields["text_version"].help_text = _("Leave empty for the current text.")
