"""Frankel grade of spinal cord injury.

=====  =============  =========================================================================
Grade  Meaning        Definition
=====  =============  =========================================================================
A      complete       no motor or sensory function below the level
B      sensory only   some sensation preserved below the level, motor paralysis complete
C      motor useless  some motor power below the level, of no practical use
D      motor useful   useful motor power below the level (may walk with or without aids)
E      recovery       no motor, sensory or sphincter deficit (abnormal reflexes allowed)
=====  =============  =========================================================================

Frankel is not interchangeable with the ASIA Impairment Scale: its C and D definitions differ,
so no conversion is offered.

References
----------
Frankel HL, Hancock DO, Hyslop G, et al. The value of postural reduction in the initial management
of closed injuries of the spine with paraplegia and tetraplegia. Paraplegia 1969;7(3):179-192.

Examples
--------
>>> classify({"grade": "C"}).interpretation
'motor_useless'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import Instrument, Item, Option, Reference, Result, reject_unknown, require_mapping
from spinescores.errors import ScoreInputError

_GRADES = (
    Option("A", "complete: no motor or sensory function below the level",
           "完全损伤：损伤平面以下无运动和感觉"),
    Option("B", "sensory only: sensation preserved, motor paralysis complete",
           "仅存感觉：保留感觉，运动完全瘫痪"),
    Option("C", "motor useless: some motor power of no practical use",
           "运动无用：有部分肌力但无实用价值"),
    Option("D", "motor useful: useful motor power, may walk",
           "运动有用：有实用肌力，可行走"),
    Option("E", "recovery: no motor, sensory or sphincter deficit",
           "恢复：无运动、感觉及括约肌功能障碍"),
)
_MEANINGS = {"A": "complete", "B": "sensory_only", "C": "motor_useless", "D": "motor_useful", "E": "recovery"}

INSTRUMENT = Instrument(
    code="frankel",
    name="Frankel grade",
    name_zh="Frankel 脊髓损伤分级",
    version="frankel@frankel1969",
    kind="classification",
    items=(Item("grade", "Frankel grade", "Frankel 分级", options=_GRADES),),
    references=(
        Reference("Frankel HL", 1969, "Paraplegia",
                  "The value of postural reduction in the initial management of closed injuries of the spine "
                  "with paraplegia and tetraplegia", "10.1038/sc.1969.30"),
    ),
    confidence="C",
    notes="Not interchangeable with the ASIA Impairment Scale (different C/D definitions).",
)


@dataclass(frozen=True)
class FrankelResult(Result):
    """Frankel grade: ``category`` A-E, ``interpretation`` its meaning."""


def classify(inputs: Mapping[str, Any], **options: Any) -> FrankelResult:
    """Return the meaning of a Frankel grade.

    Parameters
    ----------
    inputs : mapping
        ``grade``: "A", "B", "C", "D" or "E".

    Returns
    -------
    FrankelResult
        ``category`` the grade, ``interpretation`` e.g. "motor_useful".
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="frankel takes no options")
    item = INSTRUMENT.item("grade")
    if "grade" not in data:
        raise ScoreInputError("grade", None, item.allowed_values, hint="required input is missing")
    grade = item.validate(data["grade"])
    return FrankelResult(code=INSTRUMENT.code, version=INSTRUMENT.version, category=grade,
                         interpretation=_MEANINGS[grade])
