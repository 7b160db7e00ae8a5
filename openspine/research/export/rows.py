"""The canonical long table: one row per subject × timepoint × instrument (research-export.md 1.1).

Rows stream from one query over follow-ups left-joined to their responses, ordered by patient,
index operation, due date and instrument, with ``values_list`` and ``iterator(chunk_size=...)`` so
memory stays flat (section 7). On PostgreSQL the query runs inside ``transaction.atomic()`` so the
named cursor is an ordinary one and rows stream; on SQLite it does not, because this project's
SQLite transactions take the write lock at BEGIN (settings: ``transaction_mode="IMMEDIATE"``).

De-identification (security.md decision 3, T-45, T-46):

* Safe Harbor (default): no calendar date leaves, only the year of the index operation and days
  from it; ages over 89 are one ``90+`` category; no free text, no implant numbers; subjects are
  per-project random pseudonyms.
* Limited data set: adds the index and collection dates shifted by the patient's secret offset
  (1–364 days, stored apart in :class:`~openspine.research.models.SubjectKey`), so every interval
  is kept.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from openspine.proms.choices import CancelReason, FollowUpState
from openspine.proms.models import FollowUp
from openspine.research.choices import ExportMode
from openspine.research.models import SubjectKey

CHUNK = 2000
QUASI_IDENTIFIERS = ("age_at_index", "sex", "index_year", "disease_area")
K_REVIEW_BELOW = 5  # security.md T-48
AGE_TOP_CODE = 90  # Safe Harbor: ages over 89 are aggregated into one category (security.md decision 3)
LONG_COLUMNS = (
    "subject_id",
    "index_event_id",
    "index_year",
    "age_at_index",
    "sex",
    "disease_area",
    "timepoint",
    "days_from_index",
    "in_window",
    "instrument",
    "instrument_version",
    "value_set",
    "language",
    "mode",
    "status",
    "total",
)
LDS_COLUMNS = ("index_date_shifted", "collected_on_shifted")
_FIELDS = (
    "patient_id",
    "operation_id",
    "operation__performed_on",
    "patient__birth_date",
    "patient__sex",
    "operation__diagnosis__disease_area",
    "timepoint",
    "state",
    "cancel_reason",
    "window_opens_on",
    "window_closes_on",
    "responses__instrument",
    "responses__instrument_version",
    "responses__value_set",
    "responses__language",
    "responses__mode",
    "responses__value",
    "collected_on",
    "pseudonym",
    "offset",
)
# Positions in a ``_FIELDS`` tuple (rows are read as tuples, not dicts: a fifth of the row's time).
(PATIENT, OPERATION, PERFORMED, BIRTH, SEX, AREA, TIMEPOINT, STATE, CANCEL, OPENS, CLOSES, INSTRUMENT,
 VERSION, VALUE_SET, LANGUAGE, MODE, VALUE, COLLECTED, PSEUDONYM, OFFSET) = range(len(_FIELDS))  # fmt: skip
PENDING = (FollowUpState.SCHEDULED, FollowUpState.DUE, FollowUpState.INVITED, FollowUpState.OPENED)
CANCEL_STATUS = {
    CancelReason.DECEASED: "dead",
    CancelReason.CONSENT_WITHDRAWN: "refused",
    CancelReason.LOST_TO_CONTACT: "lost",
}
MODES = {"self": "web", "phone": "phone", "clinic": "clinic"}
LANGUAGES = {"zh-hans": "zh-Hans", "en": "en"}


def columns_for(mode: str) -> tuple[str, ...]:
    return LONG_COLUMNS + (LDS_COLUMNS if mode == ExportMode.LIMITED else ())


def follow_ups_of(operations, project):
    """The follow-ups of the cohort's operations, with the project's pseudonym and offset, in export order."""
    keys = SubjectKey.objects.filter(project=project, patient=OuterRef("patient_id"))
    return (
        FollowUp.objects.filter(operation__in=operations.values("pk"))
        .annotate(
            pseudonym=Subquery(keys.values("pseudonym")[:1]),
            offset=Subquery(keys.values("date_offset_days")[:1]),
            # The collection day in the hospital's own zone, computed by the database (not per row
            # in Python with astimezone: a tenth of the row's time).
            collected_on=TruncDate("responses__completed_at", tzinfo=timezone.get_default_timezone()),
        )
        .order_by(
            "patient_id", "operation__performed_on", "operation_id", "due_on", "pk", "responses__instrument"
        )
    )


def age_value(birth, day) -> int | str:
    """Whole years on ``day``; ``90+`` from 90 on (Safe Harbor)."""
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return f"{AGE_TOP_CODE}+" if age >= AGE_TOP_CODE else age


def _status(state, cancel_reason, instrument, value) -> str:
    if instrument:
        return "complete" if value is not None else "partial"
    if state in PENDING:
        return "not_due"
    if state == FollowUpState.CANCELLED:
        return CANCEL_STATUS.get(cancel_reason, "cancelled")
    return "missed"


@dataclass
class RowStats:
    """What the stream saw, for the manifest: rows, subjects, instrument versions."""

    rows: int = 0
    subjects: int = 0
    instrument_versions: set = field(default_factory=set)
    pairs: set = field(default_factory=set)
    classes: Counter = field(default_factory=Counter)

    def k_anonymity(self) -> dict:
        """k over the quasi-identifiers of each index operation (security.md T-48), for the manifest.

        T-48 asks to suppress, generalise or block when k < 5; the export reports k and the classes
        below 5 so the requester and the approver can decide (it is expert practice, not a rule).
        """
        small = sum(1 for size in self.classes.values() if size < K_REVIEW_BELOW)
        return {
            "quasi_identifiers": list(QUASI_IDENTIFIERS),
            "k": min(self.classes.values(), default=0),
            "classes": len(self.classes),
            "classes_below_5": small,
        }


def iter_long_rows(follow_ups, *, mode: str, stats: RowStats | None = None):
    """Yield ``(patient pk, row tuple)`` for each long row; the pk is for the canary scan, never written."""
    stats = stats if stats is not None else RowStats()
    limited = mode == ExportMode.LIMITED
    last_patient, last_operation, event = None, None, 0
    if connection.vendor == "postgresql":
        with transaction.atomic():
            yield from _rows(follow_ups, limited, stats, [last_patient, last_operation, event])
    else:
        yield from _rows(follow_ups, limited, stats, [last_patient, last_operation, event])


def _rows(follow_ups, limited, stats, state):
    versions, pairs, classes = stats.instrument_versions, stats.pairs, stats.classes
    for record in follow_ups.values_list(*_FIELDS).iterator(chunk_size=CHUNK):
        patient, operation = record[PATIENT], record[OPERATION]
        if patient != state[0]:
            state[0], state[2] = patient, 0
            stats.subjects += 1
        if operation != state[1]:
            state[1], state[2] = operation, state[2] + 1
            classes[_quasi(record)] += 1
        stats.rows += 1
        instrument = record[INSTRUMENT]
        if instrument:
            versions.add((instrument, record[VERSION]))
            pairs.add((instrument, record[TIMEPOINT]))
        yield patient, _row(record, f"{record[PSEUDONYM]}-{state[2]}", limited)


def _quasi(record) -> tuple:
    performed = record[PERFORMED]
    return (age_value(record[BIRTH], performed), record[SEX], performed.year, record[AREA])


def _row(record, event_id, limited):
    """One long row from a ``_FIELDS`` tuple (positions named by the constants above)."""
    performed = record[PERFORMED]
    collected = record[COLLECTED]
    instrument = record[INSTRUMENT]
    language, mode = record[LANGUAGE], record[MODE]
    row = (
        record[PSEUDONYM],
        event_id,
        performed.year,
        age_value(record[BIRTH], performed),
        record[SEX],
        record[AREA],
        record[TIMEPOINT],
        (collected - performed).days if collected else None,
        (record[OPENS] <= collected <= record[CLOSES]) if collected else None,
        instrument or "",
        record[VERSION] or "",
        record[VALUE_SET] or "",
        LANGUAGES.get(language, language or ""),
        MODES.get(mode, mode or ""),
        _status(record[STATE], record[CANCEL], instrument, record[VALUE]),
        record[VALUE],
    )
    if limited:
        shift = timedelta(days=record[OFFSET])
        row += ((performed + shift).isoformat(), (collected + shift).isoformat() if collected else "")
    return row
