"""Fetching radiographs from a PACS over DICOMweb, against a folder client (imaging.md §3.3)."""

import io

import pydicom
import pytest
from dicomweb_client import DICOMfileClient

from openspine.core.errors import DomainError
from openspine.imaging import pacs, synthetic
from openspine.imaging.models import Film


@pytest.fixture
def archive(tmp_path, patient, lateral):
    """A folder PACS holding one DX film filed under the patient's MRN and one CT under it."""
    folder = tmp_path / "pacs"
    folder.mkdir()
    ds = pydicom.dcmread(io.BytesIO(synthetic.dicom_bytes(lateral.image)))
    ds.PatientID, ds.StudyDate = patient.mrn, "20260301"
    ds.save_as(folder / "dx.dcm")
    ct = pydicom.dcmread(
        io.BytesIO(synthetic.dicom_bytes(lateral.image, sop_class="1.2.840.10008.5.1.4.1.1.2"))
    )
    ct.PatientID, ct.Modality = patient.mrn, "CT"
    ct.save_as(folder / "ct.dcm")
    return DICOMfileClient(url=f"file://{folder}", in_memory=True, update_db=True), ds


def test_search_lists_only_radiographs_of_the_mrn(archive, patient):
    client, ds = archive
    rows = pacs.search(client, patient.mrn)
    assert [row["sop_uid"] for row in rows] == [ds.SOPInstanceUID] and rows[0]["modality"] == "DX"
    assert pacs.search(client, "SOMEONE-ELSE") == []


def test_fetch_stores_the_film_with_its_uids(client_for, surgeon, patient, archive, monkeypatch):
    client, ds = archive
    monkeypatch.setattr(pacs, "configured_client", lambda: client)
    web = client_for(surgeon)
    page = web.get(f"/imaging/patients/{patient.public_id}/pacs/")
    assert page.status_code == 200 and page.context["rows"][0]["sop_uid"] == ds.SOPInstanceUID
    response = web.post(
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
    assert film.study_uid == ds.StudyInstanceUID and film.rows == 3200


def test_fetch_of_an_unknown_instance_is_refused(client_for, surgeon, patient, archive, monkeypatch):
    client, ds = archive
    monkeypatch.setattr(pacs, "configured_client", lambda: client)
    response = client_for(surgeon).post(
        f"/imaging/patients/{patient.public_id}/pacs/",
        {
            "study_uid": ds.StudyInstanceUID,
            "series_uid": ds.SeriesInstanceUID,
            "sop_uid": "1.2.3",
            "view": "standing_pa",
        },
    )
    assert response.status_code == 400 and not Film.objects.exists()
    with pytest.raises(DomainError):
        pacs.retrieve_bytes(client, "1", "2", "3")


def test_fetch_with_a_bad_view_names_it(client_for, surgeon, patient, archive, monkeypatch):
    client, ds = archive
    monkeypatch.setattr(pacs, "configured_client", lambda: client)
    response = client_for(surgeon).post(
        f"/imaging/patients/{patient.public_id}/pacs/",
        {
            "study_uid": ds.StudyInstanceUID,
            "series_uid": ds.SeriesInstanceUID,
            "sop_uid": ds.SOPInstanceUID,
            "view": "oblique",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "view" in response.content.decode().lower()


def test_without_a_pacs_the_page_offers_upload(client_for, surgeon, patient, settings):
    settings.DICOMWEB_URL = ""
    page = client_for(surgeon).get(f"/imaging/patients/{patient.public_id}/pacs/")
    assert page.status_code == 200 and page.context["configured"] is False


def test_a_configured_url_builds_a_dicomweb_client(settings):
    settings.DICOMWEB_URL = "http://127.0.0.1:9/dicom-web"
    assert pacs.configured_client().base_url == "http://127.0.0.1:9/dicom-web"
