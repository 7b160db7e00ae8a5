"""Coordinator forms: a phone call outcome, cancelling follow-ups, entering a questionnaire."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.patients.choices import Language
from openspine.proms.choices import CallOutcome, CancelReason, ResponseMode
from openspine.proms.instruments import NOT_APPLICABLE, form_items


class PhoneCallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Call outcome"), choices=CallOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CancelFollowUpsForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (CancelReason.LOST_TO_CONTACT.value, CancelReason.LOST_TO_CONTACT.label),
            (CancelReason.CONSENT_WITHDRAWN.value, CancelReason.CONSENT_WITHDRAWN.label),
            (CancelReason.DECEASED.value, CancelReason.DECEASED.label),
            (CancelReason.OTHER.value, CancelReason.OTHER.label),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


STAFF_MODES = [
    (ResponseMode.PHONE.value, ResponseMode.PHONE.label),
    (ResponseMode.CLINIC.value, ResponseMode.CLINIC.label),
]


class ResponseEntryForm(forms.Form):
    """A staff form for one instrument, built from the spinescores item metadata.

    Item fields are named by item id and left as strings; :func:`openspine.proms.instruments.parse_answers`
    types them and names any bad value. Every item may be left blank (missing), as on paper.
    """

    mode = forms.ChoiceField(label=_("How was it answered?"), choices=STAFF_MODES)
    language = forms.ChoiceField(label=_("Language of the questionnaire"), choices=Language.choices)

    def __init__(self, data=None, *, code: str, ui_language: str, initial=None):
        super().__init__(data, initial=initial)
        self.code = code
        for item in form_items(code, ui_language):
            self.fields[item.id] = self._field(item)

    @staticmethod
    def _field(item):
        if item.kind == "choice":
            choices = [(o.value, o.label) for o in item.options]
            if item.not_applicable_allowed:
                choices.append((NOT_APPLICABLE, _("Not applicable")))
            return forms.ChoiceField(
                label=item.label, choices=choices, required=False, widget=forms.RadioSelect
            )
        return forms.DecimalField(
            label=item.label, required=False, min_value=item.minimum, max_value=item.maximum
        )

    def item_fields(self):
        return [self[name] for name in self.fields if name not in ("mode", "language")]


BASELINE_WINDOW = "admission"


def timepoints_text(version) -> str:
    """Write a protocol version's timepoints one per line, in the format :class:`ProtocolForm` reads."""
    lines = []
    for tp in version.timepoints.all():
        window = (
            BASELINE_WINDOW
            if tp.is_baseline
            else f"{tp.offset_days} {tp.window_start_days} {tp.window_end_days}"
        )
        tasks = f" | {' '.join(tp.clinician_tasks)}" if tp.clinician_tasks else ""
        lines.append(f"{tp.label} {window}: {' '.join(tp.instruments)}{tasks}")
    return "\n".join(lines)


class ProtocolForm(forms.Form):
    """Edit a protocol's timepoints as text, one line each, saved as a new version.

    ``3m 90 60 120: odi nrs_back eq5d5l | mjoa`` = label, due day, window start and end (days after
    surgery), the patient's questionnaires, then after ``|`` the clinician-rated scores. The
    baseline reads ``baseline admission: ...`` (due from admission until the operation).
    """

    timepoints = forms.CharField(
        label=_("Timepoints"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "One line per timepoint: label, due day, window start and end (days after surgery), a colon, "
            "the patient questionnaires, then | and the clinician-rated scores. "
            "The baseline reads: baseline admission: odi nrs_back"
        ),
    )
    note = forms.CharField(label=_("Change note"), max_length=500, help_text=_("What changed and why."))

    def clean_timepoints(self):
        rows = [line.strip() for line in self.cleaned_data["timepoints"].splitlines() if line.strip()]
        if not rows:
            raise forms.ValidationError(_("Give at least one timepoint."))
        parsed = [self._parse(number, line) for number, line in enumerate(rows, start=1)]
        labels = [row["label"] for row in parsed]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            raise forms.ValidationError(
                _("Each label once only; repeated: %(labels)s.") % {"labels": ", ".join(repeated)}
            )
        return parsed

    @staticmethod
    def _parse(number: int, line: str) -> dict:
        head, _colon, codes = line.partition(":")
        words = head.split()
        instruments, _bar, tasks = codes.partition("|")
        data = {
            "label": words[0] if words else "",
            "instruments": instruments.split(),
            "clinician_tasks": tasks.split(),
        }
        if len(words) == 2 and words[1] == BASELINE_WINDOW:
            return {**data, "is_baseline": True}
        try:
            offset, start, end = (int(word) for word in words[1:])
        except ValueError:
            raise forms.ValidationError(
                _("Line %(number)s: write label, due day, window start, window end, a colon, then the codes.")
                % {"number": number}
            ) from None
        return {**data, "offset_days": offset, "window_start_days": start, "window_end_days": end}
