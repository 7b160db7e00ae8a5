"""The codebook of the long table (research-export.md section 2): one row per variable, bilingual."""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from openspine.patients.choices import DiseaseArea, Sex
from openspine.research.choices import ExportMode

CODEBOOK_VERSION = "long-1"
# A fixed creation time in the workbook, so the same data give the same bytes (research-export.md 9).
_FIXED_TIME = __import__("datetime").datetime(2000, 1, 1)
CODEBOOK_COLUMNS = (
    "variable",
    "file",
    "label_en",
    "label_zh",
    "type",
    "unit",
    "allowed_values",
    "missing_codes",
    "derivation",
    "deid_treatment",
    "n_nonmissing",
)
STATUSES = "complete|partial|not_due|missed|refused|lost|dead|cancelled"


def _codes(choices) -> str:
    return "|".join(value for value, _label in choices)


# variable: (label, type, unit, allowed values, derivation, de-identification treatment)
VARIABLES = {
    "subject_id": (_("Subject pseudonym (random, per project)"), "text", "", "", "random", "pseudonymised"),
    "index_event_id": (
        _("Index operation of the subject (pseudonym-number)"),
        "text",
        "",
        "",
        "",
        "pseudonymised",
    ),
    "index_year": (_("Year of the index operation"), "integer", "a", "", "", "generalised"),
    "age_at_index": (
        _("Age at the index operation in whole years; 90+ above 89"),
        "category",
        "a",
        "0..89|90+",
        "",
        "generalised",
    ),
    "sex": (_("Sex"), "category", "", _codes(Sex.choices), "", "kept"),
    "disease_area": (
        _("Disease area of the indication"),
        "category",
        "",
        _codes(DiseaseArea.choices),
        "",
        "kept",
    ),
    "timepoint": (_("Protocol timepoint"), "category", "", "", "follow-up protocol label", "kept"),
    "days_from_index": (
        _("Days from the index operation to completion (negative = before)"),
        "integer",
        "d",
        "",
        "completed date - operation date",
        "shifted to an interval",
    ),
    "in_window": (_("Completed inside the protocol window"), "bool", "", "True|False", "", "kept"),
    "instrument": (_("Instrument code (spinescores)"), "category", "", "", "", "kept"),
    "instrument_version": (_("Instrument and scoring version"), "text", "", "", "spinescores", "kept"),
    "value_set": (_("EQ-5D value set"), "category", "", "", "", "kept"),
    "language": (_("Language of the questionnaire"), "category", "", "zh-Hans|en", "", "kept"),
    "mode": (_("Mode of completion"), "category", "", "web|phone|clinic", "", "kept"),
    "status": (_("Status of this instrument at this timepoint"), "category", "", STATUSES, "", "kept"),
    "total": (_("Total score; empty if not scoreable"), "float", "", "", "spinescores score()", "kept"),
    "index_date_shifted": (
        _("Date of the index operation, shifted per patient"),
        "date",
        "",
        "",
        "date + secret offset",
        "shifted",
    ),
    "collected_on_shifted": (
        _("Date of completion, shifted per patient"),
        "date",
        "",
        "",
        "date + secret offset",
        "shifted",
    ),
}


def codebook_rows(columns, counts: dict[str, int]) -> list[dict]:
    """Return the codebook rows of ``columns`` with the non-missing counts seen while exporting."""
    rows = []
    for name in columns:
        label, kind, unit, allowed, derivation, treatment = VARIABLES[name]
        with translation.override("zh-hans"):
            label_zh = str(label)
        with translation.override("en"):
            label_en = str(label)
        rows.append(
            {
                "variable": name,
                "file": "long.csv",
                "label_en": label_en,
                "label_zh": label_zh,
                "type": kind,
                "unit": unit,
                "allowed_values": allowed,
                "missing_codes": "empty cell; see status",
                "derivation": derivation,
                "deid_treatment": treatment,
                "n_nonmissing": counts.get(name, 0),
            }
        )
    return rows


def codebook_csv(columns, counts) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CODEBOOK_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(codebook_rows(columns, counts))
    return buffer.getvalue()


def codebook_xlsx(columns, counts) -> bytes:
    """The same codebook as an Excel workbook (bilingual labels side by side)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("codebook")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, CODEBOOK_COLUMNS, bold)
    for number, row in enumerate(codebook_rows(columns, counts), start=1):
        sheet.write_row(number, 0, [row[name] for name in CODEBOOK_COLUMNS])
    sheet.freeze_panes(1, 1)
    workbook.set_properties({"created": _FIXED_TIME})
    workbook.close()
    return buffer.getvalue()


def readme_text(*, run_summary: dict) -> str:
    """The README: cohort in words, mode, approval, counts (research-export.md section 2)."""
    mode = run_summary["mode"]
    lines = [
        "OpenSpine research export",
        "",
        f"Project: {run_summary['project']}",
        f"Ethics approval: {run_summary['approval']}",
        f"Cohort: {run_summary['cohort']} (version {run_summary['version']})",
        f"Criteria: {run_summary['criteria_text']}",
        "Index event: each signed operation matching the criteria, of a patient with research consent.",
        f"Rows: {run_summary['rows']}; subjects: {run_summary['subjects']}",
        f"Mode: {mode}",
    ]
    if mode == ExportMode.LIMITED:
        lines.append("LIMITED DATA SET - NOT DE-IDENTIFIED. Use only under the data use agreement.")
        lines.append(f"Data use agreement: {run_summary['dua']}")
    else:
        lines.append(
            "De-identified (Safe Harbor): no calendar dates except the year, ages over 89 as 90+, "
            "no free text, no implant numbers, random per-project pseudonyms."
        )
    if run_summary.get("format") == "parquet":
        lines += [
            "",
            "The long table is Parquet, partitioned by index_year and disease_area (Hive layout).",
            "Unzip, then for example in DuckDB:",
            "  SELECT timepoint, count(*) AS n, avg(total) AS mean_total",
            "  FROM read_parquet('long/*/*/*.parquet', hive_partitioning = true)",
            "  WHERE instrument = 'odi' GROUP BY timepoint ORDER BY timepoint;",
            "Spark: spark.read.parquet('long/') reads the same files.",
        ]
    return "\r\n".join(lines) + "\r\n"
