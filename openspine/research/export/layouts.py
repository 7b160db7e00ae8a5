"""Wide and REDCap renderings of the canonical long rows (research-export.md sections 1.2, 1.3, 3).

Both consume the long rows in their export order (subject, index operation, timepoint, instrument)
and emit one output row per group as soon as the group ends, so memory stays one group deep. Since
every rendering reads the same long rows, all layouts agree by construction (section 0, decision 2).
"""

from itertools import groupby

from openspine.patients.choices import DiseaseArea, Sex
from openspine.proms.metrics import timepoint_sort_key
from openspine.research.export.rows import LONG_COLUMNS

COVARIATES = ("index_year", "age_at_index", "sex", "disease_area")
REDCAP_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
REDCAP_SYSTEM = ("record_id", "redcap_event_name")
STATUS_CHOICES = ("complete", "partial", "not_due", "missed", "refused", "lost", "dead", "cancelled")
_INDEX = {name: position for position, name in enumerate(LONG_COLUMNS)}


def _get(row, name):
    return row[_INDEX[name]]


def blocks(instrument_timepoints) -> list[tuple[str, str]]:
    """(instrument, timepoint) pairs in clinical timepoint order, then instrument code."""
    return sorted(set(instrument_timepoints), key=lambda pair: (timepoint_sort_key(pair[1]), pair[0]))


# --- wide ------------------------------------------------------------------------------------


def wide_columns(pairs) -> list[str]:
    """``subject_id``, ``index_event_id``, covariates, then ``<instrument>_total__<timepoint>``."""
    return ["subject_id", "index_event_id", *COVARIATES, *(f"{i}_total__{t}" for i, t in pairs)]


def _by_event(items):
    """Group ``(patient pk, long row)`` items by index operation."""
    return groupby(items, key=lambda item: _get(item[1], "index_event_id"))


def wide_rows(items, pairs):
    """Yield ``(patient pk, wide row)`` per index operation from ``(patient pk, long row)`` items."""
    position = {pair: n for n, pair in enumerate(pairs)}
    for event_id, group in _by_event(items):
        group = list(group)
        patient, first = group[0]
        scores = [None] * len(pairs)
        for _patient, row in group:
            pair = (_get(row, "instrument"), _get(row, "timepoint"))
            if pair in position:
                scores[position[pair]] = _get(row, "total")
        covariates = [_get(first, name) for name in COVARIATES]
        yield patient, [_get(first, "subject_id"), event_id, *covariates, *scores]


# --- REDCap ----------------------------------------------------------------------------------


def _choices(choices) -> str:
    return " | ".join(f"{code}, {label}" for code, label in choices)


def redcap_event(timepoint: str) -> str:
    """A REDCap unique event name: lowercase letters, digits and underscores, ``_arm_1``."""
    return f"{''.join(ch if ch.isalnum() else '_' for ch in timepoint.lower())}_arm_1"


def redcap_dictionary(instruments) -> list[dict]:
    """The data dictionary rows: the record id, a covariates form, one form per instrument."""

    def field(name, form, kind, label, choices="", validation="", note=""):
        row = dict.fromkeys(REDCAP_HEADER, "")
        row.update(
            {
                "Variable / Field Name": name,
                "Form Name": form,
                "Field Type": kind,
                "Field Label": label,
                "Choices, Calculations, OR Slider Labels": choices,
                "Text Validation Type OR Show Slider Number": validation,
                "Field Note": note,
            }
        )
        return row

    rows = [
        field("record_id", "subject", "text", "Index operation (pseudonym-number)"),
        field("subject_id", "subject", "text", "Subject pseudonym"),
        field("index_year", "subject", "text", "Year of the index operation", validation="integer"),
        field("age_at_index", "subject", "text", "Age at the index operation (90+ above 89)"),
        field("sex", "subject", "dropdown", "Sex", _choices([(c, str(label)) for c, label in Sex.choices])),
        field(
            "disease_area",
            "subject",
            "dropdown",
            "Disease area",
            _choices([(c, str(label)) for c, label in DiseaseArea.choices]),
        ),
    ]
    for code in instruments:
        rows.append(field(f"{code}_total", code, "text", f"{code} total score", validation="number"))
        rows.append(
            field(f"{code}_days", code, "text", "Days from the index operation", validation="integer")
        )
        rows.append(
            field(f"{code}_status", code, "dropdown", "Status", _choices([(s, s) for s in STATUS_CHOICES]))
        )
    return rows


def redcap_columns(instruments) -> list[str]:
    columns = [*REDCAP_SYSTEM, "subject_id", *COVARIATES, "subject_complete"]
    for code in instruments:
        columns += [f"{code}_total", f"{code}_days", f"{code}_status", f"{code}_complete"]
    return columns


def redcap_rows(items, instruments):
    """Yield ``(patient pk, row dict)`` per index operation × timepoint; covariates on the first event."""
    for event_id, group in _by_event(items):
        first_event = True
        for timepoint, cells in groupby(group, key=lambda item: _get(item[1], "timepoint")):
            record = {"record_id": event_id, "redcap_event_name": redcap_event(timepoint)}
            patient = None
            for item in cells:
                patient, row = item
                code = _get(row, "instrument")
                if first_event and "subject_id" not in record:
                    record.update({name: _get(row, name) for name in ("subject_id", *COVARIATES)})
                    record["subject_complete"] = 2
                if code in instruments:
                    record[f"{code}_total"] = _get(row, "total")
                    record[f"{code}_days"] = _get(row, "days_from_index")
                    record[f"{code}_status"] = _get(row, "status")
                    record[f"{code}_complete"] = 2 if _get(row, "status") == "complete" else 0
            first_event = False
            yield patient, record
