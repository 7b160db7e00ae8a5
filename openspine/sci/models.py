"""ISNCSCI examinations: the raw worksheet, its classification and a few columns for lists and charts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openspine.core.models import ClinicalRecord
from openspine.sci.choices import ExamContext


class IsncsciExamQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Exams of patients of the user's department; callers check the role first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(patient__department_id=user.department_id)


class IsncsciExam(ClinicalRecord):
    """One ISNCSCI examination of a patient with a spinal cord injury (2019 worksheet).

    ``exam`` keeps the worksheet exactly as entered, in the interchange format of the reference
    (every value a string, NT and ``*`` included); ``result`` is the classifier's output for it,
    with the classifier version, so a later classifier can be compared with what the examiner saw.
    The AIS, NLI and totals are copied out of ``result`` for lists and charts; a total is empty
    when the classifier reports it as not determinable (an NT cell).
    """

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="isncsci_exams"
    )
    admission = models.ForeignKey(
        "patients.Admission",
        verbose_name=_("admission"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="isncsci_exams",
    )
    operation = models.ForeignKey(
        "surgery.Operation",
        verbose_name=pgettext_lazy("surgical", "operation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="isncsci_exams",
        help_text=_("The operation this exam is before or after, if any."),
    )
    examined_on = models.DateField(_("examined on"), db_index=True)
    context = models.CharField(_("context"), max_length=12, choices=ExamContext.choices)
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiner"),
        on_delete=models.PROTECT,
        related_name="isncsci_exams",
    )
    exam = models.JSONField(_("worksheet"), help_text=_("The raw exam in the ISNCSCI interchange format."))
    result = models.JSONField(_("classification"), editable=False)
    classifier_version = models.CharField(_("classifier version"), max_length=40, editable=False)
    ais = models.JSONField(_("AIS"), default=list, editable=False, help_text=_("Possible AIS grades."))
    neurological_level = models.JSONField(_("neurological level of injury"), default=list, editable=False)
    uems = models.PositiveSmallIntegerField(_("UEMS"), null=True, blank=True, editable=False)
    lems = models.PositiveSmallIntegerField(_("LEMS"), null=True, blank=True, editable=False)
    motor_total = models.PositiveSmallIntegerField(_("motor score"), null=True, blank=True, editable=False)
    light_touch_total = models.PositiveSmallIntegerField(
        _("light touch total"), null=True, blank=True, editable=False
    )
    pin_prick_total = models.PositiveSmallIntegerField(
        _("pin prick total"), null=True, blank=True, editable=False
    )
    comments = models.TextField(
        _("comments"),
        blank=True,
        help_text=_("Reasons for NT and for every * or ** score (the non-SCI condition), and other notes."),
    )

    objects = IsncsciExamQuerySet.as_manager()

    class Meta:
        ordering = ["-examined_on", "-created_at"]
        verbose_name = _("ISNCSCI exam")
        verbose_name_plural = _("ISNCSCI exams")

    def __str__(self):
        return f"ISNCSCI {self.examined_on:%Y-%m-%d}"

    @property
    def ais_label(self) -> str:
        return ", ".join(self.ais)

    @property
    def nli_label(self) -> str:
        return ", ".join(self.neurological_level)

    def clean(self):
        if self.examined_on and self.examined_on > timezone.localdate():
            raise ValidationError({"examined_on": _("The exam date cannot be in the future.")})
        if self.admission_id and self.admission.patient_id != self.patient_id:
            raise ValidationError({"admission": _("The admission belongs to another patient.")})
        if self.operation_id and self.operation.patient_id != self.patient_id:
            raise ValidationError({"operation": _("The operation belongs to another patient.")})
