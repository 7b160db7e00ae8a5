"""Input checks for the film upload; landmarks are checked by the service (they arrive as JSON)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.imaging.choices import FilmView


class FilmUploadForm(forms.Form):
    """A film file, its view and date, and optionally the operation or follow-up visit it belongs to."""

    file = forms.FileField(label=_("Film file"), help_text=_("DICOM, PNG or JPEG."))
    view = forms.ChoiceField(label=_("View"), choices=FilmView.choices)
    taken_on = forms.DateField(label=_("Taken on"), widget=forms.DateInput(attrs={"type": "date"}))
    operation = forms.ModelChoiceField(label=_("Operation"), queryset=None, required=False)
    follow_up = forms.ModelChoiceField(label=_("Follow-up visit"), queryset=None, required=False)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = patient.operations.order_by("-performed_on")
        self.fields["follow_up"].queryset = patient.follow_ups.order_by("-due_on")
        self.fields["taken_on"].initial = timezone.localdate()
