"""Forms for the second factor, the session list and the security administrator's staff page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.accounts.choices import Role


class MfaVerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class MfaEnrolForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed again to add or replace an authenticator."),
    )
    code = forms.CharField(
        label=_("First code"),
        max_length=10,
        help_text=_("The 6-digit code the app shows after adding the key."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(forms.Form):
    """Name a new API token; the code is asked for when the session has not passed the second factor."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. the script or computer that uses it."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class StaffUpdateForm(forms.Form):
    """One change to a staff account made by the security administrator."""

    ACTIONS = [
        ("grant", _("Grant role")),
        ("disable", _("Disable account")),
        ("enable", _("Enable account")),
        ("end_sessions", _("End all sessions")),
        ("unlock", _("Unlock after failed sign-ins")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "grant" and not data.get("role"):
            self.add_error("role", _("Choose the role to grant."))
        return data
