"""Trainees, case-log entries derived from signed operations, category maps and requirement sets.

teaching.md section 0: no requirement number lives in code, a case-log entry is derived from the
operation record (nobody types it), and it counts only once the attending has confirmed it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openspine.core.models import PublicIdModel
from openspine.surgery.choices import TeamRole
from openspine.teaching.choices import Category, CreditRole, EntryState, Programme, RaterRole, Zwisch


class Trainee(models.Model):
    """A staff account enrolled in a training programme, with the dates that give its stage."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="trainee"
    )
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor (带教老师)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_trainees",
    )

    class Meta:
        ordering = ["programme", "started_on"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="trainee_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_programme_display()})"

    def year_on(self, day) -> int | None:
        """Return the training year (1 = first) on ``day``, or None outside the enrolment."""
        if day < self.started_on or (self.ended_on and day > self.ended_on):
            return None
        return (day - self.started_on).days // 365 + 1


class CategoryMap(models.Model):
    """One version of the procedure -> category table (teaching.md 2.3), loaded from a data file."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source_citation = models.CharField(_("source"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name = _("category map")
        verbose_name_plural = _("category maps")

    def __str__(self):
        return self.version


class CategoryRule(models.Model):
    """When an operation falls in a category: structured clauses first, ICD-9-CM-3 codes as a check.

    ``clauses`` is a list; the rule matches when any clause matches, and a clause matches when all
    its keys hold (``procedures``, ``implants``, ``approaches``, ``regions``, ``kinds``,
    ``disease_areas``: each a list of allowed values, any one of which is enough).
    """

    category_map = models.ForeignKey(
        CategoryMap, verbose_name=_("category map"), on_delete=models.CASCADE, related_name="rules"
    )
    category = models.CharField(_("category"), max_length=40)
    clauses = models.JSONField(_("clauses"))
    icd9cm3_prefixes = models.JSONField(_("ICD-9-CM-3 prefixes"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["category_map", "id"]
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        constraints = [
            models.UniqueConstraint(fields=["category_map", "category"], name="category_rule_unique")
        ]

    def __str__(self):
        return f"{self.category_map} {self.category}"


class CaseLogEntryQuerySet(models.QuerySet):
    def counting(self):
        """Entries that count toward a target: confirmed, of an operation that is still signed."""
        return self.filter(state=EntryState.CONFIRMED, operation__status="signed")


class CaseLogEntry(PublicIdModel):
    """One trainee's part in one signed operation, derived from the record (teaching.md 2.2)."""

    operation = models.ForeignKey(
        "surgery.Operation", verbose_name=_("operation"), on_delete=models.PROTECT, related_name="+"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="case_log"
    )
    attending = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attending"),
        on_delete=models.PROTECT,
        related_name="case_log_to_confirm",
        help_text=_("The primary surgeon of record, who confirms the entry."),
    )
    performed_on = models.DateField(_("date of operation"), db_index=True)
    team_role = models.CharField(_("role in the team"), max_length=20)
    trainee_stage = models.CharField(_("training stage on the day"), max_length=40, blank=True)
    credit_role = models.CharField(_("credit"), max_length=20, choices=CreditRole.choices)
    categories = models.JSONField(_("categories"), default=list)
    category_map = models.ForeignKey(
        CategoryMap, verbose_name=_("category map"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=24, choices=EntryState.choices, default=EntryState.PENDING
    )
    state_reason = models.TextField(_("reason"), blank=True)
    derived_at = models.DateTimeField(_("derived at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminders_sent = models.PositiveSmallIntegerField(
        _("reminders sent"), default=0, help_text=_("Reminders to the attending since the entry was derived.")
    )

    objects = CaseLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_on", "id"]
        verbose_name = _("case-log entry")
        verbose_name_plural = _("case-log entries")
        constraints = [
            models.UniqueConstraint(fields=["operation", "trainee"], name="case_log_entry_unique"),
        ]

    def __str__(self):
        return f"{self.performed_on} {self.get_credit_role_display()}"

    @property
    def category_labels(self) -> list[str]:
        """Return the categories in words; a code from a newer map than this build shows as is."""
        return [Category(code).label if code in Category.values else code for code in self.categories]

    @property
    def team_role_label(self) -> str:
        return TeamRole(self.team_role).label if self.team_role in TeamRole.values else self.team_role

    @property
    def record_number(self) -> str:
        """Return the patient's hospital record number masked for the trainee (teaching.md 9)."""
        mrn = self.operation.patient.mrn or ""
        return "•" * max(len(mrn) - 3, 0) + mrn[-3:]


class AutonomyRating(models.Model):
    """A Zwisch rating of one entry by the trainee or the attending; raw values are never edited."""

    entry = models.ForeignKey(
        CaseLogEntry, verbose_name=_("case-log entry"), on_delete=models.PROTECT, related_name="ratings"
    )
    instrument = models.CharField(_("instrument"), max_length=20, default="zwisch")
    version = models.CharField(_("version"), max_length=20, default="1")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rater"), on_delete=models.PROTECT, related_name="+"
    )
    rater_role = models.CharField(_("rater"), max_length=10, choices=RaterRole.choices)
    value = models.CharField(_("Zwisch level"), max_length=20, choices=Zwisch.choices)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["rated_at"]
        verbose_name = _("autonomy rating")
        verbose_name_plural = _("autonomy ratings")

    def __str__(self):
        return f"{self.get_rater_role_display()}: {self.get_value_display()}"


class RequirementSet(models.Model):
    """A set of case minimums from one source and edition, loaded from a file the department signs off."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source_citation = models.CharField(_("source"), max_length=300)
    edition = models.CharField(_("edition"), max_length=40)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    is_example = models.BooleanField(
        _("example only"),
        default=False,
        help_text=_(
            "Shipped to show the format; its numbers come from secondary sources and are unverified."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("requirement set")
        verbose_name_plural = _("requirement sets")

    def __str__(self):
        return self.title


class Requirement(models.Model):
    """A minimum of confirmed cases in a group of categories, counted for the given credit roles.

    An accrediting body's category may span several of ours (ACGME's "spine decompression / posterior
    spine fusion"); an entry counts once however many of the listed categories it has.
    """

    requirement_set = models.ForeignKey(
        RequirementSet,
        verbose_name=_("requirement set"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    code = models.CharField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    categories = models.JSONField(_("categories"))
    minimum = models.PositiveIntegerField(_("minimum"))
    credit_roles = models.JSONField(_("credit roles"))

    class Meta:
        ordering = ["requirement_set", "id"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["requirement_set", "code"], name="requirement_unique"),
            models.CheckConstraint(condition=Q(minimum__gte=1), name="requirement_minimum_positive"),
        ]

    def __str__(self):
        return f"{self.label} >= {self.minimum}"
