"""Patients, their admissions and their diagnoses."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core import levels
from openspine.core.models import ClinicalRecord
from openspine.core.validators import validate_icd10, validate_mobile, validate_national_id
from openspine.patients.choices import DischargeDestination, DiseaseArea, Language, Sex, Side


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Patients of the user's department (clinical roles); callers check the role first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(department_id=user.department_id)


class Patient(ClinicalRecord):
    """A person treated by the department, as registered in the hospital information system.

    The identifying fields (MRN, name, national ID, phone) are kept together; they are for clinical
    staff only, never appear in URLs (``public_id`` does) and are masked in the audit trail.
    """

    IDENTIFYING_FIELDS = ("mrn", "name", "national_id", "phone")

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="patients",
        help_text=_("Department responsible for this patient."),
    )
    # --- identifying fields -------------------------------------------------------------------
    mrn = models.CharField(
        _("hospital patient number"),
        max_length=32,
        unique=True,
        help_text=_("病案号 from the hospital system."),
    )
    name = models.CharField(_("name"), max_length=100)
    national_id = models.CharField(
        _("national ID number"),
        max_length=18,
        blank=True,
        validators=[validate_national_id],
        help_text=_("18-character resident identity card number; optional for international patients."),
    )
    phone = models.CharField(
        _("mobile phone"),
        max_length=16,
        blank=True,
        validators=[validate_mobile],
        help_text=_("Used for follow-up."),
    )
    # --- clinical and contact data ------------------------------------------------------------
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    contact_consent = models.BooleanField(
        _("consents to follow-up contact"),
        default=False,
        help_text=_("Questionnaire invitations are sent only with this consent."),
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__gte=date(1880, 1, 1)), name="patient_birth_date_plausible"
            ),
        ]

    def __str__(self):
        return self.mrn

    @property
    def phone_last4(self) -> str:
        return self.phone[-4:] if self.phone else ""

    def age_on(self, day: date) -> int:
        """Return the age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def clean(self):
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
        if self.deceased_on and self.birth_date and self.deceased_on < self.birth_date:
            raise ValidationError({"deceased_on": _("The date of death cannot be before the birth date.")})
        self._clean_national_id()

    def _clean_national_id(self):
        # The ID number encodes birth date and sex; a mismatch is almost always a typo.
        if not self.national_id or len(self.national_id) != 18 or not self.birth_date:
            return
        if self.national_id[6:14] != self.birth_date.strftime("%Y%m%d"):
            raise ValidationError(
                {"national_id": _("The birth date in the ID number does not match the birth date.")}
            )
        if self.national_id[16].isdigit() and self.sex:
            id_sex = Sex.MALE if int(self.national_id[16]) % 2 else Sex.FEMALE
            if id_sex != self.sex:
                raise ValidationError(
                    {"national_id": _("The sex digit of the ID number does not match the sex.")}
                )


class Admission(ClinicalRecord):
    """One inpatient stay in the department, as registered in the hospital system."""

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="admissions"
    )
    admission_number = models.CharField(
        _("admission number"), max_length=32, unique=True, help_text=_("住院号")
    )
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    ward = models.CharField(_("ward"), max_length=40, blank=True)
    discharge_destination = models.CharField(
        _("discharge destination"), max_length=20, choices=DischargeDestination.choices, blank=True
    )
    unplanned_readmission = models.BooleanField(
        _("unplanned readmission"), default=False, help_text=_("Readmitted unplanned after an earlier stay.")
    )

    class Meta:
        ordering = ["-admitted_on"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("admitted_on")),
                name="admission_discharge_after_admission",
            ),
        ]

    def __str__(self):
        return self.admission_number

    @property
    def length_of_stay(self) -> int | None:
        """Days from admission to discharge (None while the patient is still in hospital)."""
        if self.discharged_on is None:
            return None
        return (self.discharged_on - self.admitted_on).days

    def clean(self):
        today = timezone.localdate()
        if self.admitted_on and self.admitted_on > today:
            raise ValidationError({"admitted_on": _("The admission date cannot be in the future.")})
        if self.discharged_on and self.discharged_on > today:
            raise ValidationError({"discharged_on": _("The discharge date cannot be in the future.")})
        if self.discharged_on and self.admitted_on and self.discharged_on < self.admitted_on:
            raise ValidationError({"discharged_on": _("Discharge cannot be before admission.")})
        if self.discharge_destination and not self.discharged_on:
            raise ValidationError(
                {"discharged_on": _("Give the discharge date with the discharge destination.")}
            )


class Diagnosis(ClinicalRecord):
    """A spinal diagnosis: disease area, ICD-10 code, affected levels and side."""

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="diagnoses"
    )
    admission = models.ForeignKey(
        Admission,
        verbose_name=_("admission"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnoses",
    )
    disease_area = models.CharField(_("disease area"), max_length=30, choices=DiseaseArea.choices)
    icd10 = models.CharField(
        _("ICD-10 code"), max_length=12, validators=[validate_icd10], help_text=_("e.g. M51.2")
    )
    level_from = models.PositiveSmallIntegerField(
        _("from level"),
        choices=levels.CHOICES,
        null=True,
        blank=True,
        help_text=_("Most cranial level affected."),
    )
    level_to = models.PositiveSmallIntegerField(
        _("to level"),
        choices=levels.CHOICES,
        null=True,
        blank=True,
        help_text=_("Most caudal level affected."),
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices, default=Side.NOT_APPLICABLE)
    diagnosed_on = models.DateField(_("diagnosed on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-diagnosed_on"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        constraints = [
            models.CheckConstraint(
                condition=Q(level_from__isnull=True)
                | Q(level_to__isnull=True)
                | Q(level_to__gte=F("level_from")),
                name="diagnosis_levels_ordered",
            ),
            models.CheckConstraint(
                condition=Q(level_from__lte=levels.MAX_INDEX), name="diagnosis_level_from_valid"
            ),
            models.CheckConstraint(
                condition=Q(level_to__lte=levels.MAX_INDEX), name="diagnosis_level_to_valid"
            ),
        ]

    def __str__(self):
        return f"{self.icd10} {levels.range_label(self.level_from, self.level_to)}".strip()

    @property
    def levels_label(self) -> str:
        return levels.range_label(self.level_from, self.level_to)

    def clean(self):
        if self.diagnosed_on and self.diagnosed_on > timezone.localdate():
            raise ValidationError({"diagnosed_on": _("The diagnosis date cannot be in the future.")})
        levels.check_range(self.level_from, self.level_to)
        if self.admission_id and self.patient_id and self.admission.patient_id != self.patient_id:
            raise ValidationError({"admission": _("The admission belongs to another patient.")})
