"""Millimetres per pixel for a film, and the label shown beside every mm value (imaging.md §2.7).

Policy (a *convention* of §2.7, close to Cornerstone3D and Pixelmed), first match wins:

=====================================================  ==========================  =======================
Situation                                              Spacing used                  Label
=====================================================  ==========================  =======================
the user traced a marker of known length               known mm / pixel length     ``manual``
PixelSpacing and ImagerPixelSpacing, different         PixelSpacing                ``calibrated``
ImagerPixelSpacing (PixelSpacing absent/equal) + ERMF  ImagerPixelSpacing / ERMF   ``magnification_corrected``
ImagerPixelSpacing only (or equal PixelSpacing)        ImagerPixelSpacing          ``detector_plane``
PixelSpacing only                                      PixelSpacing                ``unknown``
nothing (PNG/JPEG)                                     none: angles only           ``none``
=====================================================  ==========================  =======================

DICOM spacings are ``[row spacing, column spacing]`` (vertical first). Values <= 0 count as absent
(the NEMA WG04 CR sample carries ``PixelSpacing 0\\0``).

>>> from spinescores.radiograph import calibration
>>> calibration.resolve(imager_pixel_spacing=(0.2, 0.2), magnification=1.25).row_mm
0.16
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.classification import _geometry as geo
from spinescores.errors import ScoreInputError

LABELS = ("manual", "calibrated", "magnification_corrected", "detector_plane", "unknown", "none")


@dataclass(frozen=True)
class Calibration:
    """Spacing in mm per pixel (``None`` when unknown) and the label of its source."""

    row_mm: float | None
    column_mm: float | None
    label: str

    @property
    def has_mm(self) -> bool:
        """Return whether millimetre values may be shown."""
        return self.row_mm is not None


NONE = Calibration(None, None, "none")


def spacing_pair(name: str, value: Any) -> tuple[float, float] | None:
    """Return a DICOM ``[row, column]`` spacing as floats, ``None`` if absent or not above 0."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ScoreInputError(name, value, "two numbers [row spacing, column spacing] in mm")
    pair = []
    for number in value:
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise ScoreInputError(name, value, "two numbers [row spacing, column spacing] in mm")
        pair.append(float(number))
    if pair[0] <= 0 or pair[1] <= 0:
        return None
    return (pair[0], pair[1])


def resolve(*, pixel_spacing: Any = None, imager_pixel_spacing: Any = None, magnification: Any = None,
            manual: Calibration | None = None) -> Calibration:
    """Choose the spacing of a film by the policy table of imaging.md §2.7.

    Parameters
    ----------
    pixel_spacing, imager_pixel_spacing : [row, column] mm, optional
        DICOM (0028,0030) and (0018,1164).
    magnification : float, optional
        EstimatedRadiographicMagnificationFactor (0018,1114); ignored unless above 0.
    manual : Calibration, optional
        The result of :func:`from_marker`; it wins over every DICOM attribute.

    Returns
    -------
    Calibration
    """
    if manual is not None:
        return manual
    pixel = spacing_pair("pixel_spacing", pixel_spacing)
    imager = spacing_pair("imager_pixel_spacing", imager_pixel_spacing)
    if pixel is not None and imager is not None and pixel != imager:
        return Calibration(pixel[0], pixel[1], "calibrated")
    if imager is not None:
        factor = _magnification(magnification)
        if factor is not None:
            return Calibration(imager[0] / factor, imager[1] / factor, "magnification_corrected")
        return Calibration(imager[0], imager[1], "detector_plane")
    if pixel is not None:
        return Calibration(pixel[0], pixel[1], "unknown")
    return NONE


def _magnification(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScoreInputError("magnification", value, "a number above 0 (SID/SOD)")
    return float(value) if value > 0 else None


def from_marker(first: Any, second: Any, known_mm: Any) -> Calibration:
    """Return an isotropic ``manual`` calibration from the two ends of a marker of known length.

    The marker is measured in raw pixels, so the film is assumed to have square pixels; the result
    is right only at the marker's depth (imaging.md §2.7: place the ruler or ball at the spine).

    >>> from_marker((0, 0), (0, 500), 100).row_mm
    0.2
    """
    start, end = geo.point("calibration_start", first), geo.point("calibration_end", second)
    if isinstance(known_mm, bool) or not isinstance(known_mm, (int, float)) or not known_mm > 0 \
            or not math.isfinite(known_mm):
        raise ScoreInputError("calibration_mm", known_mm, "a length above 0 mm")
    length = math.dist(start, end)
    if length < 1:
        raise ScoreInputError("calibration_end", second, "a point at least 1 pixel from calibration_start")
    spacing = float(known_mm) / length
    return Calibration(spacing, spacing, "manual")
