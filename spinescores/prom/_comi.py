"""Shared builder for COMI back and COMI neck (proms.md §10); no ``INSTRUMENT`` here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, PRORATED, Instrument, Reference, Result, frozen_mapping
from spinescores.prom._common import (
    LOCAL_POLICY,
    choice_item,
    collect,
    graded_options,
    labelled_options,
    mean,
)

SUBSCORE_KEYS = ("pain", "function", "well_being", "quality_of_life", "disability")

REFERENCES = (
    Reference("Deyo RA", 1998, "Spine", "Outcome measures for low back pain research: a proposal"),
    Reference("Mannion AF", 2009, "Eur Spine J", "COMI: Suppl 3 367–373"),
    Reference("Mannion AF", 2009, "Eur Spine J", "COMI: Suppl 3 374–379"),
)
NECK_REFERENCES = (
    Reference("White P", 2004, "Spine", "COMI neck"),
    Reference("Fankhauser CD", 2012, "Eur Spine J", "COMI neck"),
)

_PAIN = graded_options(range(11), ("no pain", "无痛"), ("worst pain imaginable", "能想象的最剧烈疼痛"))
_SATISFACTION = (("very satisfied", "非常满意"), ("very dissatisfied", "很不满意"))
_DAYS = labelled_options((
    (1, "1 – none", "1 – 无"),
    (2, "2 – 1 to 7 days", "2 – 1–7天"),
    (3, "3 – 8 to 14 days", "3 – 8–14天"),
    (4, "4 – 15 to 21 days", "4 – 15–21天"),
    (5, "5 – more than 21 days", "5 – 超过21天"),
))
# Items 2–6 are recoded 0, 2.5, 5, 7.5, 10 from the first (best) to the last (worst) option [V].
_RECODE = {1: 0.0, 2: 2.5, 3: 5.0, 4: 7.5, 5: 10.0}


@dataclass(frozen=True)
class ComiResult(Result):
    """The COMI score (0–10, higher is worse) with its five domains."""


def make_instrument(code: str, region: str) -> Instrument:
    """Return the INSTRUMENT of COMI for ``region`` "back" or "neck"."""
    neck = region == "neck"
    if neck:
        site = (("neck", "颈"), ("arm/shoulder", "上肢/肩"))
    else:
        site = (("back", "腰背"), ("leg/buttock", "腿/臀"))
    region_zh = "颈部" if neck else "腰背部"
    items = (
        choice_item(f"{site[0][0].split('/')[0]}_pain", f"1a {site[0][0].capitalize()} pain, past week",
                    f"1a 近1周{site[0][1]}痛程度", _PAIN),
        choice_item(f"{site[1][0].split('/')[0]}_pain", f"1b {site[1][0].capitalize()} pain, past week",
                    f"1b 近1周{site[1][1]}痛程度", _PAIN),
        choice_item("function", f"2 Interference of the {region} problem with normal work, past week",
                    f"2 近1周{region_zh}问题对日常工作（含家务）的影响",
                    graded_options(range(1, 6), ("not at all", "完全没有"), ("extremely", "极度"))),
        choice_item("well_being", "3 Living the rest of life with the current symptoms",
                    "3 若余生保持目前症状的感受",
                    graded_options(range(1, 6), *_SATISFACTION)),
        choice_item("quality_of_life", "4 General quality of life, past week", "4 近1周总体生活质量",
                    graded_options(range(1, 6), ("very good", "很好"), ("very bad", "很差"))),
        choice_item("social_disability", "5 Days usual activities were cut down, past 4 weeks",
                    "5 近4周日常活动减少的天数", _DAYS),
        choice_item("work_disability", "6 Days kept from work, school or housework, past 4 weeks",
                    "6 近4周无法工作、上学或做家务的天数", _DAYS),
    )
    return Instrument(
        code=code,
        name=f"Core Outcome Measures Index ({region})",
        name_zh=f"核心结局指标指数（COMI，{region_zh}）",
        version=f"comi_{region}@spinetango",
        kind="prom",
        items=items,
        references=REFERENCES + (NECK_REFERENCES if neck else ()),
        score_range=(0.0, 10.0),
        direction=HIGHER_IS_WORSE,
        licence=(
            "Licence not verified: distributed freely to Spine Tango users and in publications; confirm "
            "terms with EUROSPINE/Schulthess before embedding translations [M]."
        ),
        confidence="V",
        notes="Item wording is not shipped; topics are our own. The missing-item rule is local policy.",
    )


def make_score(instrument: Instrument) -> Callable[..., ComiResult]:
    """Return the ``score`` entry point of a COMI ``instrument``."""
    pain_a, pain_b = instrument.item_ids[:2]

    def score(responses: Any) -> ComiResult:
        collected = collect(instrument, responses)
        answers = collected.answers
        substituted = []
        pain = _either(answers, pain_a, pain_b, max, substituted)
        disability = _either(answers, "social_disability", "work_disability", mean, substituted, _RECODE)
        domains = {
            "pain": pain,
            "function": _recoded(answers, "function"),
            "well_being": _recoded(answers, "well_being"),
            "quality_of_life": _recoded(answers, "quality_of_life"),
            "disability": disability,
        }
        complete = all(value is not None for value in domains.values())
        flags = (LOCAL_POLICY, PRORATED) if complete and substituted else ()
        return ComiResult(
            code=instrument.code,
            version=instrument.version,
            value=mean(domains.values()) if complete else None,
            subscores=frozen_mapping(domains),
            missing_items=collected.missing,
            flags=flags,
            details=frozen_mapping(
                {"substituted": tuple(substituted), "multiple_marked": collected.multiple_marked}
            ),
        )

    score.__doc__ = _DOC.format(code=instrument.code, a=pain_a, b=pain_b)
    return score


def _recoded(answers: dict[str, Any], item_id: str) -> float | None:
    value = answers.get(item_id)
    return None if value is None else _RECODE[value]


def _either(answers, first, second, combine, substituted, recode=None) -> float | None:
    recode = recode or {value: float(value) for value in range(11)}
    values = [recode[answers[item]] for item in (first, second) if item in answers]
    if len(values) == 1:
        substituted.append(first if first in answers else second)
    return combine(values) if values else None


_DOC = """Score the Core Outcome Measures Index ({code}).

    Items 2–6 (answer codes 1–5, 1 = best option) are recoded to 0, 2.5, 5, 7.5, 10.
    Pain domain = max(``{a}``, ``{b}``); disability = mean(items 5, 6);
    ``COMI = mean(pain, function, well_being, quality_of_life, disability)``, 0–10, higher is
    worse (display with 2 decimals).

    Missing items: no official rule was found, so this is **local registry policy**: if one of
    ``{a}``/``{b}`` is missing the other is used, and if one of items 5/6 is missing the other is
    used (the result is then flagged ``local_policy`` and ``prorated`` and ``details["substituted"]``
    names the item used alone); otherwise all five domains are required and ``value`` is ``None``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        ``{a}``, ``{b}`` 0–10; ``function``, ``well_being``, ``quality_of_life``,
        ``social_disability``, ``work_disability`` 1–5.

    Returns
    -------
    ComiResult
        ``value`` 0–10 or ``None``; ``subscores`` the five domains on 0–10.

    Examples
    --------
    >>> answers = {{"{a}": 6, "{b}": 8, "function": 3, "well_being": 4, "quality_of_life": 3,
    ...            "social_disability": 2, "work_disability": 1}}
    >>> round(score(answers).value, 2)
    5.35

    References
    ----------
    Mannion AF et al. Eur Spine J 2009;18(Suppl 3):367–373 and 374–379; Deyo RA et al. Spine
    1998;23(18):2003–2013.
    """
