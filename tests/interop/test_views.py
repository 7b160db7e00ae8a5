"""The import pages: upload (dry run), preview, commit through the imports queue, mapping."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from openspine.audit.models import AuditEvent
from openspine.interop import mllp
from openspine.interop.choices import BatchStatus
from openspine.interop.models import ColumnMapping, ImportBatch
from openspine.patients.models import Patient
from tests.interop.workbooks import front_page_row, workbook

IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["imports"]}
}


def _upload(client, rows, name="首页.xlsx"):
    file = SimpleUploadedFile(name, workbook(rows))
    return client.post("/interop/batches/upload/", {"hospital": "main", "file": file})


def test_upload_shows_the_dry_run_with_named_rejections(coordinator, client_for):
    client = client_for(coordinator)
    response = _upload(client, [front_page_row(1), front_page_row(2, 性别="未知")])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/interop/batches/{batch.public_id}/"
    page = client.get(response.url).content.decode()
    assert "性别" in page and "未知" in page
    assert Patient.objects.count() == 0
    assert AuditEvent.objects.filter(
        action="interop.importbatch.viewed", actor_username="coordinator"
    ).exists()


def test_commit_runs_on_the_imports_queue_and_second_import_changes_nothing(
    coordinator, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client = client_for(coordinator)
    _upload(client, [front_page_row(1), front_page_row(2)])
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/interop/batches/{batch.public_id}/commit/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.progress_done == 2
    assert Patient.objects.count() == 2
    _upload(client, [front_page_row(1), front_page_row(2)])
    second = ImportBatch.objects.order_by("-pk").first()
    assert second.counts["unchanged"] == 2
    page = client.get(f"/interop/batches/{second.public_id}/").content.decode()
    assert "batch-progress" in page


def test_commit_with_rejections_without_consent_is_refused_with_a_message(coordinator, client_for):
    client = client_for(coordinator)
    _upload(client, [front_page_row(1, 性别="?")])
    batch = ImportBatch.objects.get()
    response = client.post(f"/interop/batches/{batch.public_id}/commit/", follow=True)
    assert "1" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED


def test_progress_partial_is_served_to_htmx(coordinator, client_for):
    client = client_for(coordinator)
    _upload(client, [front_page_row(1)])
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, progress_done=1, progress_total=2
    )
    response = client.get(f"/interop/batches/{batch.public_id}/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="batch-progress"')
    assert 'value="1"' in body and 'hx-trigger="every 2s"' in body


def test_batch_list_shows_the_departments_batches(coordinator, client_for):
    client = client_for(coordinator)
    _upload(client, [front_page_row(1)])
    assert "首页.xlsx" in client.get("/interop/batches/").content.decode()


def test_mapping_is_saved_per_hospital_and_used_by_the_next_upload(coordinator, client_for):
    client = client_for(coordinator)
    form = {f"col_{k}": v for k, v in ColumnMapping().columns.items()}
    form.update({"col_mrn": "病案编号", "mrn_width": "0", "default_edition": "icd10-who"})
    response = client.post("/interop/mapping/?hospital=main", form)
    assert response.status_code == 302
    assert ColumnMapping.objects.get(hospital="main").columns["mrn"] == "病案编号"
    assert AuditEvent.objects.filter(action="interop.columnmapping.saved").exists()
    header = ["病案编号", "住院次数", "姓名", "性别", "出生日期", "入院日期"]
    row = front_page_row(1) | {"病案编号": "A1"}
    file = SimpleUploadedFile("f.xlsx", workbook([row], header=header))
    client.post("/interop/batches/upload/", {"hospital": "main", "file": file})
    assert ImportBatch.objects.get().counts["new"] == 1


def test_mapping_needs_the_placeholder_in_repeated_columns(coordinator, client_for):
    form = {f"col_{k}": v for k, v in ColumnMapping().columns.items()}
    form.update({"col_op_code": "手术编码", "mrn_width": "0", "default_edition": "icd10-who"})
    response = client_for(coordinator).post("/interop/mapping/", form)
    assert response.status_code == 400
    assert "{n}" in response.content.decode()


def test_hl7_listen_command_binds_the_port_it_is_given(monkeypatch, capsys):
    seen = {}

    class Server:
        server_address = ("127.0.0.1", 12575)

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            seen["closed"] = True

    def fake(host, port):
        seen["bind"] = (host, port)
        return Server()

    monkeypatch.setattr("openspine.interop.management.commands.hl7_listen.make_server", fake)
    call_command("hl7_listen", "--port", "12575")
    assert seen == {"bind": ("127.0.0.1", 12575), "closed": True}
    assert "12575" in capsys.readouterr().out
    assert mllp.make_server  # the real factory is the one the command imports


@pytest.mark.parametrize("name", ["notes.txt"])
def test_unsupported_file_is_refused_naming_the_formats(coordinator, client_for, name):
    client = client_for(coordinator)
    client.post("/interop/batches/upload/", {"hospital": "main", "file": SimpleUploadedFile(name, b"x")})
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REFUSED and ".xlsx" in batch.refusal
