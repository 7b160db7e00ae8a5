"""Short, stable codes of the research app (research-export.md sections 8 and 9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    """Where a funded project stands (research-export.md section 8.1)."""

    APPLIED = "applied", _("Applied")
    FUNDED = "funded", _("Funded")
    ACTIVE = "active", _("Active")
    EXTENDED = "extended", _("Extended")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Terminated")


class FundingLevel(models.TextChoices):
    """The level of the funder (research-export.md section 8.1)."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial_ministerial", _("Provincial or ministerial")
    MUNICIPAL = "municipal", _("Municipal")
    INSTITUTIONAL = "institutional", _("Institutional")
    INDUSTRY = "industry", _("Industry")
    INTERNATIONAL = "international", _("International")


class ExportMode(models.TextChoices):
    """De-identification level of an export (security.md decision 3, T-45, T-46)."""

    DEIDENTIFIED = "deidentified", _("De-identified (Safe Harbor)")
    LIMITED = "limited_data_set", _("Limited data set (not de-identified)")


class ExportLayout(models.TextChoices):
    """Renderings of the canonical long table; the long file is always in the bundle."""

    LONG = "long", _("Long: one row per subject, timepoint and instrument")
    WIDE = "wide", _("Long and wide: one row per index operation")
    REDCAP = "redcap", _("Long and REDCap: data dictionary and records with event rows")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (zip with codebook and manifest)")
    PARQUET = "parquet", _("Parquet (partitioned by year and disease area)")
    XLSX = "xlsx", _("Excel (up to 1,048,575 rows)")


# Excel's hard limit is 1,048,576 rows per sheet (research-export.md section 6); one is the header.
EXCEL_MAX_ROWS = 1_048_575


class ExportStatus(models.TextChoices):
    """Life of an export job: queued → running → done, or failed, refused or cancelled."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready to download")
    REFUSED = "refused", _("Refused by the identifier scan")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


FINISHED_STATUSES = (
    ExportStatus.DONE,
    ExportStatus.REFUSED,
    ExportStatus.FAILED,
    ExportStatus.CANCELLED,
    ExportStatus.EXPIRED,
)


class ComplicationFilter(models.TextChoices):
    ANY = "any", _("With at least one complication")
    NONE = "none", _("Without complications")


# Labels of the surgery app's procedure groups (surgery.choices.PROCEDURE_GROUPS keys).
PROCEDURE_GROUP_LABELS = {
    "decompression": _("Decompression"),
    "discectomy": _("Discectomy"),
    "fusion": _("Fusion"),
    "stabilisation": _("Stabilisation"),
    "arthroplasty": _("Disc arthroplasty"),
    "laminoplasty": _("Laminoplasty"),
    "augmentation": _("Vertebral augmentation"),
    "osteotomy": _("Osteotomy"),
    "tumour": _("Tumour surgery"),
    "infection": _("Surgery for infection"),
    "deformity": _("Deformity correction"),
    "other": _("Other"),
}
