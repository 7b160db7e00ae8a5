"""Operations, their team, procedures and implants, sign-off, and complications."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core import levels
from openspine.core.models import ClinicalRecord
from openspine.surgery.choices import (
    Approach,
    AsaGrade,
    ClavienDindo,
    ComplicationCategory,
    ComplicationTiming,
    ImplantKind,
    OperationKind,
    OperationStatus,
    Portion,
    Procedure,
    Reporter,
    SignatureMeaning,
    TeamRole,
    Technique,
)


class OperationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Operations on patients of the user's department; callers check the role first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(patient__department_id=user.department_id)


class Operation(ClinicalRecord):
    """One spine operation: when, who, what was done at which levels, and how it went.

    A draft becomes ``signed`` when the primary surgeon signs it (a resident's draft first waits for
    an attending's co-signature). A signed record is locked: a later change is an amendment with a
    reason, which voids the signature until the record is signed again.
    """

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="operations"
    )
    admission = models.ForeignKey(
        "patients.Admission", verbose_name=_("admission"), on_delete=models.PROTECT, related_name="operations"
    )
    diagnosis = models.ForeignKey(
        "patients.Diagnosis",
        verbose_name=_("indication"),
        on_delete=models.PROTECT,
        related_name="operations",
        help_text=_("The diagnosis this operation treats; it decides the follow-up protocol."),
    )
    performed_on = models.DateField(_("date of operation"), db_index=True)
    started_at = models.DateTimeField(_("start time"))
    ended_at = models.DateTimeField(_("end time"))
    kind = models.CharField(
        _("index or revision"), max_length=10, choices=OperationKind.choices, default="index"
    )
    revision_of = models.ForeignKey(
        "self",
        verbose_name=_("revision of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        help_text=_("The earlier operation this one revises."),
    )
    primary_surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("primary surgeon"),
        on_delete=models.PROTECT,
        related_name="primary_operations",
    )
    asa_grade = models.PositiveSmallIntegerField(_("ASA grade"), choices=AsaGrade.choices)
    asa_emergency = models.BooleanField(_("emergency (ASA E)"), default=False)
    level_from = models.PositiveSmallIntegerField(
        _("from level"),
        choices=levels.CHOICES,
        null=True,
        blank=True,
        help_text=_("Most cranial level treated."),
    )
    level_to = models.PositiveSmallIntegerField(
        _("to level"),
        choices=levels.CHOICES,
        null=True,
        blank=True,
        help_text=_("Most caudal level treated."),
    )
    approach = models.CharField(_("approach"), max_length=12, choices=Approach.choices)
    technique = models.CharField(_("technique"), max_length=12, choices=Technique.choices)
    navigation = models.BooleanField(_("navigation"), default=False)
    robot = models.BooleanField(_("robot"), default=False)
    neuromonitoring = models.BooleanField(_("neuromonitoring"), default=False)
    blood_loss_ml = models.PositiveIntegerField(_("blood loss (ml)"), null=True, blank=True)
    transfusion_units = models.DecimalField(
        _("transfusion (units)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OperationStatus.choices,
        default=OperationStatus.DRAFT,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Who entered the record; a resident's record needs an attending's co-signature."),
    )

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_on", "-started_at"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        # Lists read the newest operations first, one page at a time (the API's, a patient's).
        indexes = [
            models.Index(fields=["-performed_on", "-started_at", "-id"], name="operation_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=F("started_at")), name="operation_ends_after_start"
            ),
            *levels.range_constraints("operation"),
            models.CheckConstraint(
                condition=Q(asa_grade__gte=1, asa_grade__lte=6), name="operation_asa_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="revision") | Q(revision_of__isnull=True),
                name="operation_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.performed_on} {self.levels_label}".strip()

    @property
    def levels_label(self) -> str:
        return levels.range_label(self.level_from, self.level_to)

    @property
    def duration_minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)

    @property
    def is_locked(self) -> bool:
        return self.status == OperationStatus.SIGNED

    @property
    def was_signed(self) -> bool:
        """True once the record has been signed: every later change is an amendment with a reason."""
        return self.status in (OperationStatus.SIGNED, OperationStatus.AMENDED)

    def clean(self):
        self._clean_dates()
        levels.check_range(self.level_from, self.level_to)
        if self.kind == OperationKind.INDEX and self.revision_of_id:
            raise ValidationError({"revision_of": _("Only a revision can name an earlier operation.")})
        if self.revision_of_id and self.revision_of.patient_id != self.patient_id:
            raise ValidationError({"revision_of": _("The revised operation belongs to another patient.")})

    def _clean_dates(self):
        now = timezone.now()
        if self.started_at and self.started_at > now:
            raise ValidationError({"performed_on": _("The operation cannot be in the future.")})
        if self.started_at and self.performed_on:
            if timezone.localtime(self.started_at).date() != self.performed_on:
                raise ValidationError({"started_at": _("The start time must be on the date of operation.")})
        if self.started_at and self.ended_at:
            if self.ended_at <= self.started_at:
                raise ValidationError({"ended_at": _("The end time must be after the start time.")})
            if self.ended_at - self.started_at > timedelta(hours=24):
                raise ValidationError({"ended_at": _("An operation cannot last more than 24 hours.")})
        admission = self.admission if self.admission_id else None
        if admission and self.performed_on:
            if admission.patient_id != self.patient_id:
                raise ValidationError({"admission": _("The admission belongs to another patient.")})
            if self.performed_on < admission.admitted_on or (
                admission.discharged_on and self.performed_on > admission.discharged_on
            ):
                raise ValidationError(
                    {
                        "performed_on": _(
                            "The operation date must fall inside the admission (%(start)s to %(end)s)."
                        )
                        % {"start": admission.admitted_on, "end": admission.discharged_on or _("now")}
                    }
                )
        if self.diagnosis_id and self.diagnosis.patient_id != self.patient_id:
            raise ValidationError({"diagnosis": _("The diagnosis belongs to another patient.")})


class OperationTeamMember(models.Model):
    """A member of the operating team other than the primary surgeon, with the role they played."""

    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices)
    trainee_stage = models.CharField(
        _("training stage on the day"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("The trainee's programme and year on the date of operation, frozen when recorded."),
    )
    portion = models.JSONField(
        _("portion done"),
        default=list,
        blank=True,
        help_text=_("What the trainee did: opening, exposure, critical portion, closure."),
    )

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["operation", "user", "role"], name="team_member_unique"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.user}"

    @property
    def portion_labels(self) -> list[str]:
        """Return the portion the trainee did in words (codes this build does not know show as is)."""
        return [Portion(code).label if code in Portion.values else code for code in self.portion]


class OperationProcedure(models.Model):
    """One procedure from the catalogue performed during an operation."""

    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), on_delete=models.CASCADE, related_name="procedures"
    )
    code = models.CharField(_("procedure"), max_length=40, choices=Procedure.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.UniqueConstraint(fields=["operation", "code"], name="operation_procedure_unique")
        ]

    def __str__(self):
        return self.get_code_display()


class Implant(models.Model):
    """Implants of one kind used in an operation; the lot number is an identifier for exports."""

    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), on_delete=models.CASCADE, related_name="implants"
    )
    kind = models.CharField(_("implant"), max_length=30, choices=ImplantKind.choices)
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    manufacturer = models.CharField(_("manufacturer"), max_length=80, blank=True)
    lot_number = models.CharField(_("lot number"), max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("implant")
        verbose_name_plural = _("implants")
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="implant_count_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} x{self.count}"


class Signature(models.Model):
    """A Part 11-style sign-off: who signed, when, with which meaning, over which content hash.

    It is not a legally reliable electronic signature under the Electronic Signature Law (that needs
    the hospital CA); the UI says so. ``content_hash`` is the SHA-256 of the signed content and
    ``mac`` a keyed seal over it and the signature itself (``surgery/signing.py``), so an edit behind
    the application is detected even with a recomputed hash. An amendment sets ``invalidated_at``.
    """

    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("printed name"), max_length=150)
    meaning = models.CharField(_("meaning"), max_length=20, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField(_("signed at"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    key_id = models.CharField(_("key id"), max_length=32, blank=True)
    mac = models.CharField(
        _("seal"),
        max_length=64,
        blank=True,
        help_text=_("Keyed HMAC-SHA-256 over the operation, signer, meaning, time and content hash."),
    )
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self):
        return f"{self.signer_name} {self.meaning} {self.signed_at:%Y-%m-%d %H:%M}"


CHILD_LABELS = {"procedures": _("procedures"), "team": _("team"), "implants": _("implants")}


class Amendment(models.Model):
    """A change to a signed operation record, with its mandatory reason and what changed."""

    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), on_delete=models.PROTECT, related_name="amendments"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("amended by"), on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(_("amended at"))
    reason = models.TextField(_("reason"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        ordering = ["amended_at"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.amended_at:%Y-%m-%d} {self.reason[:40]}"

    def changes(self) -> list[tuple]:
        """Return (field label, before, after) for each changed part of the record, in readable form."""
        rows = []
        for key, after in self.after.items():
            if key in CHILD_LABELS:
                label = CHILD_LABELS[key]
            else:
                try:
                    label = Operation._meta.get_field(key).verbose_name
                except FieldDoesNotExist:
                    label = key
            rows.append((label, _readable(key, self.before.get(key)), _readable(key, after)))
        return rows


def _readable(key: str, value):
    if key in ("level_from", "level_to") and isinstance(value, int):
        return levels.label(value)
    if key == "procedures" and isinstance(value, list):
        return "; ".join(str(Procedure(code).label) if code in Procedure.values else code for code in value)
    if key in ("procedures", "team", "implants") and isinstance(value, list):
        return "; ".join(
            " ".join(str(part) for part in item) if isinstance(item, list) else str(item) for item in value
        )
    return value


class ComplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(operation__patient__department_id=user.department_id)


class Complication(ClinicalRecord):
    """An adverse event after (or during) an operation, graded with Clavien-Dindo."""

    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), on_delete=models.PROTECT, related_name="complications"
    )
    category = models.CharField(_("category"), max_length=30, choices=ComplicationCategory.choices)
    timing = models.CharField(_("timing"), max_length=20, choices=ComplicationTiming.choices)
    onset_on = models.DateField(_("onset date"))
    clavien_dindo = models.CharField(_("Clavien-Dindo grade"), max_length=4, choices=ClavienDindo.choices)
    present_at_discharge = models.BooleanField(
        _("present at discharge (suffix d)"),
        default=False,
        help_text=_("Clavien-Dindo suffix d: still present."),
    )
    reoperation = models.ForeignKey(
        Operation,
        verbose_name=_("reoperation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="treated_complications",
        help_text=_("The operation that treated this complication, if one was needed."),
    )
    caused_readmission = models.BooleanField(_("caused readmission"), default=False)
    resolved = models.BooleanField(_("resolved"), default=False)
    reported_by = models.CharField(_("reported by"), max_length=12, choices=Reporter.choices)
    note = models.TextField(_("note"), blank=True)

    objects = ComplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-onset_on"]
        verbose_name = _("complication")
        verbose_name_plural = _("complications")

    def __str__(self):
        return f"{self.get_category_display()} ({self.clavien_dindo})"

    @property
    def patient(self):
        return self.operation.patient

    def clean(self):
        if self.onset_on and self.onset_on > timezone.localdate():
            raise ValidationError({"onset_on": _("The onset date cannot be in the future.")})
        if self.operation_id and self.onset_on and self.onset_on < self.operation.performed_on:
            raise ValidationError({"onset_on": _("The onset cannot be before the operation.")})
        if self.reoperation_id and self.operation_id:
            self._clean_reoperation()
        if self.category == ComplicationCategory.DEATH and self.clavien_dindo != ClavienDindo.V:
            raise ValidationError({"clavien_dindo": _("A death is Clavien-Dindo grade V.")})

    def _clean_reoperation(self):
        if self.reoperation.patient_id != self.operation.patient_id:
            raise ValidationError({"reoperation": _("The reoperation belongs to another patient.")})
        if self.reoperation.started_at <= self.operation.started_at:
            raise ValidationError({"reoperation": _("The reoperation must come after the operation.")})
