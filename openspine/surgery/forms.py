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
    LEGACY_TEAM_ROLES,
    PROCEDURE_GROUPS,
    AsaGrade,
    ImplantKind,
    OperationKind,
    Portion,
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
# Team fields by role (teaching.md 2.1): one person each for the 病案首页 roles, several observers.
SINGLE_TEAM_FIELDS = {
    "trainee_surgeon": TeamRole.PRIMARY_SURGEON,
    "first_assistant": TeamRole.ASSISTANT_1,
    "second_assistant": TeamRole.ASSISTANT_2,
    "teaching_assistant": TeamRole.TEACHING_ASSISTANT,
}
MULTI_TEAM_FIELDS = {
    "observers": TeamRole.OBSERVER,
    "anaesthetists": TeamRole.ANAESTHETIST,
    # Recorded before the teaching roles; shown only on records that have them (choices.py).
    "assistants": TeamRole.ASSISTANT,
    "resident_operators": TeamRole.RESIDENT_OPERATOR,
}
TEAM_FIELDS = {**SINGLE_TEAM_FIELDS, **MULTI_TEAM_FIELDS}
LEGACY_TEAM_FIELDS = ("assistants", "resident_operators")


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


def _team_member_field(label):
    return forms.ModelChoiceField(label=label, queryset=User.objects.none(), required=False)


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
    trainee_surgeon = _team_member_field(_("Trainee as operating surgeon (术者)"))
    first_assistant = _team_member_field(_("First assistant (I助)"))
    second_assistant = _team_member_field(_("Second assistant (II助)"))
    teaching_assistant = _team_member_field(_("Teaching assistant"))
    trainee_portion = forms.MultipleChoiceField(
        label=_("Portion the trainee did"),
        choices=Portion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Of the trainee surgeon or, if none, the first assistant."),
    )
    observers = _team_field(_("Observers"))
    anaesthetists = _team_field(_("Anaesthetists"))
    assistants = _team_field(_("Assistants (recorded before I助/II助)"))
    resident_operators = _team_field(_("Resident operators (recorded before teaching roles)"))
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
        self._team_querysets(patient.department)
        self.fields["asa_grade"].choices = AsaGrade.choices
        self.fields["kind"].choices = OperationKind.choices
        self.fields["approach"].choices = self.fields["approach"].choices[1:]
        self.fields["technique"].choices = self.fields["technique"].choices[1:]
        if self.instance.pk:
            self._initial_from_instance()
        else:
            self._initial_defaults(user)
        self.fields["reason"].required = self.amending

    def _team_querysets(self, department):
        surgeons = _staff(department, [Role.SURGEON, Role.DIRECTOR, Role.RESIDENT])
        residents = _staff(department, [Role.RESIDENT])
        for name in ("first_assistant", "second_assistant", "assistants"):
            self.fields[name].queryset = surgeons
        # Observers are trainees watching; the attendings already have their own roles.
        for name in ("trainee_surgeon", "teaching_assistant", "observers", "resident_operators"):
            self.fields[name].queryset = residents
        self.fields["anaesthetists"].queryset = _staff(department, [Role.ANAESTHETIST])
        legacy = set()
        if self.instance.pk:
            legacy = set(self.instance.team.filter(role__in=LEGACY_TEAM_ROLES).values_list("role", flat=True))
        for name in LEGACY_TEAM_FIELDS:
            if TEAM_FIELDS[name] not in legacy:
                del self.fields[name]

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
        by_role = {role: [m for m in team if m.role == role] for role in TeamRole.values}
        portion_of = by_role[TeamRole.PRIMARY_SURGEON] or by_role[TeamRole.ASSISTANT_1]
        self.initial.update(
            {
                "version": op.version,
                "started_at": timezone.localtime(op.started_at).time(),
                "ended_at": timezone.localtime(op.ended_at).time(),
                "procedures": list(op.procedures.values_list("code", flat=True)),
                **{name: [m.user_id for m in by_role[role]] for name, role in MULTI_TEAM_FIELDS.items()},
                **{
                    name: by_role[role][0].user_id if by_role[role] else None
                    for name, role in SINGLE_TEAM_FIELDS.items()
                },
                "trainee_portion": portion_of[0].portion if portion_of else [],
            }
        )

    def clean(self):
        cleaned = super().clean()
        has_trainee = cleaned.get("trainee_surgeon") or cleaned.get("first_assistant")
        if cleaned.get("trainee_portion") and not has_trainee:
            self.add_error(
                "trainee_portion",
                _("Choose the trainee surgeon or the first assistant who did this portion."),
            )
        return cleaned

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
        data["team"] = self._team()
        return data

    def _team(self) -> list[tuple]:
        """Return (user, role, portion) triples; the portion goes to the trainee surgeon, else I助."""
        cleaned = self.cleaned_data
        portion_to = "trainee_surgeon" if cleaned.get("trainee_surgeon") else "first_assistant"
        team = [
            (cleaned[name], role, cleaned["trainee_portion"] if name == portion_to else [])
            for name, role in SINGLE_TEAM_FIELDS.items()
            if cleaned.get(name)
        ]
        team += [
            (user, role, [])
            for name, role in MULTI_TEAM_FIELDS.items()
            if name in self.fields
            for user in cleaned[name]
        ]
        return team


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
