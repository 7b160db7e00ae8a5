"""Neck Disability Index (NDI), Vernon & Mior 1991 (proms.md §2)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, PRORATED, Instrument, Reference, Result, frozen_mapping
from spinescores.prom._common import NOT_APPLICABLE, choice_item, collect, graded_options, validate_int_option

__all__ = ["INSTRUMENT", "NOT_APPLICABLE", "NdiResult", "score"]

SUBSCORE_KEYS = ("raw", "percent")

_OPTIONS = graded_options(range(6), ("no disability", "无障碍"), ("complete disability", "完全障碍"))

_ITEMS = (
    ("pain_intensity", "Pain intensity", "疼痛程度", False),
    ("personal_care", "Personal care (washing, dressing)", "个人生活料理（洗漱、穿衣）", False),
    ("lifting", "Lifting", "提物", False),
    ("reading", "Reading", "阅读", False),
    ("headaches", "Headaches", "头痛", False),
    ("concentration", "Concentration", "注意力集中", False),
    ("work", "Work", "工作", False),
    ("driving", "Driving (if applicable)", "驾驶（如适用）", True),
    ("sleeping", "Sleeping", "睡眠", False),
    ("recreation", "Recreation", "娱乐活动", False),
)

# Vernon's bands on the 0–50 raw score [V]; cut-points <5, <15, <25, <35 for pro-rated raw scores.
_BANDS = ((5.0, "none"), (15.0, "mild"), (25.0, "moderate"), (35.0, "severe"), (math.inf, "complete"))

DEFAULT_MIN_ANSWERED = 8

INSTRUMENT = Instrument(
    code="ndi",
    name="Neck Disability Index",
    name_zh="颈椎功能障碍指数",
    version="ndi@vernon1991",
    kind="prom",
    items=tuple(choice_item(i, en, zh, _OPTIONS, not_applicable=na) for i, en, zh, na in _ITEMS),
    references=(
        Reference("Vernon H", 1991, "J Manipulative Physiol Ther", "The Neck Disability Index"),
        Reference("Vernon H", 2008, "J Manipulative Physiol Ther", "The NDI: state of the art, 1991–2008"),
    ),
    score_range=(0.0, 100.0),
    direction=HIGHER_IS_WORSE,
    licence=(
        "© Howard Vernon. Commonly described as free for clinical and research use [M]; clear "
        "redistribution by a software vendor with the author. Item wording is not shipped."
    ),
    confidence="V",
    notes="The driving item may be recorded as not applicable (non-drivers).",
)


@dataclass(frozen=True)
class NdiResult(Result):
    """The NDI as a percentage (0–100, higher is worse), with the 0–50 raw score in subscores."""

    not_applicable_items: tuple[str, ...] = ()
    answered: int = 0


def score(responses: Any, *, min_answered: int = DEFAULT_MIN_ANSWERED) -> NdiResult:
    """Score the NDI.

    ``raw = sum × 10 / n_answered`` (0–50; the author's rule adds the mean of the answered items
    for each blank one) and ``percent = raw × 2`` (0–100), which is ``value``. Missing items
    (absent or ``None``) and the driving item marked not applicable (``"na"``) are pro-rated the
    same way but reported separately. With fewer than ``min_answered`` items answered the value is
    ``None``. Several answers marked for one item make it missing (no NDI-specific rule).

    Parameters
    ----------
    responses : Mapping[str, int | str | None]
        Item id → 0..5, ``"na"`` (driving only), ``None`` or absent (missing).
    min_answered : int, default 8
        Fewest answered items needed to pro-rate, 1 to 10 (registry default 8).

    Returns
    -------
    NdiResult
        ``value`` = percentage 0–100 (display with 1 decimal), ``subscores`` ``raw`` (0–50) and
        ``percent``, ``interpretation`` one of ``none``, ``mild``, ``moderate``, ``severe``,
        ``complete`` (on the raw score, cut-points <5, <15, <25, <35), flag ``prorated`` when
        fewer than 10 items were used.

    Examples
    --------
    >>> result = score(dict.fromkeys(INSTRUMENT.item_ids, 1))
    >>> result.subscores["raw"], result.value, result.interpretation
    (10.0, 20.0, 'mild')

    References
    ----------
    Vernon H, Mior S. The Neck Disability Index: a study of reliability and validity.
    J Manipulative Physiol Ther 1991;14(7):409–415; Vernon's scoring note.
    """
    min_answered = validate_int_option("min_answered", min_answered, 1, 10)
    collected = collect(INSTRUMENT, responses)
    answered = len(collected.answers)
    common = {
        "code": INSTRUMENT.code,
        "version": INSTRUMENT.version,
        "missing_items": collected.missing,
        "not_applicable_items": collected.not_applicable,
        "answered": answered,
    }
    details = {"multiple_marked": collected.multiple_marked, "min_answered": min_answered}
    if answered < min_answered:
        details["reason"] = f"{answered} of 10 items answered; at least {min_answered} needed"
        return NdiResult(details=frozen_mapping(details), **common)
    raw = sum(collected.answers.values()) * 10.0 / answered
    return NdiResult(
        value=raw * 2,
        interpretation=band(raw),
        subscores=frozen_mapping({"raw": raw, "percent": raw * 2}),
        flags=(PRORATED,) if answered < 10 else (),
        details=frozen_mapping(details),
        **common,
    )


def band(raw: float) -> str:
    """Return Vernon's band code of a raw NDI score (0–50)."""
    return next(name for upper, name in _BANDS if raw < upper)
