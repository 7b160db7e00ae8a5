"""The demo samples: the messy workbook previews with named rejections; a second import changes nothing."""

import socket
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from openspine.demo import interop_demo
from openspine.interop import mllp, services
from openspine.interop.choices import MessageStatus
from openspine.interop.management.commands.hl7_send import split_messages
from openspine.interop.models import HL7Message
from openspine.patients.models import Admission, Patient
from tests import builders


def test_demo_workbook_imports_once_and_reimport_changes_nothing(coordinator, settings, tmp_path):
    settings.OPENSPINE_DEMO_DIR = tmp_path
    workbook, stream = interop_demo.write_samples()
    content = workbook.read_bytes()
    first = services.preview_batch(content, workbook.name, hospital="demo", actor=coordinator)
    assert first.counts["rejected"] >= 10 and first.counts["new"] >= 40
    services.commit_batch(first, actor=coordinator, accept_partial=True)
    patients = Patient.objects.count()
    second = services.preview_batch(content, workbook.name, hospital="demo", actor=coordinator)
    assert second.counts["new"] == 0 and second.counts["changed"] == 0
    assert second.counts["unchanged"] == first.counts["new"] + first.counts["changed"]
    assert Patient.objects.count() == patients
    assert len(split_messages(stream.read_bytes())) == 10


@pytest.mark.django_db(transaction=True)
def test_hl7_send_feeds_the_demo_stream_to_a_listener(capsys, tmp_path):
    builders.make_department()
    server = mllp.make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stream = tmp_path / "adt_stream.hl7"
    stream.write_text("\n".join(interop_demo.adt_stream()), encoding="utf-8")
    try:
        call_command("hl7_send", str(stream), "--port", str(server.server_address[1]))
    finally:
        server.shutdown()
        server.server_close()
    acks = [line for line in capsys.readouterr().out.splitlines() if line.startswith("MSA")]
    # the duplicate is acknowledged again; the A11 never deletes its stay (T-44) and the A40 without
    # MRG are dead letters for the records office; the next A40 merges
    assert [a.split("|")[1] for a in acks] == ["AA"] * 6 + ["AE", "AA", "AE", "AA"]
    assert Patient.objects.count() == 3
    assert list(
        Admission.objects.values_list("admission_number", flat=True).order_by("admission_number")
    ) == [
        "ZYH001",
        "ZYH002",
        "ZYH003",
    ]
    assert Admission.objects.get(admission_number="ZYH001").discharged_on == timezone.localdate()
    assert Patient.objects.get(mrn="H0000002").name == "吴建华"
    assert HL7Message.objects.filter(status=MessageStatus.DEAD).count() == 2


def test_hl7_send_refuses_a_file_without_messages(tmp_path):
    empty = tmp_path / "empty.hl7"
    empty.write_text("hello\n")
    with pytest.raises(Exception, match="MSH"):
        call_command("hl7_send", str(empty), "--port", "1")


def test_a_port_nobody_listens_on_is_reported(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stream = tmp_path / "s.hl7"
    stream.write_text(interop_demo.adt_stream()[0])
    with pytest.raises(OSError):
        call_command("hl7_send", str(stream), "--port", str(port))
