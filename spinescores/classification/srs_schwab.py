"""SRS-Schwab adult spinal deformity classification, Schwab 2012 (classifications.md §3.4).

Coronal curve type from the largest thoracic and thoracolumbar/lumbar Cobb angles, where a major
curve is one **over** 30°: T (thoracic only), L (TL/L only), D (both), N (neither). Three sagittal
modifiers, each ``0``, ``+`` or ``++``:

* PI - LL: < 10°, 10-20°, > 20°
* SVA: < 40 mm, 40-95 mm, > 95 mm (the source writes 4 cm and 9.5 cm)
* PT: < 20°, 20-30°, > 30°

Output e.g. ``"L, PI-LL ++, SVA +, PT +"``.

Not guessed (§9): the apex limits that assign a curve to the thoracic or TL/L region are from
recall, so the caller assigns each curve to its region. A curve of exactly 30° is treated as not
major (*convention* of §3.4, the source leaves 30° unassigned); the result then carries
``unvalidated``.

>>> from spinescores.classification import srs_schwab
>>> srs_schwab.classify({"thoracic_cobb": 20, "tll_cobb": 45, "pi_ll": 25, "sva_mm": 50, "pt": 22}).category
'L, PI-LL ++, SVA +, PT +'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import UNVALIDATED, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import number, read_inputs, read_options

MAJOR_ABOVE = 30  # degrees; a curve must exceed this to be major
# modifier -> (upper limit of "0" (exclusive), upper limit of "+" (inclusive))
MODIFIER_BANDS = {"pi_ll": (10, 20), "sva_mm": (40, 95), "pt": (20, 30)}
CURVE_TYPES = {(True, False): "T", (False, True): "L", (True, True): "D", (False, False): "N"}

INSTRUMENT = Instrument(
    code="srs_schwab",
    name="SRS-Schwab adult spinal deformity classification",
    name_zh="SRS-Schwab成人脊柱畸形分型",
    version="srs_schwab@schwab2012",
    kind="classification",
    items=(
        number("thoracic_cobb", "Largest thoracic coronal Cobb", "胸弯最大冠状面Cobb角", 0, 180, "deg"),
        number("tll_cobb", "Largest thoracolumbar/lumbar coronal Cobb", "胸腰/腰弯最大冠状面Cobb角",
               0, 180, "deg"),
        number("pi_ll", "Pelvic incidence minus lumbar lordosis", "骨盆入射角减腰椎前凸角", -180, 180, "deg"),
        number("sva_mm", "Sagittal vertical axis (positive anterior)", "矢状面垂直轴（前方为正）",
               -1000, 1000, "mm"),
        number("pt", "Pelvic tilt", "骨盆倾斜角", -90, 90, "deg"),
    ),
    references=(
        Reference("Schwab F", 2012, "Spine"),
        Reference("Terran J", 2013, "Neurosurgery"),
    ),
    confidence="P",
    notes="Apex limits unconfirmed: the caller assigns curves to regions. 30° exactly is not major.",
)


@dataclass(frozen=True)
class SrsSchwabResult(Result):
    """Full class (``category``), curve type and modifiers (``subscores``)."""


def classify(inputs: Any, **options: Any) -> SrsSchwabResult:
    """Classify an adult spinal deformity by SRS-Schwab.

    Parameters
    ----------
    inputs : mapping
        ``thoracic_cobb`` and ``tll_cobb`` (degrees, largest curve of each region), ``pi_ll``
        (degrees), ``sva_mm`` (mm, positive anterior) and ``pt`` (degrees).

    Returns
    -------
    SrsSchwabResult
        ``category`` e.g. ``"D, PI-LL 0, SVA ++, PT +"``; ``subscores`` ``curve_type``, ``pi_ll``,
        ``sva`` and ``pt`` modifiers; ``unvalidated`` when a curve is exactly 30°.

    References
    ----------
    Schwab F, Ungar B, Blondel B, et al. Spine 2012;37(12):1077-1082.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    curves = (values["thoracic_cobb"], values["tll_cobb"])
    curve_type = CURVE_TYPES[tuple(angle > MAJOR_ABOVE for angle in curves)]
    modifiers = {name: modifier(values[name], name) for name in MODIFIER_BANDS}
    category = (f"{curve_type}, PI-LL {modifiers['pi_ll']}, SVA {modifiers['sva_mm']}, "
                f"PT {modifiers['pt']}")
    subscores = {"curve_type": curve_type, "pi_ll": modifiers["pi_ll"], "sva": modifiers["sva_mm"],
                 "pt": modifiers["pt"]}
    return SrsSchwabResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, category=category, interpretation=curve_type,
        subscores=frozen_mapping(subscores), flags=(UNVALIDATED,) if MAJOR_ABOVE in curves else (),
        details=frozen_mapping(values),
    )


def modifier(value: float, name: str) -> str:
    """Return the ``0`` / ``+`` / ``++`` grade of a sagittal modifier value."""
    low, high = MODIFIER_BANDS[name]
    if value < low:
        return "0"
    return "+" if value <= high else "++"
