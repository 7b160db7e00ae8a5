"""The staging side of the hospital interfaces: batches, staged rows, the import ledger, HL7 messages.

interop.md 0.1: one canonical staging model fed by several adapters (病案首页 Excel/CSV, HL7 v2),
one reconciling service (:mod:`openspine.interop.services`). Staged values hold identifiers, so
they are encrypted like the patient's own fields (security.md T-55).
"""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openspine.core.fields import EncryptedTextField
from openspine.core.models import PublicIdModel
from openspine.interop.adapters.frontpage import DEFAULT_COLUMNS
from openspine.interop.choices import BatchStatus, CodeEdition, MessageStatus, RowOutcome, Source


def default_columns():
    return dict(DEFAULT_COLUMNS)


class ColumnMapping(models.Model):
    """How one hospital's 病案首页 export names its columns: our field → the export's header text.

    Saved per hospital so the records office maps a new export once. ``mrn_width`` restores the
    leading zeros a number cell drops from 病案号 (interop.md 2.3); 0 leaves the number as it is.
    """

    hospital = models.CharField(
        _("hospital"), max_length=60, unique=True, help_text=_("Short name of the hospital or campus.")
    )
    columns = models.JSONField(
        _("column names"), default=default_columns, help_text=_("Our field → the export's column header.")
    )
    mrn_width = models.PositiveSmallIntegerField(
        _("病案号 width"),
        default=0,
        help_text=_("Digits of a 病案号 with its leading zeros; 0 to leave as is."),
    )
    default_edition = models.CharField(
        _("code edition"),
        max_length=30,
        choices=CodeEdition.choices,
        default=CodeEdition.ICD10_CN_CLINICAL_2,
        help_text=_("Edition of the diagnosis codes when the file has no edition column."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["hospital"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self):
        return self.hospital


class ImportBatch(PublicIdModel):
    """One uploaded file (or one HL7 stream batch): its dry run, its commit and its log.

    ``file_sha256`` is the ledger key of T-73: a batch is marked committed in the transaction that
    writes its rows, so a crash leaves the batch uncommitted and its rows unwritten.
    """

    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.FRONT_PAGE)
    hospital = models.CharField(_("hospital"), max_length=60)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.PREVIEWED
    )
    refusal = models.TextField(_("why the file was refused"), blank=True)
    counts = models.JSONField(_("row counts"), default=dict, help_text=_("Rows per outcome."))
    accept_partial = models.BooleanField(
        _("commit accepted rows only"),
        default=False,
        help_text=_("Rejected and conflicting rows are left out."),
    )
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in total"), default=0)
    log = models.JSONField(_("batch log"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return self.filename

    @property
    def progress_percent(self) -> int:
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class StagedRecord(models.Model):
    """One row of a batch in canonical form: patient, admission, diagnoses and procedures together.

    ``values`` is encrypted JSON (it holds names and ID numbers). ``errors`` name the row, field and
    allowed values; ``changes`` name the fields a commit would change (never their values).
    """

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="records"
    )
    row_number = models.PositiveIntegerField(_("row"))
    record_key = models.CharField(_("record key"), max_length=80, help_text=_("病案号/住院次数"))
    values_json = EncryptedTextField(_("values"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=RowOutcome.choices)
    errors = models.JSONField(_("errors"), default=list)
    changes = models.JSONField(_("changed fields"), default=list)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("staged record")
        verbose_name_plural = _("staged records")

    def __str__(self):
        return f"{self.batch_id}:{self.row_number}"

    @property
    def values(self) -> dict:
        return json.loads(self.values_json or "{}")


class ImportLedger(models.Model):
    """What was last imported for one encounter key (hospital, 病案号, 住院次数) (interop.md 0.2).

    Re-importing the same values changes nothing; a value that differs from ``imported`` is an
    update, unless a clinician changed the field after that import: then it is a conflict to show.
    """

    hospital = models.CharField(_("hospital"), max_length=60)
    mrn = models.CharField(_("病案号"), max_length=32)
    sequence = models.PositiveIntegerField(_("住院次数"))
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.CASCADE, related_name="+"
    )
    admission = models.ForeignKey(
        "patients.Admission", verbose_name=_("admission"), on_delete=models.CASCADE, related_name="+"
    )
    imported_json = EncryptedTextField(_("values last imported"))
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("last batch"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import ledger entry")
        verbose_name_plural = _("import ledger entries")
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "mrn", "sequence"], name="interop_ledger_encounter_key"
            ),
        ]

    def __str__(self):
        return f"{self.hospital}/{self.mrn}/{self.sequence}"

    @property
    def imported(self) -> dict:
        return json.loads(self.imported_json or "{}")


class HL7Message(PublicIdModel):
    """One HL7 v2 message as received, staged before it is acknowledged (interop.md 4.3).

    Unique on (sending application, control id): a resent message is acknowledged again and never
    applied twice. A message that cannot be applied stays here as a dead letter with its error
    until an administrator reprocesses it.
    """

    sending_application = models.CharField(_("sending application"), max_length=100)
    control_id = models.CharField(_("message control id"), max_length=100)
    message_type = models.CharField(_("message type"), max_length=30)
    raw = EncryptedTextField(_("message"))
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.STAGED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("HL7 message")
        verbose_name_plural = _("HL7 messages")
        constraints = [
            models.UniqueConstraint(
                fields=["sending_application", "control_id"], name="interop_hl7_control_id"
            ),
        ]

    def __str__(self):
        return f"{self.message_type} {self.control_id}"


class PatientMerge(PublicIdModel):
    """One merge of a duplicate patient record into a survivor, kept so it can be undone exactly.

    ``moved`` lists, per model, the ids of the rows that were moved from the duplicate to the
    survivor: undoing moves exactly those rows back (security.md T-76). The duplicate record stays,
    empty, with its consents; nothing is deleted.
    """

    survivor = models.ForeignKey(
        "patients.Patient", verbose_name=_("surviving patient"), on_delete=models.PROTECT, related_name="+"
    )
    duplicate = models.ForeignKey(
        "patients.Patient", verbose_name=_("duplicate patient"), on_delete=models.PROTECT, related_name="+"
    )
    moved = models.JSONField(_("moved rows"), default=dict, help_text=_("Model → field and row ids."))
    reason = models.CharField(_("reason"), max_length=200)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("patient merge")
        verbose_name_plural = _("patient merges")

    def __str__(self):
        return f"{self.duplicate_id} → {self.survivor_id}"
