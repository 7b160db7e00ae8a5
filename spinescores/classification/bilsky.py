"""Bilsky epidural spinal cord compression (ESCC) scale, Bilsky 2010.

Read on axial T2 MRI at the level of worst compression. The grade is the ``category``; the derived
group is the ``interpretation``: ``low_grade`` (0, 1a, 1b), ``intermediate`` (1c, management
debated) or ``high_grade`` (2, 3).

>>> from spinescores.classification import bilsky
>>> bilsky.classify({"grade": "1b"}).interpretation
'low_grade'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, choice, read_inputs, read_options
from spinescores.errors import ScoreInputError

GROUP = {"0": "low_grade", "1a": "low_grade", "1b": "low_grade", "1c": "intermediate",
         "2": "high_grade", "3": "high_grade"}
EPIDURAL_GRADES = ("1a", "1b", "1c")

INSTRUMENT = Instrument(
    code="bilsky",
    name="Bilsky epidural spinal cord compression scale",
    name_zh="Bilsky硬膜外脊髓压迫分级",
    version="bilsky@bilsky2010",
    kind="classification",
    items=(
        choice("grade", "ESCC grade at the level of worst compression", "最重压迫节段的ESCC分级", (
            ("0", "Bone-only disease", "仅骨内病变"),
            ("1a", "Epidural impingement, thecal sac not deformed", "硬膜外侵犯，硬膜囊无变形"),
            ("1b", "Thecal sac deformed, cord not abutted", "硬膜囊变形，未触及脊髓"),
            ("1c", "Thecal sac deformed, cord abutted but not compressed", "硬膜囊变形，触及脊髓但无压迫"),
            ("2", "Cord compressed, CSF visible", "脊髓受压，脑脊液可见"),
            ("3", "Cord compressed, no CSF visible", "脊髓受压，脑脊液不可见"),
        )),
        boolean("epidural_disease", "Epidural disease present", "存在硬膜外病变", required=False),
    ),
    references=(
        Reference("Bilsky MH", 2010, "J Neurosurg Spine"),
    ),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class BilskyResult(Result):
    """ESCC grade (``category``) and low/intermediate/high group (``interpretation``)."""


def classify(inputs: Any, **options: Any) -> BilskyResult:
    """Grade epidural spinal cord compression.

    Parameters
    ----------
    inputs : mapping
        ``grade`` ("0", "1a", "1b", "1c", "2", "3"); optional ``epidural_disease`` (bool): grades
        1a-1c require epidural disease, so ``False`` with them is rejected.

    Returns
    -------
    BilskyResult
        ``category`` the grade, ``interpretation`` ``low_grade`` / ``intermediate`` / ``high_grade``.

    References
    ----------
    Bilsky MH, Laufer I, Fourney DR, et al. J Neurosurg Spine 2010;13(3):324-328.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    grade = values["grade"]
    if grade in EPIDURAL_GRADES and values.get("epidural_disease") is False:
        raise ScoreInputError("epidural_disease", False, "True for grades 1a-1c",
                              hint=f"grade {grade} requires epidural disease")
    return BilskyResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, category=grade, interpretation=GROUP[grade],
        details=frozen_mapping(values),
    )
