"""Input checks for the operation, sign and complication pages; the services hold the shared rules.

The operation form is one screen a surgeon fills in for a typical lumbar fusion in under two
minutes: today's date, the current admission, the latest diagnosis, the surgeon as primary surgeon,
posterior open approach and ASA II are preselected, so a fusion needs levels, procedures and times.
"""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.accounts.choices import Role
from openspine.accounts.models import User
from openspine.core import levels
from openspine.surgery.choices import (
    PROCEDURE_GROUPS,
    AsaGrade,
    ImplantKind,
    OperationKind,
    TeamRole,
)
from openspine.surgery.models import Complication, Operation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

GROUP_LABELS = {
    "decompression": _("Decompression"),
    "discectomy": _("Discectomy"),
    "fusion": _("Fusion"),
    "stabilisation": _("Stabilisation"),
    "arthroplasty": _("Arthroplasty"),
    "laminoplasty": _("Laminoplasty"),
    "augmentation": _("Vertebral augmentation"),
    "osteotomy": _("Osteotomy"),
    "tumour": _("Tumour"),
    "infection": _("Infection"),
    "deformity": _("Deformity"),
    "other": _("Other"),
}
PROCEDURE_CHOICES = [
    (GROUP_LABELS[group], [(p.value, p.label) for p in members])
    for group, members in PROCEDURE_GROUPS.items()
]
# Quick picks for the level selectors: the ranges the department operates on most often.
LEVEL_CHIPS = ["L4-L5", "L5-S1", "L4-S1", "L3-L5", "L3-S1", "C5-C6", "C4-C6", "C3-C7"]
TEAM_FIELDS = {
    "assistants": TeamRole.ASSISTANT,
    "resident_operators": TeamRole.RESIDENT_OPERATOR,
    "anaesthetists": TeamRole.ANAESTHETIST,
}


def _level_field(label):
    return forms.TypedChoiceField(
        label=label, choices=[("", "—"), *levels.CHOICES], coerce=int, empty_value=None, required=False
    )


def _staff(department, roles):
    return User.objects.filter(department=department, is_active=True, role__in=roles).order_by(
        "display_name", "username"
    )


def _team_field(label):
    return forms.ModelMultipleChoiceField(
        label=label, queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )


class OperationForm(forms.ModelForm):
    """The whole operation record on one screen; the service validates it as a whole."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    started_at = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    ended_at = forms.TimeField(
        label=_("End time"), widget=TIME_INPUT, help_text=_("An end before the start means the next day.")
    )
    level_from = _level_field(_("From level"))
    level_to = _level_field(_("To level"))
    procedures = forms.MultipleChoiceField(
        label=_("Procedures"), choices=PROCEDURE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    assistants = _team_field(_("Assistants"))
    resident_operators = _team_field(_("Resident operators"))
    anaesthetists = _team_field(_("Anaesthetists"))
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("This record is signed: say why it changes. The reason is kept in its history."),
    )

    class Meta:
        model = Operation
        fields = [
            "performed_on",
            "admission",
            "diagnosis",
            "kind",
            "revision_of",
            "primary_surgeon",
            "asa_grade",
            "asa_emergency",
            "level_from",
            "level_to",
            "approach",
            "technique",
            "navigation",
            "robot",
            "neuromonitoring",
            "blood_loss_ml",
            "transfusion_units",
            "note",
        ]
        widgets = {
            "performed_on": DATE_INPUT,
            "approach": forms.RadioSelect,
            "technique": forms.RadioSelect,
            "asa_grade": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, patient, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["admission"].queryset = patient.admissions.all()
        self.fields["diagnosis"].queryset = patient.diagnoses.all()
        self.fields["revision_of"].queryset = patient.operations.exclude(pk=self.instance.pk)
        self.fields["primary_surgeon"].queryset = _staff(patient.department, [Role.SURGEON, Role.DIRECTOR])
        self.fields["assistants"].queryset = _staff(
            patient.department, [Role.SURGEON, Role.DIRECTOR, Role.RESIDENT]
        )
        self.fields["resident_operators"].queryset = _staff(patient.department, [Role.RESIDENT])
        self.fields["anaesthetists"].queryset = _staff(patient.department, [Role.ANAESTHETIST])
        self.fields["asa_grade"].choices = AsaGrade.choices
        self.fields["kind"].choices = OperationKind.choices
        self.fields["approach"].choices = self.fields["approach"].choices[1:]
        self.fields["technique"].choices = self.fields["technique"].choices[1:]
        if self.instance.pk:
            self._initial_from_instance()
        else:
            self._initial_defaults(user)
        self.fields["reason"].required = self.amending

    @property
    def amending(self) -> bool:
        return bool(self.instance.pk and self.instance.was_signed)

    def _initial_defaults(self, user):
        admissions = list(self.patient.admissions.all())
        current = next(
            (a for a in admissions if a.discharged_on is None), admissions[0] if admissions else None
        )
        diagnosis = self.patient.diagnoses.order_by("-diagnosed_on", "-created_at").first()
        self.initial.update(
            {
                "performed_on": timezone.localdate(),
                "admission": current.pk if current else None,
                "diagnosis": diagnosis.pk if diagnosis else None,
                # The diagnosed levels are usually the operated ones; the chips change them in one click.
                "level_from": diagnosis.level_from if diagnosis else None,
                "level_to": diagnosis.level_to if diagnosis else None,
                "primary_surgeon": user.pk if user.role in (Role.SURGEON, Role.DIRECTOR) else None,
                "approach": "posterior",
                "technique": "open",
                "asa_grade": AsaGrade.II,
                "kind": OperationKind.INDEX,
            }
        )

    def _initial_from_instance(self):
        op = self.instance
        team = list(op.team.all())
        self.initial.update(
            {
                "version": op.version,
                "started_at": timezone.localtime(op.started_at).time(),
                "ended_at": timezone.localtime(op.ended_at).time(),
                "procedures": list(op.procedures.values_list("code", flat=True)),
                **{name: [m.user_id for m in team if m.role == role] for name, role in TEAM_FIELDS.items()},
            }
        )

    def _post_clean(self):
        # The service validates the record as a whole (with its children) inside one transaction;
        # running the model checks here too would report each error twice and touch the instance.
        pass

    def service_fields(self) -> dict:
        """Return the keyword arguments for ``create_operation`` / ``update_operation``."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        day = data["performed_on"]
        start = timezone.make_aware(datetime.combine(day, self.cleaned_data["started_at"]))
        end = timezone.make_aware(datetime.combine(day, self.cleaned_data["ended_at"]))
        if end <= start:
            end += timedelta(days=1)
        data["started_at"], data["ended_at"] = start, end
        data["procedures"] = self.cleaned_data["procedures"]
        data["team"] = [
            (user, role) for name, role in TEAM_FIELDS.items() for user in self.cleaned_data[name]
        ]
        return data


class ImplantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Implant"), choices=[("", "—"), *ImplantKind.choices])
    count = forms.IntegerField(label=_("Count"), min_value=1, max_value=99, initial=1)
    lot_number = forms.CharField(label=_("Lot number"), max_length=60, required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=80, required=False)


ImplantFormSet = forms.formset_factory(ImplantForm, extra=3)


def implant_formset(data=None, operation=None):
    """Return the implant rows: existing ones for an edit, plus empty rows to fill in."""
    initial = []
    if operation is not None and operation.pk:
        initial = list(operation.implants.values("kind", "count", "lot_number", "manufacturer"))
    return ImplantFormSet(data, prefix="implants", initial=initial)


def implant_rows(formset) -> list[dict]:
    """Return the filled-in implant rows of a valid formset, skipping untouched empty rows."""
    return [
        {key: form.cleaned_data[key] for key in ("kind", "count", "lot_number", "manufacturer")}
        for form in formset
        if form.has_changed() and form.cleaned_data.get("kind")
    ]


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to confirm that you are the one signing."),
    )
    code = forms.CharField(
        label=_("Authenticator code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The current 6-digit code from your authenticator app."),
    )

    def __init__(self, *args, needs_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class ComplicationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Complication
        fields = [
            "category",
            "timing",
            "onset_on",
            "clavien_dindo",
            "present_at_discharge",
            "reoperation",
            "caused_readmission",
            "resolved",
            "reported_by",
            "note",
        ]
        widgets = {
            "onset_on": DATE_INPUT,
            "clavien_dindo": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reoperation"].queryset = operation.patient.operations.exclude(pk=operation.pk)
        self.fields["clavien_dindo"].choices = self.fields["clavien_dindo"].choices[1:]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.initial.setdefault("onset_on", timezone.localdate())
            self.initial.setdefault("reported_by", "surgeon")

    def _post_clean(self):
        # As for operations: the service runs the model checks once, inside its transaction.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
