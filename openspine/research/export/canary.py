"""The canary scan: refuse an export in which an identifier of an exported patient survives (T-45).

Two checks run on every line written (security.md T-45 b and c):

* the real identifiers of the line's own patient, read from the database (name, national ID,
  phone, hospital number, admission numbers, implant lot numbers) must not appear as substrings;
* detectors find no mobile number (``1[3-9]`` and nine digits), no national ID with a valid
  GB 11643 check digit, no e-mail address, URL or IPv4 address.

Every cell of a data line derives from that line's patient or from fixed code lists (free text is
never exported, T-50), so checking a line against its own patient's identifiers plus the detectors
covers the file without comparing each line with every patient. Whole-file texts (codebook,
README, manifest) are checked against every exported patient's identifiers.
"""

import bisect
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from openspine.core.validators import national_id_check_char
from openspine.patients.models import Admission, Patient
from openspine.surgery.models import Implant

MIN_CANARY = 2
# Digits right after a decimal point are a fraction (a score printed in full), never a phone or ID.
_DETECTORS = re.compile(
    r"(?P<phone>(?<![\d.])1[3-9]\d{9}(?!\d))"
    r"|(?P<national_id>(?<![0-9A-Za-z.])\d{17}[\dXx](?![0-9A-Za-z]))"
    r"|(?P<email>[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>(?:https?|ftp)://|www\.)"
    r"|(?P<ipv4>(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]))"
)


class IdentifierFound(Exception):
    """An identifier survived in an export: the export must be refused and its file deleted."""

    def __init__(self, kind: str):
        super().__init__(
            _("An identifier (%(kind)s) was found in the export; the export was refused.") % {"kind": kind}
        )
        self.kind = kind


def load_canaries(patient_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Return {patient pk: identifiers} for the given patients, read (and decrypted) from the database."""
    ids = list(patient_ids)
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for patient in Patient.objects.filter(pk__in=chunk).only("pk", "mrn", "name", "national_id", "phone"):
            found[patient.pk].update((patient.mrn, patient.name, patient.national_id, patient.phone))
        for patient_id, number in Admission.objects.filter(patient_id__in=chunk).values_list(
            "patient_id", "admission_number"
        ):
            found[patient_id].add(number)
        for patient_id, lot in Implant.objects.filter(operation__patient_id__in=chunk).values_list(
            "operation__patient_id", "lot_number"
        ):
            found[patient_id].add(lot)
    return {
        pk: tuple(sorted(v for v in values if v and len(v) >= MIN_CANARY)) for pk, values in found.items()
    }


WINDOW = 2000


class CanaryWindow:
    """The identifiers of a cohort's patients, read a window of patients at a time (flat memory).

    Export rows come ordered by patient, so :meth:`get` loads the identifiers of the next
    :data:`WINDOW` patients of the sorted id list when it passes the loaded ones, and forgets the
    window behind it. Holding every patient's identifiers at once grew the export's memory with the
    cohort (86 MB at 100,000 rows, 186 MB at 1,000,000). A patient outside the window moves the
    window to it, so another order is slower but never unscanned.
    """

    def __init__(self, patient_ids: Iterable[int], size: int = WINDOW):
        self.ids = sorted(set(patient_ids))
        self.size = size
        self.loaded: dict[int, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def values(self):
        """Yield every patient's identifiers, a window at a time (for whole-file checks)."""
        for start in range(0, len(self.ids), self.size):
            yield from load_canaries(self.ids[start : start + self.size]).values()

    def get(self, patient_id: int, default=()) -> tuple[str, ...]:
        if patient_id in self.loaded:
            return self.loaded[patient_id]
        position = bisect.bisect_left(self.ids, patient_id)
        if position == len(self.ids) or self.ids[position] != patient_id:
            return default
        self.loaded = load_canaries(self.ids[position : position + self.size])
        return self.loaded.get(patient_id, default)


def _valid_national_id(text: str) -> bool:
    return national_id_check_char(text[:17]) == text[17].upper()


def detect(text: str) -> str:
    """Return the kind of the first identifier the detectors find in ``text``, or ""."""
    for match in _DETECTORS.finditer(text):
        kind = match.lastgroup
        if kind == "national_id" and not _valid_national_id(match.group()):
            continue
        return kind
    return ""


_DIGITS_TO_ZERO = str.maketrans("0123456789", "0000000000")
_ELEVEN = "0" * 11
_ZEROS = re.compile("0+")
_DOTTED = re.compile(r"\.\d{1,3}\.")


def detect_block(text: str) -> str:
    """:func:`detect` for a block of many lines, with the same answer, ~30 times faster on clean data.

    The combined detector regex costs ~70 µs per export line (issue 12's profile). Each of its
    kinds needs a cheap sign first, checked at C speed: an ``@`` (e-mail), ``://`` or ``www.``
    (URL), ``.d{1,3}.`` (the middle of an IPv4 address), or a run of 11 or more digits not right
    after a decimal point (a phone number or national ID; the digits of a score's fraction follow
    a point). Only a block with a sign is searched by :func:`detect` itself.
    """
    if "@" in text or "://" in text or "www." in text or _DOTTED.search(text):
        return detect(text)
    zeros = text.translate(_DIGITS_TO_ZERO)
    at = zeros.find(_ELEVEN)
    while at != -1:  # ``at`` is always the start of a digit run
        if at == 0 or zeros[at - 1] != ".":
            return detect(text)
        at = zeros.find(_ELEVEN, _ZEROS.match(zeros, at).end())
    return ""


def check_line(text: str, canaries: tuple[str, ...]) -> None:
    """Raise :class:`IdentifierFound` if ``text`` holds one of ``canaries`` or a detected identifier."""
    for canary in canaries:
        if canary in text:
            raise IdentifierFound("patient identifier")
    kind = detect(text)
    if kind:
        raise IdentifierFound(kind)


def check_text(text: str, canaries) -> None:
    """Check a whole-file text against every patient's identifiers and the detectors.

    ``canaries`` is a ``{patient pk: identifiers}`` dict or a :class:`CanaryWindow`. Each
    identifier is looked for in the whole text at once (none holds a line break), so the cost is
    one search per identifier, not one per identifier and line.
    """
    for values in canaries.values():
        for canary in values:
            if canary in text:
                raise IdentifierFound("patient identifier")
    kind = detect(text)
    if kind:
        raise IdentifierFound(kind)
