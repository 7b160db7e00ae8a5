"""Tomita score for spinal metastases, Tomita 2001: the three confirmed parameters only.

The reference confirms only that the score has three parameters: growth rate of the primary
tumour, visceral metastases and bone metastases. The point weights and the 2-3 / 4-5 / 6-7 /
8-10 strategy bands could not be checked (classifications.md §1.3, §9), so this module records the
three parameters and returns **no total and no band**: ``value`` and ``category`` are ``None`` and
the result carries :data:`~spinescores.base.NEEDS_REVIEW`. Do not add weights until they are
verified against the paper.

>>> from spinescores.classification import tomita
>>> inputs = {"primary_growth": "slow", "visceral_metastases": "none", "bone_metastases": "solitary"}
>>> tomita.classify(inputs).flags
('needs_review',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, NEEDS_REVIEW, Instrument, Reference, Result, frozen_mapping
from spinescores.classification._common import choice, read_inputs, read_options

INSTRUMENT = Instrument(
    code="tomita",
    name="Tomita score (parameters only)",
    name_zh="Tomita评分（仅记录参数）",
    version="tomita@tomita2001-parameters",
    kind="classification",
    items=(
        choice("primary_growth", "Growth rate of the primary tumour", "原发肿瘤生长速度", (
            ("slow", "Slow growth", "生长缓慢"),
            ("moderate", "Moderate growth", "生长中等"),
            ("rapid", "Rapid growth", "生长迅速"),
        )),
        choice("visceral_metastases", "Visceral metastases", "内脏转移", (
            ("none", "None", "无"),
            ("treatable", "Treatable", "可治疗"),
            ("untreatable", "Untreatable", "不可治疗"),
        )),
        choice("bone_metastases", "Bone metastases (including spine)", "骨转移（含脊柱）", (
            ("solitary", "Solitary or isolated", "单发或孤立"),
            ("multiple", "Multiple", "多发"),
        )),
    ),
    references=(
        Reference("Tomita K", 2001, "Spine"),
    ),
    score_range=None,
    direction=HIGHER_IS_WORSE,
    confidence="P",
    notes="Point weights and strategy bands are unconfirmed: only the parameters are stored.",
)


@dataclass(frozen=True)
class TomitaResult(Result):
    """The recorded parameters (``details``); no total or band until the weights are verified."""


def classify(inputs: Any, **options: Any) -> TomitaResult:
    """Record the three Tomita parameters without scoring them.

    Parameters
    ----------
    inputs : mapping
        ``primary_growth`` (slow/moderate/rapid), ``visceral_metastases`` (none/treatable/untreatable),
        ``bone_metastases`` (solitary/multiple).

    Returns
    -------
    TomitaResult
        ``value`` and ``category`` ``None``, ``flags`` ``("needs_review",)``, the parameters in
        ``details``.

    References
    ----------
    Tomita K, Kawahara N, Kobayashi T, et al. Spine 2001;26(3):298-306.
    """
    read_options(options, {})
    values = read_inputs(INSTRUMENT, inputs)
    return TomitaResult(
        code=INSTRUMENT.code, version=INSTRUMENT.version, flags=(NEEDS_REVIEW,),
        details=frozen_mapping({**values, "reason": "point weights and bands unconfirmed"}),
    )
