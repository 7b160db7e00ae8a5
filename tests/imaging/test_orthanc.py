"""The project's own loopback Orthanc (imaging.md §3.4): configuration, start/stop, and a real DICOMweb
search and fetch. Tests that need the Debian packages skip with the reason when they are absent."""

import io
import json
import os
import subprocess
import sys

import pydicom
import pytest
from django.core.management import call_command

from openspine.demo import imaging_demo
from openspine.imaging import orthanc, synthetic
from openspine.imaging.models import Film

NEEDS_ORTHANC = pytest.mark.skipif(
    orthanc.installation() is None,
    reason="Debian orthanc + orthanc-dicomweb are not installed (apt-get install orthanc orthanc-dicomweb)",
)


@pytest.fixture(scope="module")
def pacs_port(tmp_path_factory):
    """One Orthanc for the module, in its own folder, on a free loopback port; stopped afterwards."""
    if orthanc.installation() is None:
        pytest.skip("Debian orthanc + orthanc-dicomweb are not installed")
    folder = tmp_path_factory.mktemp("orthanc-var")
    port = orthanc.start(folder, port=orthanc.free_port(0))
    yield port
    assert orthanc.stop(folder) is True
    assert not orthanc.answers(port)


def test_the_configuration_is_private_and_loopback_only(tmp_path):
    path = orthanc.write_config(tmp_path, 8999, "/plugin/libOrthancDicomWeb.so")
    config = json.loads(path.read_text())
    assert config["HttpPort"] == 8999 and config["RemoteAccessAllowed"] is False
    assert config["DicomServerEnabled"] is False and config["AuthenticationEnabled"] is False
    assert config["StorageDirectory"] == str(tmp_path / "storage") and (tmp_path / "storage").is_dir()
    assert config["Plugins"] == ["/plugin/libOrthancDicomWeb.so"]
    assert config["DicomWeb"] == {
        "Enable": True,
        "Root": "/dicom-web/",
        "Host": "127.0.0.1:8999",
        "Ssl": False,
    }


def test_without_orthanc_the_command_says_uploads_only(monkeypatch, capsys, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(orthanc, "installation", lambda: None)
    call_command("orthanc", "start", "--load-demo")
    call_command("orthanc", "status")
    call_command("orthanc", "url")
    out = capsys.readouterr().out.splitlines()
    assert out == ["no Orthanc installed: uploads only", "no Orthanc installed: uploads only"]
    with pytest.raises(orthanc.OrthancError, match="not installed"):
        orthanc.start(tmp_path)


def test_a_bad_port_is_refused_naming_it():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--port: 70000 is not allowed; allowed: 1-65535"):
        call_command("orthanc", "start", "--port", "70000")


def test_stop_never_ends_a_process_it_did_not_start(tmp_path):
    folder = orthanc.home(tmp_path)
    folder.mkdir(parents=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # noqa: S603
    try:
        (folder / "orthanc.pid").write_text(str(sleeper.pid))  # a stale pid file naming someone else
        (folder / "port").write_text("9")
        assert orthanc.running(tmp_path) is None
        assert orthanc.stop(tmp_path) is False
        assert sleeper.poll() is None  # still alive
        assert not (folder / "orthanc.pid").exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert orthanc.stop(tmp_path) is False  # nothing recorded: nothing to stop


def test_demo_pacs_films_are_filed_under_the_mrn_with_repeatable_uids(patient):
    first, second = imaging_demo.pacs_films(patient), imaging_demo.pacs_films(patient)
    datasets = [pydicom.dcmread(io.BytesIO(data)) for data in first]
    assert {ds.PatientID for ds in datasets} == {patient.mrn}
    assert [ds.SOPInstanceUID for ds in datasets] == [
        pydicom.dcmread(io.BytesIO(data)).SOPInstanceUID for data in second
    ]
    assert len({ds.SOPInstanceUID for ds in datasets}) == 2 and datasets[0].Modality == "DX"


@NEEDS_ORTHANC
def test_a_surgeon_searches_and_fetches_a_study_from_the_real_orthanc(
    pacs_port, client_for, surgeon, patient, settings, lateral
):
    from dicomweb_client.api import DICOMwebClient

    web = DICOMwebClient(url=orthanc.dicomweb_url(pacs_port))
    ds = pydicom.dcmread(io.BytesIO(synthetic.dicom_bytes(lateral.image, patient_id=patient.mrn)))
    web.store_instances([ds])  # STOW-RS
    settings.DICOMWEB_URL = orthanc.dicomweb_url(pacs_port)
    client = client_for(surgeon)
    page = client.get(f"/imaging/patients/{patient.public_id}/pacs/")
    rows = page.context["rows"]
    assert page.status_code == 200 and ds.SOPInstanceUID in [row["sop_uid"] for row in rows]
    response = client.post(
        f"/imaging/patients/{patient.public_id}/pacs/",
        {
            "study_uid": ds.StudyInstanceUID,
            "series_uid": ds.SeriesInstanceUID,
            "sop_uid": ds.SOPInstanceUID,
            "view": "standing_lateral",
            "taken_on": "2026-03-01",
        },
    )
    film = Film.objects.get()
    assert response.status_code == 302 and film.sop_instance_uid == ds.SOPInstanceUID
    assert (film.rows, film.columns) == (3200, 1200) and film.dicom_spacing["imager_pixel_spacing"] == [
        0.3,
        0.3,
    ]


@NEEDS_ORTHANC
def test_the_command_starts_loads_the_demo_and_stops(
    db, settings, tmp_path, capsys, patient, surgeon, lateral
):
    from openspine.imaging import services

    settings.VAR_DIR = tmp_path
    services.add_film(
        patient,
        synthetic.dicom_bytes(lateral.image),
        view="standing_lateral",
        taken_on=__import__("datetime").date(2026, 3, 1),
        actor=surgeon,
    )
    call_command("orthanc", "start", "--load-demo", "--port", str(orthanc.free_port(0)))
    call_command("orthanc", "start", "--load-demo")  # again: finds the running one, stores nothing twice
    call_command("orthanc", "url")
    out = capsys.readouterr().out.splitlines()
    port = orthanc.running(tmp_path)
    assert port is not None and out[0] == out[1]
    assert out[0].startswith(f"PACS: Orthanc on 127.0.0.1:{port}") and "2 synthetic demo films" in out[0]
    assert out[2] == f"http://127.0.0.1:{port}/dicom-web"
    instances = json.loads(orthanc._get(orthanc.base_url(port) + "/instances"))
    assert len(instances) == 2
    pid = int((orthanc.home(tmp_path) / "orthanc.pid").read_text())
    call_command("orthanc", "stop")
    assert "Orthanc stopped." in capsys.readouterr().out
    assert not orthanc.answers(port)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
