"""The case log as an Excel workbook in the 规培 handbook's shape, with the layout marked unverified."""

import io

import openpyxl
import pytest
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.surgery import services as surgery
from openspine.teaching import handbook, services
from openspine.teaching.models import CaseLogEntry
from tests import builders


@pytest.fixture
def confirmed(patient, surgeon, trainee, junior):
    operation = builders.make_operation(
        patient, actor=surgeon, team=[(trainee, "primary_surgeon"), (junior, "assistant_1")]
    )
    surgery.sign_operation(operation, actor=surgeon)
    mine = CaseLogEntry.objects.get(trainee=trainee)
    services.rate_own_entry(mine, actor=trainee, zwisch="passive_help")
    return services.confirm_case_log_entry(mine, actor=surgeon, zwisch="active_help")


def test_handbook_workbook_has_masked_numbers_the_columns_and_the_not_found_note(
    client_for, trainee, confirmed, patient
):
    response = client_for(trainee).get(reverse("teaching:caselog_handbook"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    text = "\n".join(str(v) for row in cells for v in row if v)
    assert "NOT FOUND" in text and "未找到" in text
    assert cells[5][0] == "日期\nDate"
    (data,) = cells[6:]
    assert data[0] == confirmed.performed_on.isoformat()
    assert data[1] == confirmed.record_number and patient.mrn not in text
    assert data[7] in ("Active help", "主动帮助")  # both rated: the attending's rating shows
    workbook.close()
    assert AuditEvent.objects.filter(action="teaching.caselog.exported", actor=trainee).exists()


def test_handbook_rows_hide_the_attendings_rating_until_the_trainee_rated(surgeon, trainee, patient):
    operation = builders.make_operation(patient, actor=surgeon, team=[(trainee, "primary_surgeon")])
    surgery.sign_operation(operation, actor=surgeon)
    entry = CaseLogEntry.objects.get(trainee=trainee)
    services.confirm_case_log_entry(entry, actor=surgeon, zwisch="active_help")
    hidden = services.visible_ratings(entry, trainee)["attending"]
    (row,) = handbook.handbook_rows([entry], lambda e: hidden)
    assert row[7] == ""


def test_handbook_pdf_embeds_chinese_glyphs_and_is_audited(client_for, trainee, confirmed):
    from openspine.core.pdf import embedded_fonts

    response = client_for(trainee).get(reverse("teaching:caselog_handbook_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert any("CJK" in name for name in embedded_fonts(response.content))
    assert AuditEvent.objects.filter(action="teaching.caselog.exported", after__format="pdf").exists()
