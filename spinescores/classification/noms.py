"""NOMS decision framework for spinal metastases (Laufer 2013): a *suggested* pathway.

Four assessments: **N**eurologic (Bilsky ESCC grade), **O**ncologic (response of the histology to
conventional external-beam radiation, cEBRT), **M**echanical (instability, SINS) and **S**ystemic
(can the patient tolerate surgery). The output is a suggestion for the team, never an order.

Rules (classifications.md §1.5):

* S: a patient who cannot tolerate surgery -> ``radiation_or_systemic`` (cEBRT or SRS as feasible,
  or systemic therapy), whatever N, O and M say.
* M: SINS 13-18, or SINS 7-12 judged unstable by the team -> stabilisation, plus radiation per N/O.
* N+O: radiosensitive histology -> cEBRT at any ESCC grade; radioresistant with ESCC 0-1b ->
  stereotactic radiosurgery (SRS); radioresistant with ESCC 2-3 -> separation surgery then SRS.
* ESCC 1c is controversial: the result always carries ``needs_review``, and for a radioresistant
  tumour no radiation pathway is suggested.

Only the confirmed radiosensitivity lists are built in: lymphoma, myeloma and seminoma are
sensitive; renal cell, melanoma, thyroid and colorectal are resistant. For any other histology the
treating team supplies ``radiation_response``; without it the result is ``needs_review``. Likewise a
SINS of 7-12 without ``unstable_by_judgement`` leaves stabilisation undecided.

>>> from spinescores.classification import noms
>>> noms.classify({"escc": "3", "histology": "renal_cell", "sins": 8, "unstable_by_judgement": False,
...                "can_tolerate_surgery": True}).category
'separation_surgery+srs'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, number, read_inputs, read_options
from spinescores.errors import ScoreInputError

SENSITIVE = ("lymphoma", "myeloma", "seminoma")
RESISTANT = ("renal_cell", "melanoma", "thyroid", "colorectal")
LOW_GRADE = ("0", "1a", "1b")
HIGH_GRADE = ("2", "3")

INSTRUMENT = Instrument(
    code="noms",
    name="NOMS decision framework (suggested pathway)",
    name_zh="NOMS决策框架（建议路径）",
    version="noms@laufer2013",
    kind="classification",
    items=(
        choice("escc", "Bilsky ESCC grade (neurologic)", "Bilsky硬膜外脊髓压迫分级（神经）", tuple(
            (grade, f"ESCC {grade}", f"ESCC {grade}级") for grade in ("0", "1a", "1b", "1c", "2", "3")
        )),
        boolean("myelopathy_or_radiculopathy", "Myelopathy or functional radiculopathy", "脊髓病或神经根病",
                required=False),
        choice("histology", "Tumour histology (oncologic)", "肿瘤组织学（肿瘤学）", (
            ("lymphoma", "Lymphoma", "淋巴瘤"),
            ("myeloma", "Myeloma", "骨髓瘤"),
            ("seminoma", "Seminoma", "精原细胞瘤"),
            ("renal_cell", "Renal cell carcinoma", "肾细胞癌"),
            ("melanoma", "Melanoma", "黑色素瘤"),
            ("thyroid", "Thyroid carcinoma", "甲状腺癌"),
            ("colorectal", "Colorectal carcinoma", "结直肠癌"),
            ("other", "Other histology (team decides the response)", "其他组织学（由治疗团队判定）"),
        ), required=False),
        choice("radiation_response", "Response to conventional radiation, judged by the team",
               "对常规放疗的反应（团队判定）", (
                   ("sensitive", "Radiosensitive", "放疗敏感"),
                   ("resistant", "Radioresistant", "放疗抵抗"),
               ), required=False),
        number("sins", "SINS total (mechanical)", "SINS总分（机械稳定性）", 0, 18, "points", integer=True),
        boolean("unstable_by_judgement", "SINS 7-12 judged unstable by the team",
                "SINS 7-12分经团队判定不稳定", required=False),
        boolean("can_tolerate_surgery", "Patient can tolerate surgery (systemic)", "患者可耐受手术（全身）"),
    ),
    references=(
        Reference("Laufer I", 2013, "Oncologist"),
        Reference("Bilsky MH", 2007, "Curr Opin Orthop"),
    ),
    confidence="P",
    notes="Suggested pathway only. Intermediate histologies are never hard-coded.",
)


@dataclass(frozen=True)
class NomsResult(Result):
    """Suggested pathway (``category``) and its parts (``subscores``: stabilisation, radiation)."""


def classify(inputs: Any, **options: Any) -> NomsResult:
    """Suggest a NOMS treatment pathway.

    Parameters
    ----------
    inputs : mapping
        ``escc``, ``sins`` (0-18) and ``can_tolerate_surgery`` are required; ``histology`` and/or
        ``radiation_response``; ``unstable_by_judgement`` for SINS 7-12; optional
        ``myelopathy_or_radiculopathy`` (recorded only).

    Returns
    -------
    NomsResult
        ``category`` such as ``cebrt``, ``srs``, ``separation_surgery+srs``,
        ``stabilisation+cebrt`` or ``radiation_or_systemic``; ``None`` with ``needs_review`` when a
        part cannot be decided.

    References
    ----------
    Laufer I, Rubin DG, Lis E, et al. Oncologist 2013;18(6):744-751.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    response = _radiation_response(values)
    flags = [NEEDS_REVIEW] if values["escc"] == "1c" else []
    details = {**values, "radiation_response_used": response}
    if not values["can_tolerate_surgery"]:
        parts = {"stabilisation": False, "radiation": "radiation_or_systemic"}
        return _result("radiation_or_systemic", parts, flags, details)
    parts = {"stabilisation": _unstable(values), "radiation": _radiation(values["escc"], response)}
    if None in parts.values():
        flags = [NEEDS_REVIEW]
        return _result(None, parts, flags, details)
    pathway = ("stabilisation+" if parts["stabilisation"] else "") + parts["radiation"]
    return _result(pathway, parts, flags, details)


def _radiation_response(values: dict[str, Any]) -> str | None:
    histology = values.get("histology")
    given = values.get("radiation_response")
    listed = "sensitive" if histology in SENSITIVE else "resistant" if histology in RESISTANT else None
    if listed and given and given != listed:
        raise ScoreInputError("radiation_response", given, (listed,),
                              hint=f"{histology} is {listed} to conventional radiation")
    return listed or given


def _unstable(values: dict[str, Any]) -> bool | None:
    sins = values["sins"]
    if sins >= 13:
        return True
    if sins >= 7:
        return values.get("unstable_by_judgement")
    return False


def _radiation(escc: str, response: str | None) -> str | None:
    if response == "sensitive":
        return "cebrt"
    if response is None or escc == "1c":
        return None
    return "srs" if escc in LOW_GRADE else "separation_surgery+srs"


def _result(pathway: str | None, parts: dict[str, Any], flags: list[str],
            details: dict[str, Any]) -> NomsResult:
    return NomsResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, category=pathway, interpretation=pathway,
        subscores=frozen_mapping(parts), flags=tuple(flags), details=frozen_mapping(details),
    )
