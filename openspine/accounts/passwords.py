"""The two password profiles of security.md decision 2, as Django password validators (T-8).

``cn-mlps`` (production default, MLPS 8.1.4.1a): at least 12 characters, three of four character
classes, expiry after 90 days with a warning beforehand. ``asvs5`` (ASVS 5.0 6.2.x): at least 12 and
up to 128 characters, no composition rules, no expiry. Both reject common passwords (Django's list
plus a bundled Chinese list, offline) and passwords built from context words. Neither truncates.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PROFILES = {
    "cn-mlps": {"min_length": 12, "max_length": 128, "classes": 3, "expiry_days": 90},
    "asvs5": {"min_length": 12, "max_length": 128, "classes": 0, "expiry_days": None},
}
EXPIRY_WARNING_DAYS = 14
DATA_DIR = Path(__file__).resolve().parent / "data"
# Words staff are likely to build passwords from: the product, the specialty, the hospital, in
# English, pinyin and hanzi (department and hospital names are added from the settings and database).
CONTEXT_WORDS = ("openspine", "spine", "jizhu", "脊柱", "guke", "骨科", "yiyuan", "医院", "hospital")


def profile() -> dict:
    name = getattr(settings, "OPENSPINE_PASSWORD_PROFILE", "cn-mlps")
    if name not in PROFILES:
        raise ValueError(f"OPENSPINE_PASSWORD_PROFILE must be one of {sorted(PROFILES)}, not {name!r}")
    return PROFILES[name]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    words = set(CommonPasswordValidator().passwords)  # Django's bundled list, offline
    extra = (DATA_DIR / "common-passwords-zh.txt").read_text(encoding="utf-8").splitlines()
    words.update(w.strip().lower() for w in extra if w.strip() and not w.startswith("#"))
    return frozenset(words)


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def context_words(user=None) -> set[str]:
    words = {w.lower() for w in CONTEXT_WORDS}
    words.update(w.lower() for w in getattr(settings, "HOSPITAL_NAME", "").split() if len(w) >= 4)
    if user is not None:
        for value in (user.username, getattr(user, "display_name", ""), getattr(user, "email", "")):
            value = (value or "").split("@")[0].lower()
            if len(value) >= 3:
                words.add(value)
        department = getattr(user, "department", None)
        if department is not None:
            words.update(w.lower() for w in (department.code, department.name) if len(w) >= 2)
    return words


class ProfilePasswordValidator:
    """Apply the configured profile: length bounds, composition (cn-mlps), common and context words."""

    def validate(self, password, user=None):
        rules = profile()
        errors = []
        if len(password) < rules["min_length"]:
            errors.append(
                ngettext(
                    "The password must be at least %(n)d character long.",
                    "The password must be at least %(n)d characters long.",
                    rules["min_length"],
                )
                % {"n": rules["min_length"]}
            )
        if len(password) > rules["max_length"]:
            errors.append(
                _("The password may be at most %(n)d characters long.") % {"n": rules["max_length"]}
            )
        if rules["classes"] and character_classes(password) < rules["classes"]:
            errors.append(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, upper-case letters, "
                    "digits, symbols."
                )
                % {"n": rules["classes"]}
            )
        lowered = password.lower()
        if lowered in common_passwords() or lowered.strip("0123456789!@#.") in common_passwords():
            errors.append(_("This password is too common."))
        if any(word in lowered for word in context_words(user)):
            errors.append(_("The password must not contain your name, user name, department or hospital."))
        if errors:
            raise ValidationError(errors, code="password_policy")

    def get_help_text(self):
        rules = profile()
        text = _(
            "At least %(n)d characters; not a common password; not your name, department or hospital."
        ) % {"n": rules["min_length"]}
        if rules["classes"]:
            text += " " + _("Mix at least %(n)d of: lower case, upper case, digits, symbols.") % {
                "n": rules["classes"]
            }
        return text


def days_until_expiry(user) -> int | None:
    """Return the days until ``user``'s password expires, or None if the profile has no expiry."""
    days = profile()["expiry_days"]
    if not days or user.password_changed_at is None:
        return None
    age = timezone.now() - user.password_changed_at
    return days - age.days
