"""Read an uploaded film and make its display PNG (reference/imaging.md §3.1, §3.2).

Nothing here touches the database. :func:`read_upload` turns the bytes of a DICOM, PNG or JPEG file
into a :class:`ReadFilm`: the original matrix size, the UIDs and spacing attributes, and an 8-bit
display image downsampled so its longer side is at most ``MAX_DISPLAY_SIDE`` (§5.2: the browser
maps clicks back to original pixels with ``display_scale``).

DICOM display pipeline (§3.2): modality LUT; then the VOI LUT sequence, else the first window
centre/width (linear, or SIGMOID when ``VOILUTFunction`` says so), else a 0.5-99.5 % percentile
window; scale to 0-1 and clip; invert **once** if MONOCHROME1 (``PresentationLUTShape = INVERSE``
describes the same inversion and is not applied again).
"""

import hashlib
import io
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from openspine.core.errors import DomainError

MAX_DISPLAY_SIDE = 2048
# Storage SOP classes that hold a projection radiograph or a plain image (PS3.4 B.5).
IMAGE_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.1": "CR",
    "1.2.840.10008.5.1.4.1.1.1.1": "DX (presentation)",
    "1.2.840.10008.5.1.4.1.1.1.1.1": "DX (processing)",
    "1.2.840.10008.5.1.4.1.1.7": "Secondary capture",
    "1.2.840.10008.5.1.4.1.1.7.2": "Secondary capture (8 bit)",
    "1.2.840.10008.5.1.4.1.1.7.3": "Secondary capture (16 bit)",
}


@dataclass
class ReadFilm:
    """What an upload holds, ready to be stored: original, display image and header facts."""

    source: str
    extension: str
    sha256: str
    rows: int
    columns: int
    display: Image.Image
    display_scale: float
    uids: dict = field(default_factory=dict)
    spacing: dict = field(default_factory=dict)


def read_upload(data: bytes) -> ReadFilm:
    """Return the film in ``data`` or raise DomainError naming what is wrong with the file."""
    if len(data) > 132 and data[128:132] == b"DICM":
        return _read_dicom(data)
    return _read_picture(data)


def _refuse_file(detail) -> DomainError:
    return DomainError(
        _("file: %(detail)s Allowed: a DICOM radiograph, a PNG or a JPEG image.") % {"detail": detail}
    )


def _read_picture(data: bytes) -> ReadFilm:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse_file(_("this is not an image.")) from None
    if image.format not in ("PNG", "JPEG"):
        raise _refuse_file(_("%(format)s images are not accepted.") % {"format": image.format})
    grey = image.convert("L")
    display, scale = downsample(grey)
    return ReadFilm(
        source=image.format.lower(),
        extension={"PNG": "png", "JPEG": "jpg"}[image.format],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=grey.height,
        columns=grey.width,
        display=display,
        display_scale=scale,
    )


def _read_dicom(data: bytes) -> ReadFilm:
    import pydicom  # imported here: only DICOM uploads need it
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(io.BytesIO(data))
    except (InvalidDicomError, ValueError, EOFError):
        raise _refuse_file(_("the DICOM file cannot be read.")) from None
    sop_class = str(ds.get("SOPClassUID", ""))
    if sop_class not in IMAGE_SOP_CLASSES or "PixelData" not in ds:
        raise _refuse_file(
            _("the DICOM object (SOP class %(uid)s) is not a radiograph.") % {"uid": sop_class or "?"}
        )
    try:
        array = ds.pixel_array
    except Exception:  # noqa: BLE001 - pydicom raises many types for undecodable pixel data
        raise _refuse_file(
            _("the DICOM pixel data cannot be decoded (compressed transfer syntax?).")
        ) from None
    if array.ndim == 3 and int(ds.get("NumberOfFrames", 1) or 1) > 1:
        array = array[0]  # multi-frame: frame 0 (§3.1)
    if array.ndim != 2:
        raise _refuse_file(_("only greyscale radiographs are accepted."))
    grey = Image.fromarray(render_dicom(ds, array))
    display, scale = downsample(grey)
    return ReadFilm(
        source="dicom",
        extension="dcm",
        sha256=hashlib.sha256(data).hexdigest(),
        rows=int(array.shape[0]),
        columns=int(array.shape[1]),
        display=display,
        display_scale=scale,
        uids=_uids(ds),
        spacing=spacing_attributes(ds),
    )


def render_dicom(ds, array) -> np.ndarray:
    """Return the 8-bit display matrix of a greyscale DICOM image (imaging.md §3.2 steps 1-4)."""
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    x = apply_modality_lut(array, ds)
    if "VOILUTSequence" in ds:
        lut = apply_voi_lut(array if x.dtype.kind == "f" else x.astype(np.int64), ds)
        bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
        v = lut.astype(np.float64) / (2**bits - 1)
    elif "WindowCenter" in ds and "WindowWidth" in ds:
        v = window(
            x, _first(ds.WindowCenter), _first(ds.WindowWidth), str(ds.get("VOILUTFunction", "LINEAR"))
        )
    else:
        low, high = np.percentile(x, (0.5, 99.5))
        v = (x - low) / max(high - low, 1e-9)
    v = np.clip(v, 0.0, 1.0)
    if str(ds.get("PhotometricInterpretation", "")) == "MONOCHROME1":
        v = 1.0 - v  # once: PresentationLUTShape INVERSE describes this same inversion
    return (v * 255 + 0.5).astype(np.uint8)


def window(x: np.ndarray, centre: float, width: float, function: str = "LINEAR") -> np.ndarray:
    """Map values to 0-1 with a DICOM window (PS3.3 C.11.2.1.2); SIGMOID when asked."""
    x = x.astype(np.float64)
    width = max(float(width), 1.0)
    if function.upper() == "SIGMOID":
        return 1.0 / (1.0 + np.exp(-4.0 * (x - centre) / width))
    if width == 1.0:
        return (x >= centre).astype(np.float64)
    return (x - (centre - 0.5)) / (width - 1) + 0.5  # the caller clips to 0-1


def _first(value) -> float:
    try:
        return float(value[0])
    except TypeError:
        return float(value)


def downsample(image: Image.Image) -> tuple[Image.Image, float]:
    """Return the image with its longer side at most ``MAX_DISPLAY_SIDE``, and the scale used."""
    longest = max(image.size)
    if longest <= MAX_DISPLAY_SIDE:
        return image, 1.0
    scale = MAX_DISPLAY_SIDE / longest
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS), scale


def _uids(ds) -> dict:
    # BurnedInAnnotation travels with the UIDs: both are copied onto the film row as read.
    return {
        "study_uid": str(ds.get("StudyInstanceUID", "")),
        "series_uid": str(ds.get("SeriesInstanceUID", "")),
        "sop_instance_uid": str(ds.get("SOPInstanceUID", "")),
        "sop_class_uid": str(ds.get("SOPClassUID", "")),
        "burned_in_annotation": str(ds.get("BurnedInAnnotation", ""))[:3],
    }


def _floats(value) -> list[float] | None:
    if value is None or value == "":
        return None
    return [float(v) for v in value]


def spacing_attributes(ds) -> dict:
    """Return the spacing-related attributes of imaging.md §2.7, as plain JSON values."""
    magnification = ds.get("EstimatedRadiographicMagnificationFactor")
    orientation = ds.get("PatientOrientation")
    return {
        "pixel_spacing": _floats(ds.get("PixelSpacing")),
        "imager_pixel_spacing": _floats(ds.get("ImagerPixelSpacing")),
        "magnification": float(magnification) if magnification not in (None, "") else None,
        "calibration_type": str(ds.get("PixelSpacingCalibrationType", "")),
        "calibration_description": str(ds.get("PixelSpacingCalibrationDescription", "")),
        "patient_orientation": [str(v) for v in orientation] if orientation else [],
    }
