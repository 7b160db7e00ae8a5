"""The annual quality report: a task writes a PDF with the indicators; the director signs it off."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from openspine.analytics.models import QualityReport
from openspine.audit.models import AuditEvent
from openspine.core.pdf import embedded_fonts
from tests.analytics.test_indicators import complication
from tests.openspine.test_followup_engine import at, signed_operation

LIST = reverse("analytics:report_list")
TODAY = date(2026, 12, 1)


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def on_today():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _generate(client, language, django_capture_on_commit_callbacks, year=2026):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"year": year, "language": language})
    assert response.status_code == 302
    return QualityReport.objects.latest("pk")


def _download(client, report) -> bytes:
    response = client.get(reverse("analytics:report_download", args=[report.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Annual quality report 2026", "Surgical site infection", "Parameters", "software_version"]),
        ("zh-hans", ["年度质量报告", "software_version"]),
    ],
)
def test_the_task_writes_a_pdf_with_the_indicators(
    client_for,
    director,
    surgeon,
    immediate_tasks,
    on_today,
    django_capture_on_commit_callbacks,
    language,
    expected,
):
    for n in range(3):
        op = signed_operation(surgeon, day=date(2026, 3, 2 + n))
        if n == 0:
            complication(op, surgeon, op.performed_on, "I")
    client = client_for(director)
    report = _generate(client, language, django_capture_on_commit_callbacks)

    assert report.status == "ready" and report.progress == 100 and len(report.sha256) == 64
    assert report.parameters["year"] == 2026 and report.parameters["software_version"]
    pdf = _download(client, report)
    text = _text(pdf)
    for fragment in expected:
        assert fragment in text
    assert "S1" in text and "3" in text
    assert any("CJK" in name for name in embedded_fonts(pdf))
    assert AuditEvent.objects.filter(action="analytics.report.downloaded", actor=director).exists()
    assert AuditEvent.objects.filter(action="analytics.report.requested", actor=director).exists()


@pytest.mark.django_db
def test_the_director_signs_off_and_the_signed_pdf_carries_it(
    client_for, director, immediate_tasks, on_today, django_capture_on_commit_callbacks
):
    client = client_for(director)
    report = _generate(client, "en", django_capture_on_commit_callbacks)
    sign = reverse("analytics:report_sign", args=[report.public_id])

    assert client.post(sign).status_code == 302
    report.refresh_from_db()
    assert report.signed_by == director and report.signed_at is not None
    text = _text(_download(client, report))
    assert "Signed off by" in text and report.sha256[:16] in text.replace("\n", "")
    event = AuditEvent.objects.get(action="analytics.report.signed_off")
    assert event.actor == director
    # A signed report is immutable: signing again changes nothing.
    signed_at = report.signed_at
    client.post(sign)
    report.refresh_from_db()
    assert report.signed_at == signed_at
    assert AuditEvent.objects.filter(action="analytics.report.signed_off").count() == 1


@pytest.mark.django_db
def test_only_the_director_signs_off(
    client_for, director, auditor, immediate_tasks, on_today, django_capture_on_commit_callbacks
):
    report = _generate(client_for(auditor), "en", django_capture_on_commit_callbacks)
    response = client_for(auditor).post(reverse("analytics:report_sign", args=[report.public_id]))

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.signed_at is None
    assert AuditEvent.objects.filter(action="access.denied", actor=auditor).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["surgeon", "resident", "researcher", "teacher", "coordinator"])
def test_others_may_not_generate(client_for, role, request):
    user = request.getfixturevalue(role)
    response = client_for(user).post(LIST, {"year": 2026, "language": "en"})

    assert response.status_code == 403
    assert not QualityReport.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "allowed"),
    [
        ({"year": 1990, "language": "en"}, "year", "2026"),
        ({"year": 2026, "language": "fr"}, "language", "zh-hans, en"),
    ],
)
def test_bad_input_names_the_field_and_the_allowed_values(
    client_for, director, on_today, data, field, allowed
):
    client = client_for(director)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(LIST, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert f"{field} must be one of" in page and allowed in page
    assert not QualityReport.objects.exists()


@pytest.mark.django_db
def test_the_page_polls_a_report_being_generated(
    client_for, director, on_today, django_capture_on_commit_callbacks
):
    client = client_for(director)
    client.post(LIST, {"year": 2026, "language": "en"})  # the database backend: queued, not run
    report = QualityReport.objects.get()
    page = client.get(LIST).content.decode()

    assert report.status == "queued"
    assert (
        reverse("analytics:report_status", args=[report.public_id]) in page
        and 'hx-trigger="every 2s"' in page
    )
    row = client.get(reverse("analytics:report_status", args=[report.public_id]))
    assert row.status_code == 200 and "<progress" in row.content.decode()
