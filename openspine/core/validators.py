"""Validators for identifiers and codes a Chinese hospital uses.

National ID: GB 11643-1999, 17 digits plus a check character computed with ISO 7064 MOD 11-2.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^(1[3-9]\d{9}|\+[1-9]\d{7,14})$")
_ICD10_RE = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?[*+†]?$")


def national_id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def national_id_birth_date(value: str) -> date | None:
    """Return the birth date embedded in an 18-character ID, or None if it is not a real date."""
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_national_id(value: str) -> None:
    """Raise unless ``value`` is an 18-character resident ID with a valid birth date and check character."""
    if not _ID_RE.match(value or ""):
        raise ValidationError(
            _("A national ID number has 17 digits followed by a digit or X."), code="format"
        )
    if national_id_birth_date(value) is None:
        raise ValidationError(_("Digits 7-14 of the national ID number are not a valid date."), code="date")
    if national_id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of the national ID number is wrong; check for a typo."), code="check"
        )


def normalise_mrn(value: str) -> str:
    """The search key of a hospital number: full-width to half-width (NFKC), no spaces, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def normalise_national_id(value: str) -> str:
    return (value or "").strip().upper()


def validate_mobile(value: str) -> None:
    """Raise unless ``value`` is a mainland mobile number (11 digits, 13x-19x) or +country number."""
    if not _MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("Enter an 11-digit mobile number starting 13-19, or an international number starting with +."),
            code="format",
        )


def normalise_mobile(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_icd10(value: str) -> None:
    """Raise unless ``value`` looks like an ICD-10 code: a letter, two digits, optional . and up to 4."""
    if not _ICD10_RE.match(value or ""):
        raise ValidationError(
            _("Enter an ICD-10 code such as M51.2 or M48.06 (letter, two digits, optional dot and detail)."),
            code="format",
        )
