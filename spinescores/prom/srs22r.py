"""SRS-22r (Scoliosis Research Society outcomes questionnaire, revised): domain means (proms.md §8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, PRORATED, Instrument, Reference, Result, frozen_mapping
from spinescores.prom._common import choice_item, collect, graded_options, mean

__all__ = ["DOMAINS", "INSTRUMENT", "Srs22rResult", "score"]

_TOPICS = (
    ("Pain level, past 6 months", "近6个月疼痛程度"),
    ("Pain level, past month", "近1个月疼痛程度"),
    ("Nervousness", "紧张情绪"),
    ("Feeling about appearance if it stayed as it is", "若外观保持现状的感受"),
    ("Current activity level", "目前活动水平"),
    ("Appearance in clothes", "穿衣后的外观"),
    ("Feeling down", "情绪低落"),
    ("Back pain at rest", "休息时背痛"),
    ("Activity level at work or school", "工作或学习中的活动水平"),
    ("Appearance of the trunk", "躯干外观"),
    ("Use of pain medication", "止痛药使用"),
    ("Back limiting activities at home", "背部问题对家务活动的限制"),
    ("Feeling calm and peaceful", "平静安宁"),
    ("Back condition and personal relationships", "背部问题对人际关系的影响"),
    ("Financial difficulties because of the back", "背部问题造成的经济困难"),
    ("Feeling downhearted", "沮丧"),
    ("Days off work or school because of back pain", "因背痛缺勤或缺课天数"),
    ("Going out compared with peers", "与同龄人相比外出活动情况"),
    ("Feeling attractive with the current back condition", "目前背部状况下对自身吸引力的感受"),
    ("Feeling happy", "愉快"),
    ("Satisfaction with the management of the back", "对背部治疗的满意度"),
    ("Would accept the same management again", "是否愿意再次接受同样治疗"),
)

_OPTIONS = graded_options(range(1, 6), ("worst", "最差"), ("best", "最好"))

# Item numbers per domain [V].
DOMAINS = {
    "function": (5, 9, 12, 15, 18),
    "pain": (1, 2, 8, 11, 17),
    "self_image": (4, 6, 10, 14, 19),
    "mental_health": (3, 7, 13, 16, 20),
    "satisfaction": (21, 22),
}
_MIN_ANSWERED = 3  # per five-item domain; satisfaction has no minimum beyond one answer
_SUBTOTAL_DOMAINS = ("function", "pain", "self_image", "mental_health")

SUBSCORE_KEYS = (*DOMAINS, "subtotal", "total")

INSTRUMENT = Instrument(
    code="srs22r",
    name="Scoliosis Research Society-22r",
    name_zh="脊柱侧凸研究学会22项问卷修订版（SRS-22r）",
    version="srs22r@r",
    kind="prom",
    items=tuple(choice_item(f"q{n}", en, zh, _OPTIONS) for n, (en, zh) in enumerate(_TOPICS, start=1)),
    references=(
        Reference("Scoliosis Research Society", 0, "SRS (publication details not given in proms.md)"),
    ),
    score_range=(1.0, 5.0),
    direction=HIGHER_IS_BETTER,
    licence=(
        "© Scoliosis Research Society; free for non-commercial use on request [M]. Item wording needs SRS "
        "permission and is not shipped; topics are our own."
    ),
    confidence="V",
    notes="Means only (1–5); never mix with the older sum scores (22–110).",
)


@dataclass(frozen=True)
class Srs22rResult(Result):
    """SRS-22r domain, subtotal and total means (1–5, higher is better)."""


def score(responses: Any) -> Srs22rResult:
    """Score the SRS-22r as domain means.

    A domain score is the mean of its answered items. A five-item domain is not scored (``None``)
    when fewer than 3 of its items are answered; satisfaction (items 21–22) is scored from any
    answered item. ``total`` is the mean of all answered items 1–22 and ``subtotal`` the mean of
    answered items 1–20; by registry rule each needs every contributing domain to be scorable.
    Items with several answers marked count as unanswered [V, vendor summary of SRS rules].

    Parameters
    ----------
    responses : Mapping[str, int | list | None]
        ``q1`` … ``q22`` → 1..5 (5 = best); absent or ``None`` = unanswered.

    Returns
    -------
    Srs22rResult
        ``value`` = total (or ``None``); ``subscores`` ``function``, ``pain``, ``self_image``,
        ``mental_health``, ``satisfaction``, ``subtotal``, ``total`` (display with 2 decimals);
        flag ``prorated`` when any item was unanswered.

    Examples
    --------
    >>> answers = {f"q{n}": 4 for n in range(1, 21)}
    >>> result = score(answers)
    >>> result.value is None, result.subscores["subtotal"], result.subscores["satisfaction"]
    (True, 4.0, None)

    References
    ----------
    Scoliosis Research Society, SRS-22r scoring; domain map as in proms.md §8.
    """
    collected = collect(INSTRUMENT, responses)
    answers = collected.answers
    domains = {name: _domain(name, items, answers) for name, items in DOMAINS.items()}
    subtotal = total = None
    if all(domains[name] is not None for name in _SUBTOTAL_DOMAINS):
        subtotal = mean(value for item_id, value in answers.items() if int(item_id[1:]) <= 20)
        if domains["satisfaction"] is not None:
            total = mean(answers.values())
    return Srs22rResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=total,
        subscores=frozen_mapping({**domains, "subtotal": subtotal, "total": total}),
        missing_items=collected.missing,
        flags=(PRORATED,) if collected.missing and any(v is not None for v in domains.values()) else (),
        details=frozen_mapping({"multiple_marked": collected.multiple_marked}),
    )


def _domain(name: str, items: tuple[int, ...], answers: dict[str, Any]) -> float | None:
    values = [answers[f"q{n}"] for n in items if f"q{n}" in answers]
    minimum = 1 if name == "satisfaction" else _MIN_ANSWERED
    return mean(values) if len(values) >= minimum else None
