"""Roussouly sagittal types of the lumbar spine, Roussouly 2005 (classifications.md §3.6).

Sacral slope (SS) decides types 3 and 4: SS > 45° is type 4; 35° <= SS <= 45° is type 3 (the
source band is inclusive, so 35° and 45° fall in type 3). Below 35° the lordosis apex separates
type 1 (apex low, centre of L5) from type 2 (apex at the base of L4, flat lordosis); without
either of those apices the type is left ``None`` with ``needs_review``.

"Type 3 anteverted pelvis" (Laouissat 2018: SS > 35° with low PI and very low PT) has no
confirmed cut-offs; the clinician may mark it with ``anteverted_pelvis`` and it is recorded as the
flag ``anteverted_pelvis`` only. It is rejected with SS <= 35°, which the description excludes.

>>> from spinescores.classification import roussouly
>>> roussouly.classify({"ss": 40}).category
'3'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, number, read_inputs, read_options
from spinescores.errors import ScoreInputError

ANTEVERTED = "anteverted_pelvis"
LOW_SS_TYPES = {"l5_centre": "1", "l4_base": "2"}

INSTRUMENT = Instrument(
    code="roussouly",
    name="Roussouly sagittal types",
    name_zh="Roussouly矢状面分型",
    version="roussouly@roussouly2005",
    kind="classification",
    items=(
        number("ss", "Sacral slope", "骶骨倾斜角", -90, 90, "deg"),
        choice("lordosis_apex", "Apex of the lumbar lordosis", "腰椎前凸顶点", (
            ("l5_centre", "Low, centre of L5", "低位，L5椎体中心"),
            ("l4_base", "Base of L4", "L4椎体下缘"),
            ("l4_centre", "Centre of L4", "L4椎体中心"),
            ("l3_base_or_higher", "Base of L3 or higher", "L3椎体下缘或更高"),
        ), required=False),
        boolean(ANTEVERTED, "Anteverted pelvis judged by the clinician", "临床判定骨盆前倾", required=False),
    ),
    references=(
        Reference("Roussouly P", 2005, "Spine"),
        Reference("Laouissat F", 2018, "Eur Spine J"),
    ),
    confidence="P",
    notes="Type 3 anteverted has no confirmed cut-offs: recorded as a flag only.",
)


@dataclass(frozen=True)
class RoussoulyResult(Result):
    """Roussouly type ``"1"``-``"4"`` (``category``) or ``None`` with ``needs_review``."""


def classify(inputs: Any, **options: Any) -> RoussoulyResult:
    """Assign a Roussouly sagittal type.

    Parameters
    ----------
    inputs : mapping
        ``ss`` (degrees); ``lordosis_apex`` (needed when SS < 35°); optional ``anteverted_pelvis``.

    Returns
    -------
    RoussoulyResult
        ``category`` the type; ``flags`` may hold ``needs_review`` and ``anteverted_pelvis``.

    References
    ----------
    Roussouly P, Gollogly S, Berthonnaud E, Dimnet J. Spine 2005;30(3):346-353.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    ss, apex = values["ss"], values.get("lordosis_apex")
    if values.get(ANTEVERTED) and ss <= 35:
        raise ScoreInputError(ANTEVERTED, True, "True only when ss is above 35 deg", hint=f"ss is {ss}")
    flags = [ANTEVERTED] if values.get(ANTEVERTED) else []
    missing: tuple[str, ...] = ()
    if ss > 45:
        sagittal_type: str | None = "4"
    elif ss >= 35:
        sagittal_type = "3"
    else:
        sagittal_type = LOW_SS_TYPES.get(apex)
        missing = ("lordosis_apex",) if apex is None else ()
    if sagittal_type is None:
        flags.insert(0, NEEDS_REVIEW)
    return RoussoulyResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, category=sagittal_type,
        interpretation=sagittal_type, missing_items=missing, flags=tuple(flags),
        details=frozen_mapping(values),
    )
