"""Parse a 病案首页 (inpatient front page) export into canonical records; never write anything.

interop.md 0.1: adapters only parse, one service reconciles. This adapter reads the first sheet of
an .xlsx/.xls file with python-calamine (or a CSV in UTF-8 or GB18030), finds the header row even
under merged group headers, maps the hospital's column names to our fields and returns one
:class:`ParsedRow` per data row, each with the errors that name its row, field and allowed values.
The pitfalls handled are those of interop.md 2.3.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openspine.interop import codes
from openspine.interop.choices import EDITION_NAMES, CodeEdition

# Our field → (label shown in errors, default 首页 column name, required). interop.md 2.1.
FIELDS = {
    "mrn": (gettext_lazy("病案号"), "病案号", True),
    "sequence": (gettext_lazy("住院次数"), "住院次数", True),
    "visit_number": (gettext_lazy("住院号"), "住院号", False),
    "name": (gettext_lazy("姓名"), "姓名", True),
    "sex": (gettext_lazy("性别"), "性别", True),
    "birth_date": (gettext_lazy("出生日期"), "出生日期", True),
    "national_id": (gettext_lazy("身份证号"), "身份证号", False),
    "phone": (gettext_lazy("联系电话"), "联系电话", False),
    "admitted_on": (gettext_lazy("入院日期"), "入院日期", True),
    "discharged_on": (gettext_lazy("出院日期"), "出院日期", False),
    "ward": (gettext_lazy("出院科别"), "出院科别", False),
    "disposition": (gettext_lazy("离院方式"), "离院方式", False),
    "edition": (gettext_lazy("编码版本"), "编码版本", False),
    "dx_code": (gettext_lazy("主要诊断编码"), "主要诊断编码", False),
    "dx_name": (gettext_lazy("主要诊断名称"), "主要诊断名称", False),
}
# Repeated groups in wide columns; ``{n}`` is 1, 2, ... (interop.md 2.3: 手术1编码 ... 手术N).
WIDE_FIELDS = {
    "other_dx_code": (gettext_lazy("其他诊断编码"), "其他诊断{n}编码"),
    "op_code": (gettext_lazy("手术及操作编码"), "手术{n}编码"),
    "op_name": (gettext_lazy("手术及操作名称"), "手术{n}名称"),
    "op_date": (gettext_lazy("手术及操作日期"), "手术{n}日期"),
    "op_grade": (gettext_lazy("手术级别"), "手术{n}级别"),
}
DEFAULT_COLUMNS = {key: spec[1] for key, spec in FIELDS.items()} | {
    key: spec[1] for key, spec in WIDE_FIELDS.items()
}
MAX_WIDE = 20
HEADER_SCAN_ROWS = 6
SEX_VALUES = {"男": "male", "女": "female", "male": "male", "female": "female", "M": "male", "F": "female"}
# 离院方式 codes (interop.md 2.1 [M]) onto our discharge destinations; the raw code is kept too.
DISPOSITION_VALUES = {
    "1": "home",
    "2": "other_hospital",
    "3": "other",
    "4": "other",
    "5": "died",
    "9": "other",
}
# 手术级别 1-4 (interop.md 2.1); Roman numerals typed as Unicode or Latin letters (2.3).
GRADE_VALUES = {
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
}
EDITION_VALUES = {str(label): value for value, label in CodeEdition.choices} | {
    v: v for v in CodeEdition.values
}
# Excel's 1900 date system: serial 1 is 1900-01-01, with the fictitious 1900-02-29 (serial 60).
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})")


class FileRefused(Exception):
    """The file cannot be read as a front-page export at all (format, header, required columns)."""


@dataclass
class ParsedRow:
    """One data row: its number in the sheet (1-based, as Excel shows it), values and errors."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def reject(self, key: str, message: str) -> None:
        label = FIELDS[key][0] if key in FIELDS else WIDE_FIELDS[key][0]
        self.errors.append({"row": self.number, "field": str(label), "message": str(message)})


def read_rows(content: bytes, filename: str) -> list[list]:
    """Return the cells of the first sheet (or the CSV) as lists; refuse an unreadable file."""
    name = filename.lower()
    if name.endswith(".csv"):
        return list(csv.reader(io.StringIO(_decode_csv(content))))
    if not name.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise FileRefused(_("Upload an .xlsx, .xls or .csv file."))
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types for each broken format
        raise FileRefused(_("The file cannot be read as a workbook: %(error)s") % {"error": error})


def _decode_csv(content: bytes) -> str:
    # Chinese HIS exports are UTF-8 (often with a BOM) or GB18030; nothing else is guessed.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("The CSV file is neither UTF-8 nor GB18030 text."))


def locate_columns(rows: list[list], columns: dict) -> tuple[int, dict]:
    """Find the header row and return (its index, {our field: column index}).

    Merged group headers (出院诊断 above 主要诊断编码) leave the child row as the header; a child
    cell left empty under a merge takes the group's name. The header is the row among the first
    :data:`HEADER_SCAN_ROWS` that matches the most mapped names. Missing required columns refuse the
    file, naming them and the columns found.
    """
    best, best_index, best_names = -1, 0, []
    for index in range(min(HEADER_SCAN_ROWS, len(rows))):
        names = _header_names(rows, index)
        score = sum(1 for name in columns.values() if name and name in names)
        score += sum(1 for key in WIDE_FIELDS if _wide_hits(columns.get(key, ""), names))
        if score > best:
            best, best_index, best_names = score, index, names
    found = {key: best_names.index(name) for key, name in columns.items() if name and name in best_names}
    missing = [str(FIELDS[key][0]) for key, spec in FIELDS.items() if spec[2] and key not in found]
    if missing:
        raise FileRefused(
            _("Required columns are missing: %(missing)s. Columns found: %(found)s.")
            % {"missing": "、".join(missing), "found": "、".join(n for n in best_names if n) or "-"}
        )
    for key in WIDE_FIELDS:
        for n in range(1, MAX_WIDE + 1):
            name = (columns.get(key) or "").replace("{n}", str(n))
            if "{n}" in (columns.get(key) or "") and name in best_names:
                found[f"{key}:{n}"] = best_names.index(name)
    return best_index, found


def _header_names(rows: list[list], index: int) -> list[str]:
    names = [codes.clean_text(cell).replace(" ", "") for cell in rows[index]]
    if index == 0:
        return names
    parent, group = rows[index - 1], ""
    for column, name in enumerate(names):
        above = codes.clean_text(parent[column]) if column < len(parent) else ""
        group = above or group
        if not name and group:
            names[column] = group.replace(" ", "")
    return names


def _wide_hits(template: str, names: list[str]) -> bool:
    return "{n}" in template and template.replace("{n}", "1") in names


def parse_rows(
    rows: list[list], columns: dict, *, default_edition: str, mrn_width: int = 0
) -> list[ParsedRow]:
    """Parse every non-empty data row below the header into a :class:`ParsedRow`."""
    header, found = locate_columns(rows, columns)
    parsed = []
    for index in range(header + 1, len(rows)):
        cells = rows[index]
        if not any(codes.clean_text(cell) for cell in cells):
            continue
        parsed.append(_parse_row(index + 1, cells, found, default_edition, mrn_width))
    return parsed


def _parse_row(number: int, cells: list, found: dict, default_edition: str, mrn_width: int) -> ParsedRow:
    row = ParsedRow(number)

    def cell(key):
        column = found.get(key)
        return cells[column] if column is not None and column < len(cells) else None

    values = row.values
    values["mrn"] = _text_key(cell("mrn"), mrn_width)
    values["visit_number"] = codes.clean_text(cell("visit_number")).replace(" ", "")
    values["name"] = codes.clean_text(cell("name"))
    values["national_id"] = codes.clean_text(cell("national_id")).replace(" ", "").upper()
    values["phone"] = codes.clean_text(cell("phone")).replace(" ", "").replace("-", "")
    values["ward"] = codes.clean_text(cell("ward"))[:40]
    _require(row, "mrn")
    _require(row, "name")
    _parse_sequence(row, cell("sequence"))
    _parse_choice(row, "sex", cell("sex"), SEX_VALUES, required=True)
    _parse_choice(row, "disposition", cell("disposition"), DISPOSITION_VALUES)
    values["disposition_code"] = codes.clean_text(cell("disposition"))
    for key in ("birth_date", "admitted_on", "discharged_on"):
        _parse_date(row, key, cell(key), required=FIELDS[key][2])
    if (
        values.get("discharged_on")
        and values.get("admitted_on")
        and values["discharged_on"] < values["admitted_on"]
    ):
        row.reject("discharged_on", _("The discharge date is before the admission date."))
    _parse_edition(row, cell("edition"), default_edition)
    values["diagnoses"] = _parse_diagnoses(row, cell, found)
    values["procedures"] = _parse_procedures(row, cell, found)
    return row


def _text_key(value, width: int) -> str:
    """A record number as text; a number cell lost its leading zeros, restored to the site's width."""
    text = codes.clean_text(value).replace(" ", "")
    if width and isinstance(value, int | float) and text.isdigit():
        text = text.zfill(width)
    return text


def _require(row: ParsedRow, key: str) -> None:
    if not row.values.get(key):
        row.reject(key, _("This field is required."))


def _parse_sequence(row: ParsedRow, value) -> None:
    text = codes.clean_text(value)
    if text.isdigit() and 1 <= int(text) <= 999:
        row.values["sequence"] = int(text)
    else:
        row.reject("sequence", _("Give a whole number from 1 to 999 (got “%(value)s”).") % {"value": text})


def _parse_choice(row: ParsedRow, key: str, value, allowed: dict, *, required: bool = False) -> None:
    text = codes.clean_text(value)
    if not text and not required:
        row.values[key] = ""
        return
    if text in allowed:
        row.values[key] = allowed[text]
        return
    row.reject(
        key,
        _("“%(value)s” is not allowed; allowed values: %(allowed)s.")
        % {"value": text, "allowed": ", ".join(allowed)},
    )


def to_date(value) -> date | None:
    """Read a date from a date cell, an Excel serial number or text.

    Text may be 2026-03-04, 2026/3/4, 2026年3月4日 or 20260304.

    Raises ValueError for anything else.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's last day is 9999-12-31
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(value)
    text = codes.clean_text(value)
    if re.fullmatch(r"\d{8}", text):
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial number that arrived as text (CSV)
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


def _parse_date(row: ParsedRow, key: str, value, *, required: bool) -> None:
    if codes.clean_text(value) == "":
        row.values[key] = None
        if required:
            row.reject(key, _("This field is required."))
        return
    try:
        day = to_date(value)
    except ValueError:
        row.reject(
            key,
            _("“%(value)s” is not a date; give YYYY-MM-DD, YYYY/M/D, YYYY年M月D日 or an Excel date.")
            % {"value": codes.clean_text(value)},
        )
        return
    if day > timezone.localdate():
        row.reject(key, _("The date %(day)s is in the future.") % {"day": day.isoformat()})
    elif day < date(1880, 1, 1):
        row.reject(key, _("The date %(day)s is before 1880.") % {"day": day.isoformat()})
    row.values[key] = day


def _parse_edition(row: ParsedRow, value, default: str) -> None:
    text = codes.clean_text(value)
    if not text:
        row.values["edition"] = default
    elif text in EDITION_VALUES:
        row.values["edition"] = EDITION_VALUES[text]
    else:
        row.values["edition"] = ""
        allowed = ", ".join(EDITION_NAMES.values())
        row.reject(
            "edition",
            _("Unknown code edition “%(value)s”; allowed: %(allowed)s.")
            % {"value": text, "allowed": allowed},
        )


def _parse_diagnoses(row: ParsedRow, cell, found: dict) -> list[dict]:
    raw_codes = [("dx_code", cell("dx_code"), True)]
    raw_codes += [
        ("other_dx_code", cell(f"other_dx_code:{n}"), False)
        for n in range(1, MAX_WIDE + 1)
        if f"other_dx_code:{n}" in found
    ]
    diagnoses = []
    for key, raw, principal in raw_codes:
        raw_text = codes.clean_text(raw)
        if not raw_text:
            continue
        code = codes.normalise_icd10(raw_text)
        if not codes.is_icd10(code):
            row.reject(
                key,
                _("“%(value)s” is not an ICD-10 code; expected a form such as M51.202 or U07.100x002.")
                % {"value": raw_text},
            )
            continue
        if principal and code.endswith("*"):
            row.reject(
                key,
                _("An asterisk (manifestation) code cannot be the principal diagnosis: “%(value)s”.")
                % {"value": raw_text},
            )
            continue
        name = codes.clean_text(cell("dx_name")) if principal else ""
        diagnoses.append({"code": code, "raw": str(raw), "name": name, "principal": principal})
    return diagnoses


def _parse_procedures(row: ParsedRow, cell, found: dict) -> list[dict]:
    procedures = []
    for n in range(1, MAX_WIDE + 1):
        raw = cell(f"op_code:{n}")
        raw_text = codes.clean_text(raw)
        if not raw_text:
            continue
        code = codes.normalise_icd9cm3(raw_text)
        if not codes.is_icd9cm3(code):
            row.reject(
                "op_code",
                _("“%(value)s” is not an ICD-9-CM-3 code; expected a form such as 81.07 or 03.09.")
                % {"value": raw_text},
            )
            continue
        procedure = {
            "code": code,
            "raw": str(raw),
            "name": codes.clean_text(cell(f"op_name:{n}")),
            "position": n,
        }
        procedure["performed_on"] = _wide_date(row, cell(f"op_date:{n}"))
        grade = codes.clean_text(cell(f"op_grade:{n}")).replace("级", "").upper()
        if grade and grade not in GRADE_VALUES:
            row.reject(
                "op_grade",
                _("“%(value)s” is not allowed; allowed values: 1, 2, 3, 4 (or I-IV).") % {"value": grade},
            )
        procedure["grade"] = GRADE_VALUES.get(grade)
        procedures.append(procedure)
    return procedures


def _wide_date(row: ParsedRow, value) -> date | None:
    if codes.clean_text(value) == "":
        return None
    try:
        day = to_date(value)
    except ValueError:
        row.reject("op_date", _("“%(value)s” is not a date.") % {"value": codes.clean_text(value)})
        return None
    if day > timezone.localdate():
        row.reject("op_date", _("The date %(day)s is in the future.") % {"day": day.isoformat()})
    return day
