"""Find and fetch a patient's radiographs from the hospital PACS over DICOMweb (imaging.md §3.3).

Read-only: QIDO-RS searches instances by PatientID (the patient's MRN), WADO-RS retrieves one, and
the film is stored like an upload (:func:`openspine.imaging.services.add_film`), so only UIDs and the
file on disk are kept. The PACS root comes from ``settings.DICOMWEB_URL``; without it the pages offer
uploads only. Tests use dicomweb-client's ``DICOMfileClient`` over a folder, as §3.3 suggests.
"""

import io

from django.conf import settings

from openspine.core.errors import DomainError

RADIOGRAPH_MODALITIES = ("CR", "DX")
TAGS = {
    "study_uid": "0020000D",
    "series_uid": "0020000E",
    "sop_uid": "00080018",
    "modality": "00080060",
    "date": "00080020",
    "description": "0008103E",
}


def configured_client():
    """Return a DICOMweb client for the configured PACS, or None when none is configured."""
    url = getattr(settings, "DICOMWEB_URL", "")
    if not url:
        return None
    from dicomweb_client.api import DICOMwebClient  # imported here: only PACS sites need it

    return DICOMwebClient(url=url)


def _value(item: dict, tag: str) -> str:
    values = item.get(tag, {}).get("Value") or [""]
    return str(values[0])


def search(client, patient_id: str) -> list[dict]:
    """Return the patient's CR/DX instances as plain rows (UIDs, modality, date, series description)."""
    items = client.search_for_instances(
        search_filters={"PatientID": patient_id}, fields=["Modality", "StudyDate", "SeriesDescription"]
    )
    rows = [{key: _value(item, tag) for key, tag in TAGS.items()} for item in items]
    return [row for row in rows if row["modality"] in RADIOGRAPH_MODALITIES]


def retrieve_bytes(client, study_uid: str, series_uid: str, sop_uid: str) -> bytes:
    """Return one instance as DICOM file bytes, or raise DomainError if the PACS does not answer it."""
    try:
        dataset = client.retrieve_instance(study_uid, series_uid, sop_uid)
    except Exception:  # noqa: BLE001 - HTTP, lookup and parse errors all mean "not fetched"
        raise DomainError(_pacs_error()) from None
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def _pacs_error() -> str:
    from django.utils.translation import gettext as _

    return _("The PACS did not return this image; try again or upload the file.")
