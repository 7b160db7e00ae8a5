"""Oswestry Disability Index (ODI) version 2.1a (proms.md §1)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    PRORATED,
    UNVALIDATED,
    Instrument,
    Reference,
    Result,
    frozen_mapping,
)
from spinescores.prom._common import (
    MULTIPLE_TAKE_WORST,
    NOT_APPLICABLE,
    choice_item,
    collect,
    graded_options,
    validate_int_option,
)

__all__ = ["INSTRUMENT", "NOT_APPLICABLE", "OdiResult", "score"]

_OPTIONS = graded_options(range(6), ("no limitation", "无受限"), ("maximal limitation", "最严重受限"))

_SECTIONS = (
    ("pain_intensity", "Pain intensity", "疼痛程度", False),
    ("personal_care", "Personal care (washing, dressing)", "个人生活料理（洗漱、穿衣）", False),
    ("lifting", "Lifting", "提物", False),
    ("walking", "Walking", "行走", False),
    ("sitting", "Sitting", "坐", False),
    ("standing", "Standing", "站立", False),
    ("sleeping", "Sleeping", "睡眠", False),
    ("sex_life", "Sex life (if applicable)", "性生活（如适用）", True),
    ("social_life", "Social life", "社会活动", False),
    ("travelling", "Travelling", "外出旅行", False),
)

# Fairbank 1980 bands as repeated in Fairbank & Pynsent 2000 [V]: upper edges, inclusive.
_BANDS = (
    (20.0, "minimal"),
    (40.0, "moderate"),
    (60.0, "severe"),
    (80.0, "crippled"),
    (math.inf, "bed_bound"),
)

DEFAULT_MIN_ANSWERED = 9
LOWEST_MIN_ANSWERED = 8  # proms.md §1: "Never compute from fewer than 8."

INSTRUMENT = Instrument(
    code="odi",
    name="Oswestry Disability Index",
    name_zh="Oswestry功能障碍指数",
    version="odi@2.1a",
    kind="prom",
    items=tuple(choice_item(i, en, zh, _OPTIONS, not_applicable=na) for i, en, zh, na in _SECTIONS),
    references=(
        Reference("Fairbank JCT", 2000, "Spine", "The Oswestry Disability Index"),
        Reference("Liu H", 2009, "Spine", "Simplified Chinese ODI (SCODI), PMID 19444069"),
        Reference("Lue YJ", 2008, "Spine", "Traditional Chinese ODI 2.1"),
    ),
    score_range=(0.0, 100.0),
    direction=HIGHER_IS_WORSE,
    licence=(
        "ODI © Jeremy Fairbank, distributed by Mapi Research Trust (ePROVIDE). The scoring formula is "
        "implemented here; the item wording is licensed and is never shipped. Fees may apply to "
        "healthcare organisations and IT companies."
    ),
    confidence="V",
    notes="Section 8 (sex life) may be recorded as not applicable; it then leaves the denominator.",
)


@dataclass(frozen=True)
class OdiResult(Result):
    """The ODI percentage (0–100, higher is worse) with its Fairbank band."""

    not_applicable_items: tuple[str, ...] = ()
    answered: int = 0


def score(responses: Any, *, min_answered: int = DEFAULT_MIN_ANSWERED) -> OdiResult:
    """Score the ODI 2.1a as a percentage.

    ``ODI = 100 × (sum of answered section scores) / (5 × number of answered sections)``.
    Each unanswered or not-applicable section removes 5 from the denominator. Missing sections
    (absent or ``None``) and not-applicable sections (``"na"``, allowed only for ``sex_life``) are
    reported separately. With fewer than ``min_answered`` sections answered the value is ``None``.
    A list of several marked answers for one section counts as the worst (highest) of them, as
    ODI guidance says; that rule is tagged [M], so the result is flagged ``unvalidated``.

    Parameters
    ----------
    responses : Mapping[str, int | str | list | None]
        Section id → 0..5, ``"na"`` (sex_life only), ``None`` or absent (missing).
    min_answered : int, default 9
        Fewest answered sections needed to compute the score, 8 to 10 (the registry default is
        9; some groups accept 8; never fewer than 8).

    Returns
    -------
    OdiResult
        ``value`` in 0–100 (full precision; display with 1 decimal), ``interpretation`` one of
        ``minimal``, ``moderate``, ``severe``, ``crippled``, ``bed_bound`` (cut-points ≤20, ≤40,
        ≤60, ≤80), ``missing_items``, ``not_applicable_items`` and the ``prorated`` flag when fewer
        than 10 sections were used.

    Examples
    --------
    >>> answers = dict.fromkeys(INSTRUMENT.item_ids, 2)
    >>> score(answers).value
    40.0
    >>> answers["sex_life"] = "na"
    >>> round(score(answers).value, 1), score(answers).not_applicable_items
    (40.0, ('sex_life',))

    References
    ----------
    Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940–2952.
    """
    min_answered = validate_int_option("min_answered", min_answered, LOWEST_MIN_ANSWERED, 10)
    collected = collect(INSTRUMENT, responses, multiple=MULTIPLE_TAKE_WORST)
    answered = len(collected.answers)
    flags = []
    if collected.multiple_marked:
        flags.append(UNVALIDATED)
    common = {
        "code": INSTRUMENT.code,
        "version": INSTRUMENT.version,
        "missing_items": collected.missing,
        "not_applicable_items": collected.not_applicable,
        "answered": answered,
    }
    details = {"multiple_marked": collected.multiple_marked, "min_answered": min_answered}
    if answered < min_answered:
        details["reason"] = f"{answered} of 10 sections answered; at least {min_answered} needed"
        return OdiResult(flags=tuple(flags), details=frozen_mapping(details), **common)
    value = 100.0 * sum(collected.answers.values()) / (5 * answered)
    if answered < 10:
        flags.append(PRORATED)
    return OdiResult(
        value=value,
        interpretation=band(value),
        flags=tuple(flags),
        details=frozen_mapping(details),
        **common,
    )


def band(value: float) -> str:
    """Return the Fairbank band code of an ODI percentage (cut-points ≤20, ≤40, ≤60, ≤80)."""
    return next(name for upper, name in _BANDS if value <= upper)
