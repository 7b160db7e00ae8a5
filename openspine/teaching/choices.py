from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    """Learner programmes (teaching.md 8; kept as codes so a programme can be added as data)."""

    GUIPEI = "guipei", _("Standardised residency training (规培)")
    FIVE_YEAR = "five_year", _("5-year medicine")
    SEVEN_YEAR = "seven_year", _("7-year medicine")
    EIGHT_YEAR = "eight_year", _("8-year medicine")
    INTERNATIONAL = "international", _("International (MBBS)")
    MASTERS = "masters", _("Master's")
    DOCTORAL = "doctoral", _("Doctoral")
    VISITING = "visiting", _("Visiting doctor (进修)")


class CreditRole(models.TextChoices):
    """The credit a trainee takes for an operation (teaching.md 2.2, modelled on ACGME SC/SJ/TA/FA)."""

    SURGEON = "surgeon", _("Operating surgeon (术者) credit")
    FIRST_ASSISTANT = "first_assistant", _("First assistant")
    TEACHING_ASSISTANT = "teaching_assistant", _("Teaching assistant")
    ASSISTANT = "assistant", _("Assistant")
    OBSERVER = "observer", _("Observer")


class EntryState(models.TextChoices):
    """Confirmation states (teaching.md 3); ``withdrawn`` when an amendment takes the trainee off the team."""

    PENDING = "pending_confirmation", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    WITHDRAWN = "withdrawn", _("Withdrawn by an amendment")


class Zwisch(models.TextChoices):
    """Zwisch autonomy levels for the critical portion (teaching.md 4.1 [V])."""

    SHOW_AND_TELL = "show_and_tell", _("Show and tell")
    ACTIVE_HELP = "active_help", _("Active help")
    PASSIVE_HELP = "passive_help", _("Passive help")
    SUPERVISION_ONLY = "supervision_only", _("Supervision only")


class RaterRole(models.TextChoices):
    SELF = "self", _("Self-rating")
    ATTENDING = "attending", _("Attending")


class Category(models.TextChoices):
    """Case-log categories of teaching.md 2.3; which procedures fall in each is data (CategoryRule)."""

    DECOMPRESSION = "decompression", _("Decompression")
    DISCECTOMY = "discectomy", _("Discectomy")
    ANTERIOR_CERVICAL_FUSION = "anterior_cervical_fusion", _("Anterior cervical fusion")
    POSTERIOR_CERVICAL_FUSION = "posterior_cervical_fusion", _("Posterior cervical fusion")
    THORACOLUMBAR_POSTERIOR_FUSION = "thoracolumbar_posterior_fusion", _("Thoracolumbar posterior fusion")
    ANTERIOR_THORACOLUMBAR_FUSION = "anterior_thoracolumbar_fusion", _("Anterior thoracolumbar fusion")
    INSTRUMENTATION = "instrumentation", _("Instrumentation")
    DEFORMITY = "deformity", _("Deformity")
    OSTEOTOMY = "osteotomy", _("Osteotomy")
    FRACTURE = "fracture", _("Fracture")
    TUMOUR = "tumour", _("Tumour / intradural")
    VERTEBRAL_AUGMENTATION = "vertebral_augmentation", _("Vertebral augmentation")
    DISC_ARTHROPLASTY = "disc_arthroplasty", _("Disc arthroplasty")
    REVISION = "revision", _("Revision")
