"""The light identity check a patient passes before anything personal is shown (T-31)."""

import hmac

from django import forms
from django.utils.translation import gettext_lazy as _


class IdentityForm(forms.Form):
    """Birth year and the last four digits of the phone on record (REDCap's "Survey Login")."""

    birth_year = forms.CharField(
        label=_("Your year of birth"),
        help_text=_("Four digits, for example 1950."),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )
    phone_last4 = forms.CharField(
        label=_("The last four digits of your mobile phone number"),
        help_text=_("The number the hospital has on record."),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self._expected = {"birth_year": str(patient.birth_date.year), "phone_last4": patient.phone_last4}
        # True only when well-formed answers were wrong: that is a guess and counts toward lockout.
        self.failed_check = False
        if not patient.phone_last4:
            del self.fields["phone_last4"]

    def clean_birth_year(self):
        return _four_digits(
            self.cleaned_data["birth_year"], _("Enter the four digits of your year of birth.")
        )

    def clean_phone_last4(self):
        return _four_digits(self.cleaned_data["phone_last4"], _("Enter exactly four digits."))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        matches = [hmac.compare_digest(cleaned[name], self._expected[name]) for name in self.fields]
        if not all(matches):
            self.failed_check = True
            raise forms.ValidationError(
                _("These answers do not match our records. Please check them and try again.")
            )
        return cleaned


def _four_digits(value: str, message) -> str:
    value = value.strip()
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        raise forms.ValidationError(message)
    return value
