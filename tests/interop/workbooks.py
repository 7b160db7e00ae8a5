"""Synthetic 病案首页 workbooks for the tests (never real patients)."""

import io
from datetime import date

from openpyxl import Workbook

HEADER = [
    "病案号",
    "住院次数",
    "住院号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "入院日期",
    "出院日期",
    "出院科别",
    "离院方式",
    "主要诊断编码",
    "主要诊断名称",
    "其他诊断1编码",
    "手术1编码",
    "手术1名称",
    "手术1日期",
    "手术1级别",
    "手术2编码",
]


def front_page_row(n: int = 1, **overrides) -> dict:
    values = {
        "病案号": f"00{n:06d}",
        "住院次数": 1,
        "住院号": f"ZY{n:07d}",
        "姓名": f"测试{n}",
        "性别": "男",
        "出生日期": date(1960, 5, 1),
        "身份证号": "",
        "入院日期": date(2026, 3, 2),
        "出院日期": date(2026, 3, 9),
        "出院科别": "脊柱外科",
        "离院方式": "1",
        "主要诊断编码": "M51.202",
        "主要诊断名称": "腰椎间盘突出症",
        "其他诊断1编码": "",
        "手术1编码": "81.07",
        "手术1名称": "腰椎后路融合",
        "手术1日期": date(2026, 3, 4),
        "手术1级别": "四级",
        "手术2编码": "",
    }
    values.update(overrides)
    return values


def workbook(rows: list[dict], *, header=HEADER, group_row: bool = False) -> bytes:
    """Return .xlsx bytes: an optional merged group header row, the header, then the rows."""
    book = Workbook()
    sheet = book.active
    if group_row:
        sheet.append(["患者信息"] + [""] * 10 + ["出院诊断"] + [""] * (len(header) - 12))
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=11)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
