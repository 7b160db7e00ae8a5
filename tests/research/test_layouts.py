"""Wide and REDCap renderings agree with the long table (research-export.md sections 1.2, 3, 10)."""

import csv
import io
import re
import zipfile

import pytest

from openspine.research import services
from openspine.research.choices import ExportLayout, ExportStatus
from openspine.research.export import layouts
from tests.research.conftest import LUMBAR_FUSIONS_12M_ODI, make_study, make_subject


@pytest.fixture
def version(surgeon, researcher, today):
    make_subject(surgeon, baseline=3, twelve=1)
    make_subject(surgeon, baseline=4, twelve=2)
    study = make_study(researcher)
    return services.save_cohort(study.project, LUMBAR_FUSIONS_12M_ODI, actor=researcher, name="Fusions")


def bundle_of(version, researcher, layout) -> zipfile.ZipFile:
    run = services.request_export(version, actor=researcher, purpose="x", layout=layout)
    run = services.execute_export(run)
    assert run.status == ExportStatus.DONE, run.message
    with run.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read())), run


def read(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_long_and_wide_agree(version, researcher):
    archive, run = bundle_of(version, researcher, ExportLayout.WIDE)
    long_rows, wide = read(archive, "long.csv"), read(archive, "wide.csv")
    assert len(wide) == 2 and run.manifest["row_counts"]["wide.csv"] == 2
    assert list(wide[0])[:6] == ["subject_id", "index_event_id", *layouts.COVARIATES]
    assert [name for name in wide[0] if "__" in name] == ["odi_total__baseline", "odi_total__12m"]
    pivot = {
        (row["index_event_id"], f"{row['instrument']}_total__{row['timepoint']}"): row["total"]
        for row in long_rows
        if row["instrument"]
    }
    for row in wide:
        for name, value in row.items():
            if "__" in name:
                assert pivot.get((row["index_event_id"], name), "") == value
    assert all(len(name) <= 32 and re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in wide[0])


def test_redcap_dictionary_has_18_columns_in_order(version, researcher):
    archive, _run = bundle_of(version, researcher, ExportLayout.REDCAP)
    header = next(csv.reader(io.StringIO(archive.read("redcap_dictionary.csv").decode())))
    assert tuple(header) == layouts.REDCAP_HEADER and len(header) == 18
    dictionary = read(archive, "redcap_dictionary.csv")
    assert dictionary[0]["Variable / Field Name"] == "record_id"
    choices = {
        row["Variable / Field Name"]: row["Choices, Calculations, OR Slider Labels"] for row in dictionary
    }
    assert choices["sex"] == "female, Female | male, Male"
    names = [row["Variable / Field Name"] for row in dictionary]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,25}", name) for name in names)


def test_redcap_records_have_event_rows_and_only_dictionary_fields(version, researcher):
    archive, run = bundle_of(version, researcher, ExportLayout.REDCAP)
    records = read(archive, "redcap_records.csv")
    fields = {row["Variable / Field Name"] for row in read(archive, "redcap_dictionary.csv")}
    forms = {row["Form Name"] for row in read(archive, "redcap_dictionary.csv")}
    assert list(records[0])[:2] == ["record_id", "redcap_event_name"]
    for column in records[0]:
        assert column in fields or column in layouts.REDCAP_SYSTEM or column[: -len("_complete")] in forms
    events = [row["redcap_event_name"] for row in records if row["record_id"] == records[0]["record_id"]]
    assert events == ["baseline_arm_1", "3m_arm_1", "12m_arm_1", "24m_arm_1"]
    baseline = records[0]
    assert (
        baseline["odi_complete"] == "2"
        and baseline["subject_complete"] == "2"
        and baseline["odi_total"] == "60.0"
    )
    assert records[1]["subject_id"] == "" and records[1]["odi_status"] == ""
    assert run.manifest["row_counts"]["redcap_records.csv"] == len(records) == 8
    assert set(run.manifest["sha256"]) == {
        "long.csv",
        "redcap_records.csv",
        "redcap_dictionary.csv",
        "codebook.csv",
        "codebook.xlsx",
        "README.txt",
    }


def test_unknown_layout_is_refused(version, researcher):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.request_export(version, actor=researcher, purpose="x", layout="sas")
    assert "redcap" in str(caught.value)


def test_excel_export_writes_the_long_sheet_and_every_bundle_has_codebook_xlsx(version, researcher):
    from openspine.research.choices import ExportFormat

    run = services.request_export(version, actor=researcher, purpose="x", export_format=ExportFormat.XLSX)
    run = services.execute_export(run)
    assert run.status == ExportStatus.DONE, run.message
    with run.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert {"long.xlsx", "codebook.xlsx", "codebook.csv", "manifest.json"} <= set(archive.namelist())
    sheet = zipfile.ZipFile(io.BytesIO(archive.read("long.xlsx"))).read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == run.manifest["row_counts"]["long.xlsx"] + 1 == 9
    assert "odi@2.1a" in sheet and "<f>" not in sheet
    book = zipfile.ZipFile(io.BytesIO(archive.read("codebook.xlsx")))
    assert "label_zh" in book.read("xl/sharedStrings.xml").decode()


def test_excel_refuses_more_rows_than_a_sheet_holds(version, researcher, monkeypatch):
    from openspine.core.errors import DomainError
    from openspine.research import choices

    monkeypatch.setattr(services, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(DomainError, match="Excel holds at most 3 rows"):
        services.request_export(
            version, actor=researcher, purpose="x", export_format=choices.ExportFormat.XLSX
        )
