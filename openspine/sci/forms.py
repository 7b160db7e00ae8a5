"""The ISNCSCI worksheet form and the CSV import form.

The worksheet: one text cell per score, named as the flat worksheet columns.

Cells take exactly the values of the 2019 standard (``0``-``5``, ``NT`` and the ``*``/``**`` tags);
lower-case ``nt`` is upper-cased, everything else is refused with the allowed values. Empty cells
are allowed while typing (the live classification just waits) but not when saving.
"""

import csv
import io

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.accounts.models import User
from openspine.accounts.roles import CLINICAL_ROLES
from openspine.patients.models import Admission
from openspine.sci.choices import ExamContext
from openspine.sci.models import IsncsciExam
from openspine.surgery.models import Operation
from spinescores.isncsci import COLUMNS, exam_from_row, row_from_exam
from spinescores.isncsci.exam import KEY_MUSCLES, MOTOR_VALUES, SENSORY_LEVELS, SENSORY_VALUES

# HTML patterns of the allowed cells (the server checks the exact sets again).
MOTOR_PATTERN = r"[0-4]\*{0,2}|5|[Nn][Tt]\*{0,2}"
SENSORY_PATTERN = r"[01]\*{0,2}|2|[Nn][Tt]\*{0,2}"
SIDE_LABELS = {"R": _("Right"), "L": _("Left")}
SCORE_LABELS = {"motor": _("motor"), "light_touch": _("light touch"), "pin_prick": _("pin prick")}
# Reference section 1: the non-key muscle functions the 2019 worksheet maps to each root.
NON_KEY_FUNCTIONS = {
    "C5": _("shoulder movements, elbow supination"),
    "C6": _("elbow pronation, wrist flexion"),
    "C7": _("finger flexion at the proximal joint, finger extension, thumb in the plane of the thumb"),
    "C8": _("finger flexion at the MCP joint, thumb opposition, adduction, perpendicular abduction"),
    "T1": _("index finger abduction"),
    "L2": _("hip adduction"),
    "L3": _("hip external rotation"),
    "L4": _(
        "hip extension, abduction, internal rotation, knee flexion, ankle inversion/eversion, toe extension"
    ),
    "L5": _("hallux and toe DIP/PIP flexion and abduction"),
    "S1": _("hallux adduction"),
}
NON_KEY_CHOICES = [("", _("none")), *((root, f"{root} · {text}") for root, text in NON_KEY_FUNCTIONS.items())]
ANAL_CHOICES = [("", "—"), ("Yes", _("Yes")), ("No", _("No")), ("NT", _("NT (not testable)"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def level_label(level: str) -> str:
    return level.replace("_", "-")


def _cell_field(prefix: str, level: str, score: str) -> forms.CharField:
    pattern = MOTOR_PATTERN if score == "motor" else SENSORY_PATTERN
    label = f"{SIDE_LABELS[prefix]} {level_label(level)} {SCORE_LABELS[score]}"
    attrs = {
        "class": f"cell cell-{score}",
        "pattern": pattern,
        "maxlength": 4,
        "size": 3,
        "autocomplete": "off",
        "spellcheck": "false",
        "autocapitalize": "characters",
        "data-normal": "5" if score == "motor" else "2",
        "aria-label": label,
        "title": label,
    }
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


class ExamForm(forms.ModelForm):
    """The worksheet plus when, why and by whom; ``exam()`` returns the interchange format."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IsncsciExam
        fields = ["examined_on", "context", "examiner", "admission", "operation", "comments"]
        widgets = {"examined_on": DATE_INPUT, "comments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, patient, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["context"].choices = ExamContext.choices
        self.fields["examiner"].queryset = User.objects.filter(
            department_id=patient.department_id, is_active=True, role__in=CLINICAL_ROLES
        ).order_by("display_name", "username")
        self.fields["examiner"].required = False  # left empty: the person saving examined
        if user is not None and not self.instance.pk:
            self.initial.setdefault("examiner", user.pk)
        self.fields["admission"].queryset = Admission.objects.filter(patient=patient)
        self.fields["operation"].queryset = Operation.objects.filter(patient=patient)
        for prefix in ("R", "L"):
            for level in KEY_MUSCLES:
                self.fields[f"{prefix}_{level}_motor"] = _cell_field(prefix, level, "motor")
            for score in ("light_touch", "pin_prick"):
                for level in SENSORY_LEVELS:
                    self.fields[f"{prefix}_{level}_{score}"] = _cell_field(prefix, level, score)
            self.fields[f"{prefix}_lowest_non_key_muscle"] = forms.ChoiceField(
                label=_("%(side)s: lowest non-key muscle with motor function")
                % {"side": SIDE_LABELS[prefix]},
                choices=NON_KEY_CHOICES,
                required=False,
            )
        self.fields["VAC"] = forms.ChoiceField(
            label=_("Voluntary anal contraction (VAC)"), choices=ANAL_CHOICES
        )
        self.fields["DAP"] = forms.ChoiceField(label=_("Deep anal pressure (DAP)"), choices=ANAL_CHOICES)
        if self.instance.pk and not self.is_bound:
            self.initial.update(row_from_exam(self.instance.exam))
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("examiner") and self.instance.pk:
            cleaned["examiner"] = self.instance.examiner  # a correction keeps the examiner unless changed
        for name in COLUMNS:
            if name.endswith("_motor") or name.endswith("_touch") or name.endswith("_prick"):
                self._clean_cell(name, cleaned)
        return cleaned

    def _clean_cell(self, name: str, cleaned: dict) -> None:
        value = (cleaned.get(name) or "").strip().upper()
        allowed = MOTOR_VALUES if name.endswith("_motor") else SENSORY_VALUES
        if value and value not in allowed:
            self.add_error(
                name,
                _("%(cell)s: “%(value)s” is not allowed; allowed values: %(allowed)s.")
                % {"cell": self.fields[name].label, "value": value, "allowed": ", ".join(allowed)},
            )
        cleaned[name] = value

    def empty_cells(self) -> list[str]:
        """Return the labels of the cells still empty (only valid after ``is_valid``)."""
        return [
            str(self.fields[name].label)
            for name in COLUMNS
            if not name.endswith("_lowest_non_key_muscle") and not self.cleaned_data.get(name)
        ]

    def require_complete(self) -> bool:
        """Put an error on every empty cell; return True if the worksheet is complete."""
        for name in COLUMNS:
            if name.endswith("_lowest_non_key_muscle") or name in self.errors or self.cleaned_data.get(name):
                continue
            self.add_error(
                name, _("%(cell)s: enter a value (NT if not testable).") % {"cell": self.fields[name].label}
            )
        return not self.errors

    def exam(self) -> dict:
        """Return the worksheet in the ISNCSCI interchange format."""
        return exam_from_row({name: self.cleaned_data.get(name) or "" for name in COLUMNS})

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if fields["examiner"] is None:
            del fields["examiner"]
        return fields

    # The worksheet layout, column by column so that Tab walks down a column as on paper.
    def worksheet_columns(self) -> list[dict]:
        def column(prefix, score, heading):
            cells = []
            for level in SENSORY_LEVELS:
                name = f"{prefix}_{level}_{score}"
                cells.append(self[name] if name in self.fields else None)
            return {"heading": heading, "side": prefix, "score": score, "cells": cells}

        levels = {
            "heading": "",
            "side": "",
            "score": "level",
            "labels": [level_label(lv) for lv in SENSORY_LEVELS],
        }
        return [
            levels,
            column("R", "motor", _("Motor")),
            column("R", "light_touch", _("LT")),
            column("R", "pin_prick", _("PP")),
            column("L", "light_touch", _("LT")),
            column("L", "pin_prick", _("PP")),
            column("L", "motor", _("Motor")),
            levels,
        ]

    def anal_fields(self):
        return [self["VAC"], self["DAP"]]

    def non_key_fields(self):
        return [self["R_lowest_non_key_muscle"], self["L_lowest_non_key_muscle"]]

    def errors_on_cells(self) -> list[str]:
        return [str(e) for name in COLUMNS for e in self.errors.get(name, [])]


IMPORT_MAX_BYTES = 1_000_000
IMPORT_MAX_ROWS = 500
IMPORT_REQUIRED = ("examined_on", "context", *COLUMNS)


class ImportForm(forms.Form):
    """A CSV file of worksheet rows (UTF-8, header row first), as written by the export."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One exam per row: examined_on (YYYY-MM-DD), context, the worksheet columns R_C5_motor .. DAP, "
            "and optionally comments. Other columns are ignored."
        ),
    )

    def clean_file(self) -> list[dict]:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; split it into smaller files."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [column for column in IMPORT_REQUIRED if column not in (reader.fieldnames or [])]
        if missing:
            raise forms.ValidationError(
                _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing[:10])}
            )
        rows = list(reader)
        if not rows:
            raise forms.ValidationError(_("The file has a header but no exam."))
        if len(rows) > IMPORT_MAX_ROWS:
            raise forms.ValidationError(_("At most %(max)s exams per file.") % {"max": IMPORT_MAX_ROWS})
        return rows
