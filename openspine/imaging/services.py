"""Add films and save their measurements: check, store pixels on disk, compute, audit.

Values are never typed in: every measurement is recomputed from its landmarks by
``spinescores.radiograph`` (reference/imaging.md §4.1), with the film's calibration (§2.7). The
same :func:`compute_values` answers the viewer's live preview, the API and the save, so the page,
the API and the stored row show the same numbers.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine import audit
from openspine.audit.services import snapshot
from openspine.core.errors import DomainError
from openspine.imaging import pixels
from openspine.imaging.choices import FilmView, ReaderRole, TkLevel
from openspine.imaging.models import Film, Measurement
from spinescores.errors import ScoreInputError
from spinescores.radiograph import calibration as calibration_policy
from spinescores.radiograph import measure
from spinescores.radiograph.measure import VERSION as FORMULA_VERSION

SOFTWARE_VERSION = "openspine-imaging@0.1.0+" + FORMULA_VERSION
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def storage_dir(film: Film) -> Path:
    """Return the folder holding a film's original file and display PNG (never the database)."""
    return Path(settings.VAR_DIR) / "imaging" / film.public_id.hex


def original_path(film: Film) -> Path:
    return storage_dir(film) / ("original." + {"dicom": "dcm", "png": "png", "jpeg": "jpg"}[film.source])


def display_path(film: Film) -> Path:
    return storage_dir(film) / "display.png"


def add_film(patient, data: bytes, *, view, taken_on, actor, operation=None, follow_up=None) -> Film:
    """Store an uploaded DICOM, PNG or JPEG film of ``patient``; refuse bad files naming the problem.

    The files are written first and removed again if the row cannot be saved, so a refusal leaves
    neither a row nor a file behind.
    """
    if view not in FilmView.values:
        raise ValidationError(
            {"view": _("Choose a view; allowed: %(allowed)s.") % {"allowed": ", ".join(FilmView.values)}}
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("file: larger than 200 MB."))
    read = pixels.read_upload(data)
    film = Film(
        patient=patient,
        operation=operation,
        follow_up=follow_up,
        view=view,
        taken_on=taken_on,
        source=read.source,
        sha256=read.sha256,
        rows=read.rows,
        columns=read.columns,
        display_scale=read.display_scale,
        dicom_spacing=read.spacing,
        uploaded_by=actor,
        **read.uids,
    )
    film.full_clean(exclude=["patient", "operation", "follow_up", "uploaded_by", "public_id"])
    folder = storage_dir(film)
    try:
        folder.mkdir(parents=True, exist_ok=False)
        original_path(film).write_bytes(data)
        read.display.save(display_path(film), format="PNG")
        with transaction.atomic():
            film.save()
            audit.record(actor, "imaging.film.added", film, after=snapshot(film), patient=patient)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return film


def film_calibration(film: Film, landmarks: dict, calibration_mm=None) -> calibration_policy.Calibration:
    """Return the calibration of a film: a traced marker first, then its DICOM spacing (§2.7)."""
    if "calibration_start" in landmarks and "calibration_end" in landmarks:
        if calibration_mm in (None, ""):
            raise ValidationError(
                {"calibration_mm": _("calibration_mm: give the known length of the marker in mm.")}
            )
        try:
            manual = calibration_policy.from_marker(
                landmarks["calibration_start"], landmarks["calibration_end"], calibration_mm
            )
        except ScoreInputError as error:
            raise input_error(error) from None
        return manual
    spacing = film.dicom_spacing or {}
    return calibration_policy.resolve(
        pixel_spacing=spacing.get("pixel_spacing"),
        imager_pixel_spacing=spacing.get("imager_pixel_spacing"),
        magnification=spacing.get("magnification"),
    )


def input_error(error: ScoreInputError) -> ValidationError:
    """Return a ValidationError keyed by the landmark or field that names the value and what is allowed."""
    message = _("%(item)s: %(value)s is not allowed; allowed: %(allowed)s.") % {
        "item": error.item,
        "value": "—" if error.value is None else error.value,
        "allowed": error.allowed,
    }
    return ValidationError({error.item: message})


def header_direction(film: Film) -> str | None:
    """Return PatientOrientation[0] of the film when it is one the view can use, else None.

    Coronal films need L or R (which image side is the patient's left, imaging.md §2.4 step 3);
    lateral films A or P (cross-checked with the anterior read from the corners, §2.2).
    """
    orientation = (film.dicom_spacing or {}).get("patient_orientation") or []
    allowed = (
        measure.SAGITTAL_DIRECTIONS if film.view == FilmView.STANDING_LATERAL else measure.COLUMN_DIRECTIONS
    )
    first = orientation[0] if orientation else None
    return first if first in allowed else None


def film_orientation(film: Film, reader_direction=None) -> tuple[str | None, str]:
    """Return the column direction to use and its source: ``header``, ``reader`` or ``unknown``.

    The header wins; the reader's answer is asked for (and used) only when the header lacks it, never
    guessed from pixels (imaging.md §2.4 step 3).
    """
    header = header_direction(film)
    if header is not None:
        return header, "header"
    if reader_direction in (None, ""):
        return None, "unknown"
    allowed = (
        measure.SAGITTAL_DIRECTIONS if film.view == FilmView.STANDING_LATERAL else measure.COLUMN_DIRECTIONS
    )
    if reader_direction not in allowed:
        raise ValidationError(
            {
                "column_direction": _("column_direction: %(value)s is not allowed; allowed: %(allowed)s.")
                % {"value": reader_direction, "allowed": ", ".join(allowed)}
            }
        )
    return reader_direction, "reader"


def compute_values(
    film: Film, landmarks, *, tk_upper_level=TkLevel.T4, calibration_mm=None, column_direction=None
) -> dict:
    """Return the values, flags and calibration of ``landmarks`` on ``film``; ValidationError if bad.

    ``column_direction`` is the reader's answer to "which side is the patient's left" (L/R), used
    only when the film's header has no PatientOrientation.
    """
    if not isinstance(landmarks, dict):
        raise ValidationError({"landmarks": _("landmarks: give an object of name to [x, y].")})
    if tk_upper_level not in TkLevel.values:
        raise ValidationError({"tk_upper_level": _("tk_upper_level: allowed T4, T5.")})
    cal = film_calibration(film, landmarks, calibration_mm)
    column_direction, orientation_source = film_orientation(film, column_direction)
    try:
        result = measure.measure(
            landmarks,
            view=film.view,
            calibration=cal,
            image_size=(film.columns, film.rows),
            tk_upper_level=tk_upper_level,
            column_direction=column_direction,
        )
    except ScoreInputError as error:
        raise input_error(error) from None
    calibration = {"label": cal.label, "row_mm": cal.row_mm, "column_mm": cal.column_mm}
    if cal.label == "manual":
        calibration["marker_mm"] = float(calibration_mm)
    calibration["column_direction"] = column_direction
    calibration["orientation_source"] = orientation_source
    details = {key: value for key, value in result.details.items() if key != "conventions"}
    return {
        "values": dict(result.subscores),
        "flags": list(result.flags),
        "calibration": calibration,
        "details": details,
        "conventions": dict(measure.CONVENTIONS),
        "formula_version": FORMULA_VERSION,
    }


def save_measurement(
    film: Film,
    landmarks,
    *,
    actor,
    tk_upper_level=TkLevel.T4,
    inverted=False,
    calibration_mm=None,
    column_direction=None,
) -> Measurement:
    """Save ``actor``'s reading of ``film``: the first reader's is primary, another reader's second.

    A reader who measures the same film again replaces their own landmarks (audited with before and
    after); they never touch another reader's.
    """
    if not landmarks:
        raise ValidationError({"landmarks": _("landmarks: place at least one landmark before saving.")})
    computed = compute_values(
        film,
        landmarks,
        tk_upper_level=tk_upper_level,
        calibration_mm=calibration_mm,
        column_direction=column_direction,
    )
    clean = {name: [float(v) for v in point] for name, point in landmarks.items()}
    with transaction.atomic():
        Film.objects.select_for_update().filter(pk=film.pk).first()  # one primary reader per film
        record = film.measurements.filter(reader=actor).first()
        before = snapshot(record) if record else None
        if record is None:
            has_primary = film.measurements.filter(reader_role=ReaderRole.PRIMARY).exists()
            record = Measurement(
                film=film, reader=actor, reader_role=ReaderRole.SECOND if has_primary else ReaderRole.PRIMARY
            )
        record.landmarks = clean
        record.calibration = computed["calibration"]
        record.tk_upper_level = tk_upper_level
        record.inverted = bool(inverted)
        record.values = computed["values"]
        record.flags = computed["flags"]
        record.software_version = SOFTWARE_VERSION
        record.measured_at = timezone.now()
        if before:
            record.version += 1
        record.save()
        action = "imaging.measurement.updated" if before else "imaging.measurement.recorded"
        audit.record(actor, action, record, before=before, after=snapshot(record), patient=film.patient)
    return record


def record_burned_in_check(film: Film, *, has_text, actor) -> Film:
    """Record that ``actor`` looked at the film for burned-in names, IDs or hospital marks (imaging.md §3.5).

    Only a film checked and found clean may enter the teaching library or an export
    (``Film.objects.cleared_for_teaching()``); the DICOM BurnedInAnnotation flag alone is not trusted.
    """
    if has_text not in (True, False):
        raise ValidationError({"has_text": _("has_text: allowed yes or no.")})
    with transaction.atomic():
        before = snapshot(film, ["burned_in_text", "burned_in_checked_at"])
        film.burned_in_text = has_text
        film.burned_in_checked_at = timezone.now()
        film.burned_in_checked_by = actor
        film.save(
            update_fields=["burned_in_text", "burned_in_checked_at", "burned_in_checked_by", "updated_at"]
        )
        after = snapshot(film, ["burned_in_text", "burned_in_checked_at"])
        audit.record(
            actor, "imaging.film.burned_in_checked", film, before=before, after=after, patient=film.patient
        )
    return film
