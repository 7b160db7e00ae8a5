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
