"""Research projects, their ethics approvals, cohort definitions, pseudonyms and export runs.

research-export.md sections 8.1 (projects), 9 (manifest) and security.md T-46, T-47, T-49.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core.models import PublicIdModel, TimestampedModel
from openspine.research.choices import (
    ExportFormat,
    ExportLayout,
    ExportMode,
    ExportStatus,
    FundingLevel,
    ProjectStatus,
)
from openspine.research.storage import ExportStorage


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects of the user's department; callers check the capability first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(department_id=user.department_id)


class ResearchProject(PublicIdModel, TimestampedModel):
    """A funded or planned study of the department: funder, grant, PI, dates and its approvals.

    Cohorts and exports hang off a project, so every data release names the study, its ethics
    approval and (for a limited data set) its data use agreement (research-export.md section 8.1).
    Amounts are stored in yuan as decimals, never floats.
    """

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    short_code = models.CharField(
        _("short code"), max_length=30, unique=True, help_text=_("e.g. LDH-FUSION-2026.")
    )
    title = models.CharField(_("title"), max_length=300)
    principal_investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("principal investigator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    funder = models.CharField(_("funder"), max_length=200, blank=True, help_text=_("e.g. NSFC."))
    funding_level = models.CharField(
        _("funding level"), max_length=30, choices=FundingLevel.choices, blank=True
    )
    grant_number = models.CharField(_("grant number"), max_length=60, blank=True)
    amount_yuan = models.DecimalField(
        _("amount approved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    dua_reference = models.CharField(
        _("data use agreement"),
        max_length=100,
        blank=True,
        help_text=_("Reference of the signed data use agreement; needed for a limited data set."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "short_code"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="research_project_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.short_code

    @property
    def has_dua(self) -> bool:
        return bool(self.dua_reference.strip())

    def valid_approval(self, on: date | None = None):
        """Return the ethics approval in force on ``on`` (today by default), or None."""
        on = on or timezone.localdate()
        return self.approvals.filter(approved_on__lte=on, expires_on__gte=on).order_by("-expires_on").first()

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end date cannot be before the start date.")})


class EthicsApproval(TimestampedModel):
    """One approval of the project by an ethics committee (伦理批件), valid until it expires."""

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="approvals"
    )
    committee = models.CharField(_("committee"), max_length=200)
    number = models.CharField(_("approval number"), max_length=60)
    approved_on = models.DateField(_("approved on"))
    expires_on = models.DateField(_("expires on"))

    class Meta:
        ordering = ["-expires_on"]
        verbose_name = _("ethics approval")
        verbose_name_plural = _("ethics approvals")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("approved_on")), name="ethics_expires_after_approval"
            ),
            models.UniqueConstraint(fields=["project", "number"], name="ethics_number_once_per_project"),
        ]

    def __str__(self):
        return self.number

    def is_valid_on(self, day: date) -> bool:
        return self.approved_on <= day <= self.expires_on

    def clean(self):
        if self.approved_on and self.expires_on and self.expires_on <= self.approved_on:
            raise ValidationError({"expires_on": _("The expiry must be after the approval date.")})


class Cohort(PublicIdModel, TimestampedModel):
    """A named cohort of a project; its criteria live in numbered, never-changed versions."""

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self):
        return self.name

    @property
    def latest(self):
        return self.versions.order_by("-number").first()


class CohortVersion(TimestampedModel):
    """One saved set of criteria of a cohort (criteria as data, see :mod:`openspine.research.criteria`).

    A version is never edited: changing the criteria saves the next number, so an export's manifest
    names exactly the criteria it was drawn with. The ethics approval in force when it was saved is
    recorded with it.
    """

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    criteria = models.JSONField(_("criteria"))
    approval = models.ForeignKey(
        EthicsApproval, verbose_name=_("ethics approval"), on_delete=models.PROTECT, related_name="+"
    )
    count_at_save = models.PositiveIntegerField(_("index operations when saved"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "-number"]
        verbose_name = _("cohort version")
        verbose_name_plural = _("cohort versions")
        constraints = [models.UniqueConstraint(fields=["cohort", "number"], name="cohort_version_unique")]

    def __str__(self):
        return f"{self.cohort} v{self.number}"

    @property
    def summary(self) -> list[str]:
        """The criteria in words."""
        from openspine.research.criteria import describe

        return describe(self.criteria)


class SubjectKey(models.Model):
    """A patient's random pseudonym and secret date offset within one project (T-46, T-47).

    Neither is derived from any identifier: both come from ``secrets``. They are kept apart from the
    exported data, stay the same across exports of one project, and differ between projects. Only
    an honest broker (no role in the application today) may read this mapping.
    """

    project = models.ForeignKey(
        ResearchProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="+"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=20)
    date_offset_days = models.PositiveSmallIntegerField(_("date offset (days)"))

    class Meta:
        verbose_name = _("subject key")
        verbose_name_plural = _("subject keys")
        constraints = [
            models.UniqueConstraint(fields=["project", "patient"], name="subject_key_once_per_project"),
            models.UniqueConstraint(fields=["project", "pseudonym"], name="subject_pseudonym_unique"),
        ]

    def __str__(self):
        return self.pseudonym


class ExportRun(PublicIdModel):
    """One export of a cohort version: who asked, why, how it went, and the file it produced.

    The manifest (research-export.md section 9) is stored with the run; the file is kept until
    ``expires_at`` (7 days, T-49) and may be downloaded by its requester only.
    """

    cohort_version = models.ForeignKey(
        CohortVersion, verbose_name=_("cohort version"), on_delete=models.PROTECT, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    mode = models.CharField(
        _("mode"), max_length=20, choices=ExportMode.choices, default=ExportMode.DEIDENTIFIED
    )
    layout = models.CharField(
        _("layout"), max_length=10, choices=ExportLayout.choices, default=ExportLayout.LONG
    )
    format = models.CharField(
        _("format"), max_length=10, choices=ExportFormat.choices, default=ExportFormat.CSV
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows expected"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    message = models.CharField(_("message"), max_length=300, blank=True)
    file = models.FileField(_("file"), storage=ExportStorage(), upload_to="%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export run")
        verbose_name_plural = _("export runs")

    def __str__(self):
        return f"{self.cohort_version} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    @property
    def is_finished(self) -> bool:
        from openspine.research.choices import FINISHED_STATUSES

        return self.status in FINISHED_STATUSES

    @property
    def downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file) and self.expires_at > timezone.now()
