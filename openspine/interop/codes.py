"""Normalise and check the codes and values a 病案首页 export carries (interop.md 2.3, 3.1, 3.3).

Exports arrive with full-width characters, stray spaces, lost dots and lost leading zeros. Every
value is normalised with NFKC and stripped of spaces first; codes are then matched against the
reference's patterns and the original string is always kept beside the normalised one.
"""

import re
import unicodedata

# interop.md 3.1 [T]: our design, "tune it against the hospital's code file".
ICD10_DIAGNOSIS = re.compile(r"^[A-Z][0-9]{2}(\.[0-9xX]([0-9]{1,2})?(x[0-9]{3})?)?[†*]?$")
ICD10_MORPHOLOGY = re.compile(r"^M[0-9]{5}/[0-9]$")
# interop.md 3.3: two digits, an optional dot and one or two digits; the edition-specific suffix
# is UNVERIFIED, so up to three further digits are accepted and the edition is kept.
ICD9CM3 = re.compile(r"^[0-9]{2}(\.[0-9]{1,2}[0-9]{0,3})?$")
_SPACES = re.compile(r"\s+")
_MARKS = "†*"


def clean_text(value) -> str:
    """Return ``value`` as text: NFKC (full-width to half-width), trimmed, inner runs of space kept as one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell: 12345.0 was typed as 12345
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def normalise_icd10(raw) -> str:
    """Normalise a diagnosis code: NFKC, no spaces, first letter upper case, the lost dot put back.

    ``Ｍ５１．２０２`` and ``M51 .202`` become ``M51.202``; ``M51202`` (dot lost) becomes
    ``M51.202``. A trailing † or * is kept (dagger/asterisk pairs, interop.md 3.1). Only the first
    letter is upper-cased: the lowercase ``x`` is the Chinese extension separator.
    """
    code = _SPACES.sub("", clean_text(raw))
    if not code:
        return ""
    code = code[0].upper() + code[1:]
    body, mark = (code[:-1], code[-1]) if code[-1] in _MARKS else (code, "")
    if len(body) > 3 and body[3] != "." and "/" not in body and body[1:3].isdigit():
        body = body[:3] + "." + body[3:]
    return body + mark


def is_icd10(code: str) -> bool:
    """Return True for a diagnosis or morphology code in the reference's format (interop.md 3.1)."""
    return bool(ICD10_DIAGNOSIS.match(code) or ICD10_MORPHOLOGY.match(code))


def normalise_icd9cm3(raw) -> str:
    """Normalise a procedure code: NFKC, no spaces, the category's lost leading zero put back.

    A number cell turns ``03.09`` into ``3.09``: the category always has two digits, so the zero
    is restored. Trailing zeros lost by a number cell (``81.00`` read as ``81``) cannot be known
    and are not guessed.
    """
    code = _SPACES.sub("", clean_text(raw))
    head, dot, tail = code.partition(".")
    if head.isdigit() and len(head) == 1:
        head = "0" + head
    return head + dot + tail


def is_icd9cm3(code: str) -> bool:
    return bool(ICD9CM3.match(code))
