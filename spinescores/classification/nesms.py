"""New England Spinal Metastasis Score (NESMS), Ghori 2015: components only.

NESMS combines a "high" modified Bauer score, independent ambulation and normal serum albumin.
Neither the rule that combines the 2/1/1 weights under the stated 0-3 range nor the cut-offs for
"high" Bauer and "normal" albumin could be confirmed (classifications.md §1.6, §9). This module
therefore stores the three components and returns **no score**: ``value`` is ``None`` and the
result carries :data:`~spinescores.base.NEEDS_REVIEW`. Higher NESMS means better 1-year survival,
and the scheme has no management bands.

>>> from spinescores.classification import nesms
>>> nesms.classify({"modified_bauer": 3, "ambulation_independent": True, "albumin_g_dl": 3.9}).value is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import boolean, number, read_inputs, read_options

INSTRUMENT = Instrument(
    code="nesms",
    name="New England Spinal Metastasis Score (components)",
    name_zh="新英格兰脊柱转移评分（仅记录组成项）",
    version="nesms@ghori2015-components",
    kind="classification",
    items=(
        number("modified_bauer", "Modified Bauer score", "改良Bauer评分", 0, 4, "points", integer=True),
        boolean("ambulation_independent", "Independent ambulation", "可独立行走"),
        number("albumin_g_dl", "Serum albumin", "血清白蛋白", 0, 10, "g/dL"),
    ),
    references=(
        Reference("Ghori AK", 2015, "Spine J"),
        Reference("Schoenfeld AJ", 2021, "Spine J"),
    ),
    score_range=(0, 3),
    direction=HIGHER_IS_BETTER,
    confidence="P",
    notes="Combination rule and cut-offs unconfirmed: components are stored, no score is computed.",
)


@dataclass(frozen=True)
class NesmsResult(Result):
    """The stored components (``details``); no score until the rule is verified."""


def classify(inputs: Any, **options: Any) -> NesmsResult:
    """Record the NESMS components without scoring them.

    Parameters
    ----------
    inputs : mapping
        ``modified_bauer`` (0-4, see :mod:`spinescores.classification.modified_bauer`),
        ``ambulation_independent`` (bool), ``albumin_g_dl`` (0-10 g/dL).

    Returns
    -------
    NesmsResult
        ``value`` ``None``, ``flags`` ``("needs_review",)``, components in ``details``.

    References
    ----------
    Ghori AK, Leonard DA, Schoenfeld AJ, et al. Spine J 2015;15(11):2345-2350.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    return NesmsResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, flags=(NEEDS_REVIEW,),
        details=frozen_mapping({**values, "reason": "combination rule and cut-offs unconfirmed"}),
    )
