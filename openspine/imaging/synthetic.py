"""Synthetic radiograph-like films with known geometry, for the demo and the tests (imaging.md §6.2).

Never a real film. Vertebrae are drawn as bright quadrilaterals through the exact corners that are
also returned as the "clicks", femoral heads as discs; the image is blurred and noised so it looks
like a radiograph, not a diagram. The expected values are the generating parameters.
"""

import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

LATERAL_SIZE = (1200, 3200)  # columns, rows
PA_SIZE = (1200, 3000)
SPACING_MM = 0.3


@dataclass
class SyntheticFilm:
    """An 8-bit image with the landmarks that produce ``expected`` on it."""

    image: Image.Image
    landmarks: dict
    expected: dict
    spacing_mm: float = SPACING_MM
    extra: dict = field(default_factory=dict)


def _dir(angle: float, length: float) -> tuple[float, float]:
    return (length * math.cos(math.radians(angle)), length * math.sin(math.radians(angle)))


def _endplate(centre, tilt, half=20.0):
    d = _dir(tilt, half)
    return (centre[0] + d[0], centre[1] + d[1]), (centre[0] - d[0], centre[1] - d[1])


def _body(centre, tilt, height=26.0):
    """Return the four corners (anterosuperior, posterosuperior, posteroinferior, anteroinferior)."""
    up = _dir(tilt + 90, height / 2)
    sup = _endplate((centre[0] + up[0], centre[1] + up[1]), tilt)
    inf = _endplate((centre[0] - up[0], centre[1] - up[1]), tilt)
    return sup[0], sup[1], inf[1], inf[0]


def lateral_points(ss=40.0, pt=15.0, ll=50.0, tk=35.0, sva=30.0) -> tuple[dict, dict]:
    """Return landmarks in the (anterior, up) mm frame with S1m at the origin, and the expected values."""
    pts = {}
    pts["s1_anterior"], pts["s1_posterior"] = _endplate((0, 0), -ss)
    pts["femoral_head_1"] = (95 * math.sin(math.radians(pt)), -95 * math.cos(math.radians(pt)))
    l1 = _body((25, 215), ll - ss)
    pts["l1_anterior"], pts["l1_posterior"] = l1[0], l1[1]
    t12 = _body((30, 250), ll - ss)
    pts["t12_anterior"], pts["t12_posterior"] = t12[3], t12[2]
    t4 = _body((20, 480), ll - ss - tk)
    pts["tk_upper_anterior"], pts["tk_upper_posterior"] = t4[0], t4[1]
    c7_centre = (pts["s1_posterior"][0] + sva, 600.0)
    c7 = _body(c7_centre, 0.0, 20)
    for name, p in zip(
        ("anterosuperior", "posterosuperior", "posteroinferior", "anteroinferior"), c7, strict=True
    ):
        pts["c7_" + name] = p
    expected = {"ss": ss, "pt": pt, "pi": ss + pt, "ll": ll, "pi_ll": ss + pt - ll, "tk": tk, "sva_mm": sva}
    bodies = [l1, t12, t4, c7, _body((0, -15), -ss, 30)]
    return pts, {"expected": expected, "bodies": bodies}


def lateral_film(**params) -> SyntheticFilm:
    """Return a standing lateral film, facing image right, 0.3 mm pixels."""
    mm_points, info = lateral_points(**params)
    columns, rows = LATERAL_SIZE
    origin = (columns * 0.45, rows * 0.78)

    def image_point(p):
        return (origin[0] + p[0] / SPACING_MM, origin[1] - p[1] / SPACING_MM)

    bodies = [[image_point(c) for c in body] for body in info["bodies"]]
    # lumbar and thoracic bodies between the measured ones, for looks only
    for level in range(1, 5):
        t = level / 5
        bodies.append(
            [
                image_point(((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1] + 0))
                for a, b in zip(info["bodies"][4], info["bodies"][0], strict=True)
            ]
        )
    head = image_point(mm_points["femoral_head_1"])
    image = _render((columns, rows), bodies, [(head, 24 / SPACING_MM)])
    landmarks = {name: [round(v, 3) for v in image_point(p)] for name, p in mm_points.items()}
    return SyntheticFilm(image=image, landmarks=landmarks, expected=info["expected"])


def pa_film(upper_tilt=22.0, lower_tilt=-20.0) -> SyntheticFilm:
    """Return a standing PA film with one main thoracic curve between two end vertebrae."""
    columns, rows = PA_SIZE
    levels = 17
    bodies, centres = [], []
    for index in range(levels):
        t = index / (levels - 1)
        tilt = upper_tilt + (lower_tilt - upper_tilt) * t
        centre = (columns / 2 + 120 * math.sin(math.pi * t), 300 + t * (rows - 700))
        d, up = _dir(-tilt, 60), _dir(-tilt - 90, 40)
        sup = (
            (centre[0] - d[0] - up[0], centre[1] - d[1] - up[1]),
            (centre[0] + d[0] - up[0], centre[1] + d[1] - up[1]),
        )
        inf = (
            (centre[0] + d[0] + up[0], centre[1] + d[1] + up[1]),
            (centre[0] - d[0] + up[0], centre[1] - d[1] + up[1]),
        )
        bodies.append([sup[0], sup[1], inf[0], inf[1]])
        centres.append(centre)
    image = _render((columns, rows), bodies, [])
    first, last = bodies[0], bodies[-1]
    landmarks = {"mt_upper_1": first[0], "mt_upper_2": first[1], "mt_lower_1": last[3], "mt_lower_2": last[2]}
    landmarks = {name: [round(v, 3) for v in p] for name, p in landmarks.items()}
    return SyntheticFilm(image=image, landmarks=landmarks, expected={"mt_cobb": abs(upper_tilt - lower_tilt)})


def _render(size, bodies, discs) -> Image.Image:
    image = Image.new("L", size, 30)
    draw = ImageDraw.Draw(image)
    for body in bodies:
        draw.polygon([tuple(p) for p in body], fill=190)
    for (x, y), radius in discs:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=170)
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    noise = np.random.default_rng(14).normal(0, 6, (size[1], size[0]))
    return Image.fromarray(np.clip(np.asarray(image, dtype=np.float64) + noise, 0, 255).astype(np.uint8))


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def dicom_bytes(
    image: Image.Image,
    *,
    spacing_mm=SPACING_MM,
    pixel_spacing=None,
    magnification=None,
    monochrome1=False,
    orientation=("A", "F"),
    sop_class="1.2.840.10008.5.1.4.1.1.1.1",
    patient_id="SYNTHETIC",
    uid_seed=None,
    study_date=None,
) -> bytes:
    """Return a 16-bit DX DICOM of ``image`` with windowing and the given spacing attributes.

    ``uid_seed`` (a string) makes the UIDs repeatable, so loading the same synthetic film into a PACS
    twice stores it once; without it every call gets new UIDs.
    """
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class

    def uid(part):
        return generate_uid(entropy_srcs=[uid_seed, part]) if uid_seed else generate_uid()

    meta.MediaStorageSOPInstanceUID = uid("instance")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = uid("study"), uid("series")
    ds.Modality, ds.PatientName, ds.PatientID = "DX", "SYNTHETIC^FILM", patient_id
    if study_date:
        ds.StudyDate = study_date.strftime("%Y%m%d")
    values = np.asarray(image, dtype=np.uint16) * 16  # 12-bit range
    if monochrome1:
        values = 4095 - values
    ds.Rows, ds.Columns = values.shape
    ds.SamplesPerPixel, ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 1, 16, 12, 11, 0
    ds.PhotometricInterpretation = "MONOCHROME1" if monochrome1 else "MONOCHROME2"
    if monochrome1:
        ds.PresentationLUTShape = "INVERSE"
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    if spacing_mm:
        ds.ImagerPixelSpacing = [spacing_mm, spacing_mm]
    if pixel_spacing:
        ds.PixelSpacing = list(pixel_spacing)
    if magnification:
        ds.EstimatedRadiographicMagnificationFactor = magnification
    ds.PatientOrientation = list(orientation)
    ds.PixelData = values.tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
