"""Patients, their admissions and their diagnoses."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core import levels
from openspine.core.fields import (
    BlindIndexField,
    EncryptedTextField,
    LastDigitsField,
    NormalisedField,
    index_value,
    sync_derived_fields,
)
from openspine.core.models import ClinicalRecord, PublicIdModel
from openspine.core.validators import (
    normalise_mobile,
    normalise_mrn,
    normalise_national_id,
    validate_icd10,
    validate_mobile,
    validate_national_id,
)
from openspine.patients.choices import (
    ConsentChannel,
    ConsentKind,
    DischargeDestination,
    DiseaseArea,
    Language,
    Sex,
    Side,
)


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Patients of the user's department (clinical roles); callers check the role first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(department_id=user.department_id)

    def search(self, query: str):
        """Return the patients matching ``query``: hospital number, national ID, phone or name.

        Every branch is an indexed comparison; nothing is decrypted. The hospital number is
        compared through its normalised key ``mrn_key`` (exact, or as a prefix from three
        characters). Identifiers are encrypted (T-55), so the database compares keyed blind
        indexes for the exact national ID, full phone number and full name, the plain
        ``phone_last4`` column for four digits, and keyed name tokens (:class:`PatientNameToken`)
        for a part of a name: a patient matches when every word of the query is one of its tokens.
        """
        query = (query or "").strip()
        if not query:
            return self
        if query.isdigit() and len(query) == 4:
            return self.filter(phone_last4=query)
        key = normalise_mrn(query)
        every = Patient._base_manager.order_by()
        branches = [every.filter(mrn_key=key)]
        if len(key) >= MRN_PREFIX_MIN:
            branches.append(every.filter(mrn_key__startswith=key))
        national_id = index_value(query, purpose=NATIONAL_ID_PURPOSE, normalise=normalise_national_id)
        branches.append(every.filter(national_id_index=national_id))
        branches.append(
            every.filter(phone_index=index_value(query, purpose=PHONE_PURPOSE, normalise=normalise_mobile))
        )
        if not query.lstrip("+").isdigit():
            branches.append(every.filter(name_index=index_value(query, purpose=NAME_PURPOSE)))
        pks = [branch.values("pk") for branch in branches] + _name_token_patients(query)
        # One indexed lookup per branch, united: the database never filters the department row by
        # row with an OR over columns and subqueries.
        return self.filter(pk__in=pks[0].union(*pks[1:]))


MRN_PREFIX_MIN = 3
NATIONAL_ID_PURPOSE = "patients.patient.national_id"
PHONE_PURPOSE = "patients.patient.phone"
NAME_PURPOSE = "patients.patient.name"
NAME_PIECE_PURPOSE = "patients.patient.name.token"
# Substrings of a CJK run are indexed up to this length; a longer query run is matched by all its
# windows of this length (a name has rarely more than four characters).
CJK_TOKEN_MAX = 10
LATIN_PREFIX_MIN = 2
# Scripts written without spaces between the parts of a name: every substring is a token.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_WORDS = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
_IS_CJK = re.compile(f"[{_CJK}]")


def name_words(name: str) -> list[str]:
    """Split a name into normalised words: NFKC (full-width to half-width), case-folded, CJK runs apart.

    Punctuation and spaces (including the middle dot of transliterated names) separate words.
    """
    return _WORDS.findall(unicodedata.normalize("NFKC", name or "").casefold())


def name_token_terms(name: str) -> set[str]:
    """Return the plaintext terms indexed for ``name`` (each is stored only as a keyed hash).

    CJK runs: every substring of length 1..:data:`CJK_TOKEN_MAX`. Other words: every prefix of
    length :data:`LATIN_PREFIX_MIN` or more. Plus the whole normalised name (words joined by a
    space).
    """
    words = name_words(name)
    terms = {" ".join(words)} if words else set()
    for word in words:
        if _IS_CJK.match(word):
            terms.update(
                word[start:end]
                for start in range(len(word))
                for end in range(start + 1, min(len(word), start + CJK_TOKEN_MAX) + 1)
            )
        else:
            terms.update(word[:end] for end in range(LATIN_PREFIX_MIN, len(word) + 1))
    return terms


def name_token(term: str) -> str:
    """The keyed hash of one name term (HMAC with the field index key, its own purpose)."""
    return index_value(term, purpose=NAME_PIECE_PURPOSE)


def _query_terms(query: str) -> list[str]:
    """The terms a query must all match: its words (long CJK runs as their windows)."""
    terms = []
    for word in name_words(query):
        if _IS_CJK.match(word) and len(word) > CJK_TOKEN_MAX:
            terms.extend(word[i : i + CJK_TOKEN_MAX] for i in range(len(word) - CJK_TOKEN_MAX + 1))
        elif _IS_CJK.match(word) or len(word) >= LATIN_PREFIX_MIN:
            terms.append(word)
    return terms


def _name_token_patients(query: str) -> list:
    """Subqueries of patient ids: the whole name is the query, or a token for every query word."""
    whole = " ".join(name_words(query))
    if not whole:
        return []
    tokens = PatientNameToken.objects.order_by()
    found = [tokens.filter(token=name_token(whole)).values("patient_id")]
    terms = list(dict.fromkeys(_query_terms(query)))
    if terms:
        every = tokens.filter(token=name_token(terms[0]))
        for term in terms[1:]:
            every = every.filter(patient_id__in=tokens.filter(token=name_token(term)).values("patient_id"))
        found.append(every.values("patient_id"))
    return found


class Patient(ClinicalRecord):
    """A person treated by the department, as registered in the hospital information system.

    The identifying fields (MRN, name, national ID, phone) are kept together; they are for clinical
    staff only, never appear in URLs (``public_id`` does) and are masked in the audit trail.

    Name, national ID and phone are encrypted at rest (AES-256-GCM or SM4-GCM, T-55); the database
    searches them only through keyed blind indexes. The MRN stays in clear: it is the hospital's own
    record number, not a national identifier, and imports and the HIS interface match on it (a
    unique, exact key). ``phone_last4`` is a deliberate plain copy of the last four phone digits:
    the "last four digits" search and the portal identity check need it, and four digits alone do
    not identify anyone. ``mrn_key`` is the MRN normalised for search (full-width to half-width,
    no spaces, upper case), set by :func:`openspine.core.fields.sync_derived_fields` and on save,
    and unique: ``ab 123`` and ``ＡＢ123`` are the same hospital number. A part of a name is found
    through :class:`PatientNameToken` rows, which :func:`openspine.patients.services.index_patient_names`
    keeps in step with the name.
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
    name = EncryptedTextField(_("name"), max_length=100)
    national_id = EncryptedTextField(
        _("national ID number"),
        max_length=18,
        blank=True,
        validators=[validate_national_id],
        help_text=_("18-character resident identity card number; optional for international patients."),
    )
    phone = EncryptedTextField(
        _("mobile phone"),
        max_length=16,
        blank=True,
        validators=[validate_mobile],
        help_text=_("Used for follow-up."),
    )
    # --- search columns derived from the identifiers (never shown) ----------------------------
    mrn_key = NormalisedField(
        _("hospital number search key"), source="mrn", normalise=normalise_mrn, max_length=64, unique=True
    )
    name_index = BlindIndexField(_("name search key"), source="name", db_index=True)
    national_id_index = BlindIndexField(
        _("national ID search key"), source="national_id", normalise=normalise_national_id, db_index=True
    )
    phone_index = BlindIndexField(
        _("phone search key"), source="phone", normalise=normalise_mobile, db_index=True
    )
    phone_last4 = LastDigitsField(_("last four phone digits"), source="phone", digits=4)
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
        # The patient list without a query shows the department's most recently changed patients.
        indexes = [models.Index(fields=["department", "-updated_at"], name="patient_recent_by_department")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__gte=date(1880, 1, 1)), name="patient_birth_date_plausible"
            ),
            models.UniqueConstraint(
                fields=["national_id_index"],
                condition=~Q(national_id_index=""),
                name="patient_national_id_unique",
            ),
        ]

    def __str__(self):
        return self.mrn

    def age_on(self, day: date) -> int:
        """Return the age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def clean(self):
        self.clean_values()
        self._check_mrn_unique()
        self._check_national_id_unique()

    def clean_values(self):
        """Run the checks of :meth:`clean` that need no query and set the derived columns.

        The uniqueness of the hospital number and national ID is left out: the bulk demo seeder
        checks it once per batch instead of once per row.
        """
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
        if self.deceased_on and self.birth_date and self.deceased_on < self.birth_date:
            raise ValidationError({"deceased_on": _("The date of death cannot be before the birth date.")})
        self._clean_national_id()
        sync_derived_fields(self)

    def validate_unique(self, exclude=None):
        # clean() reports a duplicate hospital number on the mrn field; the key is never shown.
        super().validate_unique(exclude={*(exclude or ()), "mrn_key"})

    def _check_mrn_unique(self):
        if self.mrn_key and Patient.objects.filter(mrn_key=self.mrn_key).exclude(pk=self.pk).exists():
            raise ValidationError({"mrn": _("A patient with this hospital number is already registered.")})

    @classmethod
    def after_field_key_rotation(cls, queryset) -> None:
        """Rebuild the name tokens under the new index key (called by ``rotate_model``)."""
        from openspine.patients.services import index_patient_names

        index_patient_names(queryset)

    def validate_constraints(self, exclude=None):
        """Check the constraints, leaving national-ID uniqueness to clean() and the database.

        clean() reports a duplicate national ID on the national ID field. Django's own check of the
        conditional unique constraint would report the same duplicate as a nameless error when a
        concurrent registration commits between the two checks; the constraint itself still decides
        that race, and the service turns its IntegrityError into the named error.
        """
        super().validate_constraints(exclude={*(exclude or ()), "national_id_index"})

    def _check_national_id_unique(self):
        # Uniqueness lives on the blind index (the ciphertext differs every time); the constraint
        # added in migration 0003 is the database backstop.
        if not self.national_id_index:
            return
        others = Patient.objects.filter(national_id_index=self.national_id_index).exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {"national_id": _("A patient with this national ID number is already registered.")}
            )

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


class PatientNameToken(models.Model):
    """One keyed token of a patient's name, so a part of a name is found by one indexed lookup.

    The token is the HMAC (field index key, purpose :data:`NAME_PIECE_PURPOSE`) of a normalised
    piece of the name: each substring of a CJK name, each prefix of two letters or more of each
    other word, and the whole name (:func:`name_token_terms`). Rows are derived data, rebuilt from
    the decrypted name by :func:`openspine.patients.services.index_patient_names` whenever the name
    is saved or the keys rotate.

    Leakage trade-off (T-55): the tokens are keyed, so without the index key (outside the database)
    a token reveals nothing about the name and cannot be tested against a guess. What the table
    does reveal to someone with database access is structure: how many tokens a patient has (about
    the length of the name) and which patients share a token. Shared tokens allow frequency
    analysis: the most common single-character token across a department is very likely a common
    surname (王, 李, 张), and patients sharing a whole-name token share a name. That residual risk
    is accepted for a searchable name; the encrypted name itself stays unreadable, and the exact
    ``name_index`` blind index already revealed equal full names.
    """

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="name_tokens"
    )
    token = models.CharField(_("token"), max_length=64, db_index=True)

    class Meta:
        # No unique (patient, token) constraint: the builder writes each term once, and a third
        # index would slow the bulk rebuild; the token index serves search, the patient one rebuilds.
        verbose_name = _("name search token")
        verbose_name_plural = _("name search tokens")

    def __str__(self):
        return f"{self.patient_id}"


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
            *levels.range_constraints("diagnosis"),
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


class ConsentRecord(PublicIdModel):
    """One decision of a patient about one kind of processing: a consent given or withdrawn.

    Records are never changed: a new decision is a new row, and the latest row per kind is the
    patient's current decision. Each row names the version and SHA-256 of the text the patient
    agreed to, so a later change of purpose (new text) is visible and asks for a new consent
    (PIPL Art. 14, 29; T-51).
    """

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="consents"
    )
    kind = models.CharField(_("kind of consent"), max_length=30, choices=ConsentKind.choices)
    granted = models.BooleanField(_("granted"), help_text=_("Unticked records a withdrawal or refusal."))
    text_version = models.CharField(
        _("text version"), max_length=40, help_text=_("Version of the consent text shown to the patient.")
    )
    text_hash = models.CharField(
        _("text hash"), max_length=64, help_text=_("SHA-256 of the consent text, in hexadecimal.")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20, choices=ConsentChannel.choices)
    witness = models.CharField(
        _("witness"), max_length=100, blank=True, help_text=_("Who witnessed a paper or verbal consent.")
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["patient", "kind", "-decided_at"], name="consent_latest_idx")]

    def __str__(self):
        state = _("granted") if self.granted else _("withdrawn")
        return f"{self.get_kind_display()}: {state}"

    def clean(self):
        if self.decided_at and self.decided_at > timezone.now():
            raise ValidationError({"decided_at": _("The consent date cannot be in the future.")})
        if self.text_hash and (len(self.text_hash) != 64 or set(self.text_hash) - set("0123456789abcdef")):
            raise ValidationError(
                {"text_hash": _("Give the SHA-256 as 64 lowercase hexadecimal characters.")}
            )
