"""JOA Back Pain Evaluation Questionnaire (JOABPEQ): structure only (proms.md §7).

The domain formulas (item-to-domain allocation and weights, Fukui 2009) are **NOT FOUND** in the
reference, so this module records the answers and returns every domain as not available. It
does implement the per-domain effectiveness rule, for domain scores taken from the official JOA
calculator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_BETTER,
    NEEDS_REVIEW,
    UNVALIDATED,
    Instrument,
    Item,
    Reference,
    Result,
    frozen_mapping,
)
from spinescores.errors import ScoreInputError
from spinescores.prom._common import collect, validate_choice_option

__all__ = ["DOMAINS", "INSTRUMENT", "JoabpeqEffectivenessResult", "JoabpeqResult", "effectiveness", "score"]

# Domain → number of items [V]. Which items belong to which domain is NOT FOUND (one item counts
# in two domains: 4 + 6 + 5 + 4 + 7 = 26 for 25 items).
DOMAINS = {
    "pain": 4,
    "lumbar_function": 6,
    "walking_ability": 5,
    "social_life": 4,
    "mental_health": 7,
}
VAS_ITEMS = ("vas_low_back_pain", "vas_leg_pain", "vas_leg_numbness")
SUBSCORE_KEYS = tuple(DOMAINS) + VAS_ITEMS

# Treatment effectiveness per domain [V, secondary summary of Fukui 2009; confirm wording].
EFFECTIVE_GAIN = 20
EFFECTIVE_LEVEL = 90

NOT_AVAILABLE = (
    "JOABPEQ domain formulas are NOT FOUND in the reference (Fukui 2009 / JOA scoring sheet could not "
    "be retrieved): domain scores are not computed. Use the official JOA calculator."
)

_QUESTION_ITEMS = tuple(
    Item(
        f"q{n}",
        f"JOABPEQ question {n} (wording and response coding licensed by the JOA)",
        f"JOABPEQ 第{n}题（题目及选项编码版权属日本骨科学会）",
        kind="integer",
        minimum=0,
    )
    for n in range(1, 26)
)
_VAS = (
    Item("vas_low_back_pain", "Low back pain, worst in the past week (0–10)", "近1周最严重腰痛（0–10）",
         kind="number", minimum=0, maximum=10),
    Item("vas_leg_pain", "Buttock or leg pain, worst in the past week (0–10)",
         "近1周最严重臀部或腿痛（0–10）", kind="number", minimum=0, maximum=10),
    Item("vas_leg_numbness", "Buttock or leg numbness, worst in the past week (0–10)",
         "近1周最严重臀部或腿麻木（0–10）", kind="number", minimum=0, maximum=10),
)

INSTRUMENT = Instrument(
    code="joabpeq",
    name="JOA Back Pain Evaluation Questionnaire",
    name_zh="日本骨科学会腰痛评价问卷（JOABPEQ）",
    version="joabpeq@2007",
    kind="prom",
    items=_QUESTION_ITEMS + _VAS,
    references=(
        Reference("Fukui M", 2009, "J Orthop Sci", "JOABPEQ/JOACMEQ: revised versions of April 16, 2007"),
        Reference("Hashizume H", 2015, "J Orthop Sci", "JOABPEQ reference values"),
    ),
    score_range=(0.0, 100.0),
    direction=HIGHER_IS_BETTER,
    licence=(
        "JOA copyright; use is limited to JOA members per the JOA calculator site [V]. Permission from the "
        "JOA is required before JOABPEQ is used in the registry. No wording is shipped."
    ),
    confidence="NOT FOUND",
    notes=(
        "Five independent domains 0–100 (no total), plus three 0–10 VAS items. The response coding of "
        "q1–q25 is not in the reference: any whole number ≥ 0 is stored. " + NOT_AVAILABLE
    ),
)


@dataclass(frozen=True)
class JoabpeqResult(Result):
    """JOABPEQ answers; every domain score is ``None`` because its formula is not available."""


@dataclass(frozen=True)
class JoabpeqEffectivenessResult(Result):
    """Whether one JOABPEQ domain improved enough to call the treatment effective."""

    domain: str = ""


def score(responses: Any) -> JoabpeqResult:
    """Record JOABPEQ answers; domain scores are **not available**.

    The item-to-domain allocation and the weighted formulas are NOT FOUND in proms.md (§7), so
    no domain score is computed: each of ``pain``, ``lumbar_function``, ``walking_ability``,
    ``social_life``, ``mental_health`` is ``None`` and the result is flagged ``unvalidated`` and
    ``needs_review`` with the explanation in ``details["reason"]``. The three 0–10 VAS items
    are passed through in ``subscores``. Missing answers are listed in ``missing_items``; no
    missing-item rule applies because nothing is scored.

    Parameters
    ----------
    responses : Mapping[str, int | float | None]
        ``q1`` … ``q25`` (whole numbers ≥ 0, coding not in the reference) and the VAS items
        ``vas_low_back_pain``, ``vas_leg_pain``, ``vas_leg_numbness`` (0–10).

    Returns
    -------
    JoabpeqResult
        ``value`` ``None`` (no total exists), ``subscores`` the five domains (``None``) and the VAS.

    Examples
    --------
    >>> result = score({"vas_low_back_pain": 6})
    >>> result.subscores["pain"], result.subscores["vas_low_back_pain"], result.flags
    (None, 6, ('unvalidated', 'needs_review'))

    References
    ----------
    Fukui M et al. J Orthop Sci 2009;14:348–365.
    """
    collected = collect(INSTRUMENT, responses)
    subscores = dict.fromkeys(DOMAINS) | {item: collected.answers.get(item) for item in VAS_ITEMS}
    return JoabpeqResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        subscores=frozen_mapping(subscores),
        missing_items=collected.missing,
        flags=(UNVALIDATED, NEEDS_REVIEW),
        details=frozen_mapping({"reason": NOT_AVAILABLE}),
    )


def effectiveness(pre: Any, post: Any, *, domain: str) -> JoabpeqEffectivenessResult:
    """Apply the JOABPEQ treatment-effectiveness rule to one domain.

    Effective when the domain score improved by at least 20 points, or when the post-treatment
    score is at least 90 while the pre-treatment score was below 90. The domain scores must come
    from the official JOA calculator (this library cannot compute them). The rule is taken from a
    secondary summary of Fukui 2009 whose wording the reference asks to confirm, so the result is
    flagged ``needs_review``.

    Parameters
    ----------
    pre, post : float
        Domain scores 0–100 before and after treatment.
    domain : str
        One of ``pain``, ``lumbar_function``, ``walking_ability``, ``social_life``,
        ``mental_health``.

    Returns
    -------
    JoabpeqEffectivenessResult
        ``value`` the gain in points, ``interpretation`` ``effective`` or ``not_effective``.

    Examples
    --------
    >>> effectiveness(40, 60, domain="pain").interpretation
    'effective'
    >>> effectiveness(85, 92, domain="pain").interpretation
    'effective'

    References
    ----------
    Fukui M et al. J Orthop Sci 2009;14:348–365.
    """
    domain = validate_choice_option("domain", domain, DOMAINS)
    pre, post = _domain_score("pre", pre), _domain_score("post", post)
    gain = post - pre
    effective = gain >= EFFECTIVE_GAIN or (pre < EFFECTIVE_LEVEL <= post)
    return JoabpeqEffectivenessResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=gain,
        interpretation="effective" if effective else "not_effective",
        flags=(NEEDS_REVIEW,),
        details=frozen_mapping({"pre": pre, "post": post}),
        domain=domain,
    )


def _domain_score(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScoreInputError(name, value, "a domain score from 0 to 100")
    if not 0 <= value <= 100:
        raise ScoreInputError(name, value, "a domain score from 0 to 100")
    return float(value)
