from django.db import models
from django.utils.translation import gettext_lazy as _


class FilmView(models.TextChoices):
    """Which film of the standing series this is; it decides the click protocol (imaging.md §1.2)."""

    STANDING_PA = "standing_pa", _("Standing PA (coronal)")
    STANDING_LATERAL = "standing_lateral", _("Standing lateral (sagittal)")
    BENDING_LEFT = "bending_left", _("Left side-bending")
    BENDING_RIGHT = "bending_right", _("Right side-bending")


class FilmSource(models.TextChoices):
    """How the pixels came in."""

    DICOM = "dicom", _("DICOM upload")
    PNG = "png", _("PNG upload")
    JPEG = "jpeg", _("JPEG upload")


class ReaderRole(models.TextChoices):
    """The first reader's measurement is the film's; a second reader's is kept apart for QA."""

    PRIMARY = "primary", _("First reader")
    SECOND = "second", _("Second reader")


class TkLevel(models.TextChoices):
    """The upper endplate of thoracic kyphosis: recorded with every TK (imaging.md §7)."""

    T4 = "T4", "T4"
    T5 = "T5", "T5"
