"""Input checks for confirming and rating entries; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.teaching.choices import CreditRole, Zwisch
from openspine.teaching.models import RequirementSet


class ConfirmForm(forms.Form):
    zwisch = forms.ChoiceField(label=_("Zwisch level"), choices=Zwisch.choices, widget=forms.RadioSelect)
    credit_role = forms.ChoiceField(
        label=_("Correct the credit"), choices=[("", "—"), *CreditRole.choices], required=False
    )


class RateForm(forms.Form):
    zwisch = forms.ChoiceField(
        label=_("Your own Zwisch rating"), choices=Zwisch.choices, widget=forms.RadioSelect
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with this entry?"), max_length=500)


class RequirementSetFilter(forms.Form):
    requirement_set = forms.ModelChoiceField(
        label=_("Requirement set"),
        queryset=RequirementSet.objects.all(),
        required=False,
        to_field_name="code",
    )
