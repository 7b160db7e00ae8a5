from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a batch of staged records came from (interop.md 0.1: one adapter each)."""

    FRONT_PAGE = "front_page", _("病案首页 Excel/CSV export")
    HL7 = "hl7", _("HL7 v2 message")


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Dry run done, not committed")
    QUEUED = "queued", _("Waiting to be committed")
    RUNNING = "running", _("Committing")
    COMMITTED = "committed", _("Committed")
    FAILED = "failed", _("Failed, nothing committed")
    REFUSED = "refused", _("File refused")


class RowOutcome(models.TextChoices):
    """What the reconciling service would do (dry run) or did (commit) with one row."""

    NEW = "new", _("New")
    CHANGED = "changed", _("Changed")
    UNCHANGED = "unchanged", _("Unchanged")
    CONFLICT = "conflict", _("Conflict with a clinician's edit")
    REJECTED = "rejected", _("Rejected")


class CodeEdition(models.TextChoices):
    """ICD editions a 病案首页 may be coded in (interop.md 0.4, 3.1): stored with every code."""

    ICD10_CN_CLINICAL_2 = "icd10-cn-clinical-2.0", _("ICD-10 national clinical edition 2.0")
    ICD10_CN_INSURANCE_2 = "icd10-cn-insurance-2.0", _("ICD-10 insurance edition 2.0")
    ICD10_WHO = "icd10-who", _("ICD-10 (WHO)")


# How an edition column of a 病案首页 export names each edition (in Chinese, whatever the UI language).
EDITION_NAMES = {
    CodeEdition.ICD10_CN_CLINICAL_2: "ICD-10 国家临床版2.0",
    CodeEdition.ICD10_CN_INSURANCE_2: "ICD-10 医保版2.0",
    CodeEdition.ICD10_WHO: "ICD-10 WHO",
}


class MessageStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    DEAD = "dead", _("Dead letter: could not be applied")
    STAGED = "staged", _("Staged, not yet applied")
