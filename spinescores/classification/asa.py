"""ASA physical status class, assigned by the anaesthetist and stored, never computed.

Classes I-VI, with the suffix E for emergency surgery (e.g. "IIIE"). The reference writes the
class wording from the widely published ASA definitions without re-checking it against the current
ASA document ([U]), so every result carries ``unvalidated``. If ``emergency`` is not given the
suffix is left off and ``emergency`` is listed in ``missing_items``.

References
----------
American Society of Anesthesiologists. ASA Physical Status Classification System (House of
Delegates; last amended 2020). Saklad M. Grading of patients for surgical procedures.
Anesthesiology 1941.

Examples
--------
>>> classify({"asa_class": "III", "emergency": True}).category
'IIIE'
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

CLASSES = ("I", "II", "III", "IV", "V", "VI")
_OPTIONS = (
    Option("I", "normal healthy patient", "正常健康患者"),
    Option("II", "mild systemic disease", "轻度系统性疾病"),
    Option("III", "severe systemic disease", "严重系统性疾病"),
    Option("IV", "severe systemic disease, a constant threat to life", "严重系统性疾病，持续威胁生命"),
    Option("V", "moribund, not expected to survive without the operation", "濒死，不手术难以存活"),
    Option("VI", "declared brain-dead, organ donor", "已宣布脑死亡的器官捐献者"),
)
_MEANINGS = ("healthy", "mild_systemic_disease", "severe_systemic_disease", "threat_to_life", "moribund",
             "brain_dead_donor")

INSTRUMENT = Instrument(
    code="asa",
    name="ASA physical status classification",
    name_zh="ASA 身体状况分级",
    version="asa@asa2020",
    kind="classification",
    items=(
        Item("asa_class", "ASA class assigned by the anaesthetist", "麻醉医师评定的 ASA 分级",
             options=_OPTIONS),
        Item("emergency", "Emergency surgery (suffix E)", "急诊手术（后缀 E）", kind="boolean",
             required=False),
    ),
    references=(
        Reference("American Society of Anesthesiologists", 2020, "ASA House of Delegates",
                  "ASA Physical Status Classification System"),
        Reference("Saklad M", 1941, "Anesthesiology", "Grading of patients for surgical procedures"),
    ),
    score_range=(1, 6),
    direction=HIGHER_IS_WORSE,
    confidence="U",
    notes="Class wording not re-checked against the current ASA text: every result is unvalidated.",
)


@dataclass(frozen=True)
class AsaResult(Result):
    """ASA class: ``value`` 1-6, ``category`` the class with its E suffix, always ``unvalidated``."""


def classify(inputs: Mapping[str, Any], **options: Any) -> AsaResult:
    """Store an anaesthetist-assigned ASA class.

    Parameters
    ----------
    inputs : mapping
        ``asa_class`` ("I"-"VI") and optionally ``emergency`` (bool).

    Returns
    -------
    AsaResult
        ``value`` the class as 1-6, ``category`` e.g. "IIIE".
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="asa takes no options")
    item = INSTRUMENT.item("asa_class")
    if "asa_class" not in data:
        raise ScoreInputError("asa_class", None, item.allowed_values, hint="required input is missing")
    asa_class = item.validate(data["asa_class"])
    emergency = INSTRUMENT.item("emergency").validate(data["emergency"]) if "emergency" in data else None
    number = CLASSES.index(asa_class) + 1
    return AsaResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=number,
        category=asa_class + ("E" if emergency else ""),
        interpretation=_MEANINGS[number - 1],
        missing_items=("emergency",) if emergency is None else (),
        flags=(UNVALIDATED,),
        details={"emergency": emergency},
    )
