"""Radiographs of a patient and the measurements read from them (reference/imaging.md §4.1).

Pixels never enter the database (§3.3): the uploaded file and its display PNG live on disk under
``settings.VAR_DIR / "imaging"``; the row keeps the DICOM UIDs, the file's SHA-256 and the spacing
attributes needed to calibrate. A measurement keeps its landmarks, and its values are always
recomputed from them by ``spinescores.radiograph`` (never typed in).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openspine.core.models import ClinicalRecord
from openspine.imaging.choices import FilmSource, FilmView, ReaderRole, TkLevel


class FilmQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Films of patients of the user's department; callers check the role first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(patient__department_id=user.department_id)

    def cleared_for_teaching(self):
        """Films a person checked and found free of burned-in identifiers (teaching library, exports)."""
        return self.filter(burned_in_checked_at__isnull=False, burned_in_text=False)


class Film(ClinicalRecord):
    """One radiograph of a patient, uploaded as DICOM, PNG or JPEG, optionally tied to a visit.

    ``rows`` and ``columns`` are the original pixel matrix in which landmarks are stored;
    ``display_scale`` is display pixels per original pixel of the downsampled PNG the viewer shows.
    """

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="films"
    )
    operation = models.ForeignKey(
        "surgery.Operation",
        verbose_name=pgettext_lazy("surgical", "operation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="films",
        help_text=_("The operation this film is before or after, if any."),
    )
    follow_up = models.ForeignKey(
        "proms.FollowUp",
        verbose_name=_("follow-up visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="films",
        help_text=_("The follow-up visit this film belongs to, if any."),
    )
    view = models.CharField(_("view"), max_length=20, choices=FilmView.choices)
    taken_on = models.DateField(_("taken on"), db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=FilmSource.choices, editable=False)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, editable=False)
    rows = models.PositiveIntegerField(_("rows"), editable=False)
    columns = models.PositiveIntegerField(_("columns"), editable=False)
    display_scale = models.FloatField(
        _("display scale"),
        default=1.0,
        editable=False,
        help_text=_("Display pixels per original pixel of the PNG shown in the viewer."),
    )
    study_uid = models.CharField(_("Study Instance UID"), max_length=64, blank=True, editable=False)
    series_uid = models.CharField(_("Series Instance UID"), max_length=64, blank=True, editable=False)
    sop_instance_uid = models.CharField(_("SOP Instance UID"), max_length=64, blank=True, editable=False)
    sop_class_uid = models.CharField(_("SOP Class UID"), max_length=64, blank=True, editable=False)
    dicom_spacing = models.JSONField(
        _("DICOM spacing attributes"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("PixelSpacing, ImagerPixelSpacing, magnification and orientation as read from the file."),
    )
    burned_in_annotation = models.CharField(
        _("burned-in annotation (DICOM)"),
        max_length=3,
        blank=True,
        editable=False,
        help_text=_("BurnedInAnnotation (0028,0301) as the file states it; not trusted on its own."),
    )
    burned_in_text = models.BooleanField(
        _("burned-in identifiers found"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by a person who looked at the film: empty until checked."),
    )
    burned_in_checked_at = models.DateTimeField(
        _("burned-in text checked at"), null=True, blank=True, editable=False
    )
    burned_in_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("burned-in text checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = FilmQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-created_at"]
        verbose_name = _("radiograph")
        verbose_name_plural = _("radiographs")

    def __str__(self):
        return f"{self.view} {self.taken_on:%Y-%m-%d}"

    def clean(self):
        if self.taken_on and self.taken_on > timezone.localdate():
            raise ValidationError({"taken_on": _("The film date cannot be in the future.")})
        if self.operation_id and self.operation.patient_id != self.patient_id:
            raise ValidationError({"operation": _("The operation belongs to another patient.")})
        if self.follow_up_id and self.follow_up.patient_id != self.patient_id:
            raise ValidationError({"follow_up": _("The follow-up visit belongs to another patient.")})


class MeasurementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Measurements of films of the user's department; callers check the role first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(film__patient__department_id=user.department_id)


class Measurement(ClinicalRecord):
    """One reader's landmarks on one film and the values computed from them.

    The first reader's measurement is the film's (``primary``); another reader's of the same film is
    ``second`` and is kept apart, for the inter-reader agreement page only.
    """

    film = models.ForeignKey(
        Film, verbose_name=_("radiograph"), on_delete=models.PROTECT, related_name="measurements"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    reader_role = models.CharField(_("reading"), max_length=10, choices=ReaderRole.choices, editable=False)
    landmarks = models.JSONField(
        _("landmarks"), help_text=_("Named points in original image pixels, y down.")
    )
    calibration = models.JSONField(
        _("calibration"),
        default=dict,
        editable=False,
        help_text=_("Spacing used, its label and the marker points of a manual calibration."),
    )
    tk_upper_level = models.CharField(
        _("upper level of kyphosis"), max_length=2, choices=TkLevel.choices, default=TkLevel.T4
    )
    inverted = models.BooleanField(_("shown inverted"), default=False)
    values = models.JSONField(_("values"), default=dict, editable=False)
    flags = models.JSONField(_("flags"), default=list, editable=False)
    software_version = models.CharField(_("software version"), max_length=60, editable=False)
    measured_at = models.DateTimeField(_("measured at"), default=timezone.now, editable=False)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["film", "reader_role", "measured_at"]
        verbose_name = _("radiograph measurement")
        verbose_name_plural = _("radiograph measurements")
        constraints = [
            models.UniqueConstraint(fields=["film", "reader"], name="imaging_one_measurement_per_reader"),
        ]

    def __str__(self):
        return f"{self.film} ({self.reader_role})"
