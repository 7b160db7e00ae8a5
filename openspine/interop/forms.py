"""Input checks of the import pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openspine.interop.adapters.frontpage import FIELDS, WIDE_FIELDS
from openspine.interop.choices import CodeEdition

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    hospital = forms.CharField(
        label=_("Hospital"), max_length=60, initial="main", help_text=_("Its saved column mapping is used.")
    )
    file = forms.FileField(label=_("病案首页 export"), help_text=_(".xlsx, .xls or .csv (UTF-8 or GB18030)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; split the export."))
        return upload


class CommitForm(forms.Form):
    accept_partial = forms.BooleanField(
        label=_("Commit accepted rows only"),
        required=False,
        help_text=_("Rejected and conflicting rows are left out and listed in the batch log."),
    )


class MappingForm(forms.Form):
    """One text box per field: the header of that column in the hospital's export."""

    mrn_width = forms.IntegerField(
        label=_("病案号 width"),
        min_value=0,
        max_value=32,
        help_text=_("Digits of a 病案号 with its leading zeros; 0 to leave as is."),
    )
    default_edition = forms.ChoiceField(label=_("Code edition"), choices=CodeEdition.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (label, _default, required) in FIELDS.items():
            self.fields[f"col_{key}"] = forms.CharField(label=label, max_length=60, required=required)
        for key, (label, _default) in WIDE_FIELDS.items():
            self.fields[f"col_{key}"] = forms.CharField(
                label=label, max_length=60, required=False, help_text=_("{n} stands for 1, 2, 3, …")
            )

    def clean(self):
        data = super().clean()
        for key in WIDE_FIELDS:
            value = data.get(f"col_{key}")
            if value and "{n}" not in value:
                self.add_error(f"col_{key}", _("Put {n} where the number of the repeated column goes."))
        return data

    @property
    def columns(self) -> dict:
        return {
            name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("col_") and value
        }


class MergeForm(forms.Form):
    survivor_mrn = forms.CharField(label=_("病案号 to keep"), max_length=32)
    duplicate_mrn = forms.CharField(
        label=_("病案号 to merge into it"),
        max_length=32,
        help_text=_("Its stays, operations, follow-ups and exams move."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
