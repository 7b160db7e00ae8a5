"""The demo's hospital-interface samples: a messy 病案首页 workbook and a small HL7 v2 stream.

Synthetic only (Faker zh_CN, fixed seed): written to ``var/demo/`` by ``seed_demo`` so the records
office can upload the workbook (about one row in six is rejected with a named reason; a second
upload changes nothing) and ``manage.py hl7_send var/demo/adt_stream.hl7`` can feed the listener.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from faker import Faker
from openpyxl import Workbook

from openspine.interop.adapters.frontpage import EXCEL_EPOCH
from openspine.interop.samples import adt

ROWS = 60
GROUP = ["患者信息"] * 11 + ["出院诊断"] * 3 + ["手术及操作"] * 5
HEADER = [
    "病案号", "住院次数", "住院号", "姓名", "性别", "出生日期", "身份证号", "入院日期", "出院日期",
    "出院科别", "离院方式", "主要诊断编码", "主要诊断名称", "其他诊断1编码", "手术1编码", "手术1名称",
    "手术1日期", "手术1级别", "手术2编码",
]  # fmt: skip
DIAGNOSES = [
    ("M51.202", "腰椎间盘突出症"),
    ("M48.06", "腰椎管狭窄"),
    ("M43.16", "腰椎滑脱"),
    ("M50.1", "颈椎间盘病"),
]
OPERATIONS = [("81.08", "腰椎椎间融合术（后入路）"), ("80.51", "椎间盘切除术"), ("81.02", "颈椎前路融合术")]


def demo_dir() -> Path:
    return Path(getattr(settings, "OPENSPINE_DEMO_DIR", settings.VAR_DIR / "demo"))


def write_samples(seed: int = 2026) -> tuple[Path, Path]:
    """Write the workbook and the HL7 stream (same seed, same bytes of data); return their paths."""
    folder = demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    workbook_path, stream_path = folder / "病案首页_demo.xlsx", folder / "adt_stream.hl7"
    build_workbook(seed).save(workbook_path)
    stream_path.write_text("\n".join(adt_stream()), encoding="utf-8")
    return workbook_path, stream_path


def build_workbook(seed: int = 2026) -> Workbook:
    """A front-page export with a merged group header and the pitfalls of interop.md 2.3."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    today = timezone.localdate()
    book = Workbook()
    sheet = book.active
    sheet.title = "病案首页"
    sheet.append(GROUP)
    for start, end in ((1, 11), (12, 14), (15, 19)):
        sheet.merge_cells(start_row=1, start_column=start, end_row=1, end_column=end)
    sheet.append(HEADER)
    for n in range(1, ROWS + 1):
        sheet.append(_row(n, fake, today))
    return book


def _row(n: int, fake: Faker, today) -> list:
    admitted = today - timedelta(days=30 + 7 * n)
    birth = fake.date_of_birth(minimum_age=30, maximum_age=85)
    dx_code, dx_name = DIAGNOSES[n % len(DIAGNOSES)]
    op_code, op_name = OPERATIONS[n % len(OPERATIONS)]
    row = {
        "病案号": f"{n:08d}",
        "住院次数": 1,
        "住院号": f"ZYD{n:06d}",
        "姓名": fake.name(),
        "性别": "男" if n % 2 else "女",
        "出生日期": birth,
        "入院日期": admitted,
        "出院日期": admitted + timedelta(days=5 + n % 6),
        "出院科别": "脊柱外科",
        "离院方式": "1",
        "主要诊断编码": dx_code,
        "主要诊断名称": dx_name,
        "手术1编码": op_code,
        "手术1名称": op_name,
        "手术1日期": admitted + timedelta(days=2),
        "手术1级别": "四级" if n % 3 else "Ⅲ",
    }
    _mess(n, row, today)
    return [row.get(name, "") for name in HEADER]


def _mess(n: int, row: dict, today) -> None:
    """Make some rows messy the way real exports are: fixable ones, and a few that must be rejected."""
    if n % 5 == 0:  # full-width code with a stray space: normalised
        row["主要诊断编码"] = "Ｍ５１ ．２０２"
    if n % 7 == 0:  # an Excel serial number instead of a date cell: read
        row["入院日期"] = (row["入院日期"] - EXCEL_EPOCH).days
    if n % 11 == 0:  # the dot lost: put back
        row["主要诊断编码"] = row["主要诊断编码"].replace(".", "")
    if n % 13 == 0:  # rejected: a date in the future
        row["出院日期"] = today + timedelta(days=40)
    if n % 17 == 0:  # rejected: not an allowed 性别
        row["性别"] = "未知"
    if n % 19 == 0:  # rejected: malformed ICD-10 code
        row["主要诊断编码"] = "M51..2"
    if n % 23 == 0:  # rejected: the same 病案号 as row n-1 with another birth date
        row["病案号"] = f"{n - 1:08d}"
        row["住院次数"] = 2


def adt_stream() -> list[str]:
    """A short ADT stream for three synthetic patients, one segment per line (CR → LF for the file)."""
    today = timezone.localdate()
    admit = (today - timedelta(days=3)).strftime("%Y%m%d") + "080000"
    discharge = today.strftime("%Y%m%d") + "100000"
    messages = [
        adt(
            "A01",
            "DEMO-0001",
            mrn="H0000001",
            family="周",
            given="晓梅",
            sex="F",
            visit="ZYH001",
            admitted=admit,
        ),
        adt("A01", "DEMO-0002", mrn="H0000002", family="吴", given="建国", visit="ZYH002", admitted=admit),
        adt(
            "A02",
            "DEMO-0003",
            mrn="H0000001",
            family="周",
            given="晓梅",
            sex="F",
            visit="ZYH001",
            ward="SPINE2",
        ),
        adt("A08", "DEMO-0004", mrn="H0000002", family="吴", given="建华", visit="ZYH002", admitted=admit),
        adt(
            "A03",
            "DEMO-0005",
            mrn="H0000001",
            family="周",
            given="晓梅",
            sex="F",
            visit="ZYH001",
            discharged=discharge,
        ),
        adt("A01", "DEMO-0006", mrn="H0000003", family="郑", given="一", visit="ZYH003", admitted=admit),
        # An A11 is never applied (OpenSpine deletes no clinical record): a dead letter to look at.
        adt("A11", "DEMO-0007", mrn="H0000003", family="郑", given="一", visit="ZYH003"),
        adt(
            "A01",
            "DEMO-0001",
            mrn="H0000001",
            family="周",
            given="晓梅",
            sex="F",
            visit="ZYH001",
            admitted=admit,
        ),
        adt("A40", "DEMO-0008", mrn="H0000002", family="吴", given="建华", visit="ZYH002"),  # no MRG: dead
        adt(
            "A40",
            "DEMO-0009",
            mrn="H0000002",
            family="吴",
            given="建华",
            visit="ZYH002",
            prior_mrn="H0000003",
        ),
    ]
    return [m.replace("\r", "\n") for m in messages]
