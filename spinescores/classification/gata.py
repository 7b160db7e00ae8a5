"""GATA classification of spinal tuberculosis (Gülhane Askeri Tıp Akademisi), stored as assigned.

The scheme rests on seven criteria (abscess formation, disc degeneration, vertebral collapse,
kyphosis/angulation, sagittal index, instability, neurological deficit), which the reference
confirms. The type definitions (IA, IB, II, III), the 20° sagittal-index threshold and the
suggested treatments are written from recall and unconfirmed, so this module does not derive the
type: it stores the clinician's type, returns no treatment suggestion, and flags every result
``unvalidated``.

References
----------
Oguz E, Sehirlioglu A, Altinmakas M, et al. A new classification and guide for surgical treatment
of spinal tuberculosis. Int Orthop 2008;32(1):127-133.

Examples
--------
>>> classify({"type": "IB"}).flags
('unvalidated',)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    UNVALIDATED,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

INSTRUMENT = Instrument(
    code="gata",
    name="GATA classification of spinal tuberculosis",
    name_zh="GATA 脊柱结核分型",
    version="gata@oguz2008",
    kind="classification",
    items=(
        Item("type", "GATA type assigned by the clinician", "医师评定的 GATA 分型",
             options=(Option("IA", "type IA", "IA 型"), Option("IB", "type IB", "IB 型"),
                      Option("II", "type II", "II 型"), Option("III", "type III", "III 型"))),
    ),
    references=(
        Reference("Oguz E", 2008, "Int Orthop",
                  "A new classification and guide for surgical treatment of spinal tuberculosis"),
    ),
    direction=HIGHER_IS_WORSE,
    confidence="P",
    notes="Type definitions, 20° sagittal-index threshold and treatments unconfirmed: stored, not derived.",
)


@dataclass(frozen=True)
class GataResult(Result):
    """GATA type as assigned by the clinician, always flagged ``unvalidated``."""


def classify(inputs: Mapping[str, Any], **options: Any) -> GataResult:
    """Store a clinician-assigned GATA type.

    Parameters
    ----------
    inputs : mapping
        ``type``: "IA", "IB", "II" or "III".

    Returns
    -------
    GataResult
        ``category`` the type, ``flags`` ("unvalidated",).
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="gata takes no options")
    item = INSTRUMENT.item("type")
    if "type" not in data:
        raise ScoreInputError("type", None, item.allowed_values, hint="required input is missing")
    gata_type = item.validate(data["type"])
    return GataResult(code=INSTRUMENT.code, version=INSTRUMENT.version, category=gata_type,
                      interpretation=f"type_{gata_type}", flags=(UNVALIDATED,))
