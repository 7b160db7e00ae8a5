"""The case log as an Excel workbook in the shape of the 规培登记手册 (registration handbook).

teaching.md 1.5: residents keep a 《住院医师规范化培训登记手册》 of diseases and procedures [S], but
the handbook's exact layout was NOT FOUND. The columns are therefore those teaching.md section 5
names for handbook checks (date, masked 病案号, procedure, category, role, confirmed-by, Zwisch),
and the sheet's header and note say that the layout is unverified. Record numbers are masked as on
the trainee's page (teaching.md 9); cells are written as strings, never as formulas.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

#: (Chinese, English) column headings; the columns of teaching.md 5.
COLUMNS = (
    ("日期", "Date"),
    ("病案号（遮蔽）", "Record number (masked)"),
    ("手术", "Procedure"),
    ("类别", "Category"),
    ("角色", "Role"),
    ("状态", "State"),
    ("确认人", "Confirmed by"),
    ("Zwisch（上级医师）", "Zwisch (attending)"),
)
TITLE = "住院医师规范化培训登记手册 · 手术登记 / Residency case log (规培 handbook shape)"
LAYOUT_NOTE = (
    "登记手册的正式版式未找到（teaching.md §1.5 NOT FOUND）；各列依据 teaching.md §5，版式未经核实。",
    "The handbook's official layout was NOT FOUND (teaching.md 1.5); columns follow teaching.md 5; "
    "layout unverified.",
)


def handbook_rows(entries, attending_rating) -> list[list[str]]:
    """Return one row of strings per entry; ``attending_rating(entry)`` gives the Zwisch label or ""."""
    rows = []
    for entry in entries:
        procedures = "; ".join(p.code for p in entry.operation.procedures.all())
        rows.append(
            [
                entry.performed_on.isoformat(),
                entry.record_number,
                procedures,
                "; ".join(str(label) for label in entry.category_labels),
                str(entry.get_credit_role_display()),
                str(entry.get_state_display()),
                str(entry.confirmed_by or ""),
                str(attending_rating(entry) or ""),
            ]
        )
    return rows


def handbook_xlsx(rows, *, trainee_name: str, stage: str) -> bytes:
    """Return the workbook: a title, the trainee, the layout note, the headings and the rows."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("登记手册 Case log")
    bold = workbook.add_format({"bold": True})
    warn = workbook.add_format({"italic": True, "font_color": "#8a5a00", "text_wrap": True})
    head = workbook.add_format({"bold": True, "bg_color": "#eef1f4", "border": 1, "text_wrap": True})
    sheet.write_string(0, 0, TITLE, bold)
    sheet.write_string(1, 0, f"{_('Trainee')}: {trainee_name}    {stage}")
    sheet.write_string(2, 0, LAYOUT_NOTE[0], warn)
    sheet.write_string(3, 0, LAYOUT_NOTE[1], warn)
    for col, (zh, en) in enumerate(COLUMNS):
        sheet.write_string(5, col, f"{zh}\n{en}", head)
    for r, row in enumerate(rows, start=6):
        for col, value in enumerate(row):
            sheet.write_string(r, col, value)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 3, 28)
    sheet.set_column(4, 7, 18)
    sheet.freeze_panes(6, 0)
    workbook.close()
    return buffer.getvalue()
