"""Zurich Claudication Questionnaire (ZCQ; Swiss Spinal Stenosis Questionnaire), proms.md §11."""

from __future__ import annotations

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
from spinescores.errors import ScoreInputError
from spinescores.prom._common import (
    LOCAL_POLICY,
    choice_item,
    collect,
    graded_options,
    labelled_options,
    mean,
)

__all__ = ["INSTRUMENT", "SUBSCALES", "ZcqResult", "score"]

SUBSCORE_KEYS = ("symptom_severity", "physical_function", "satisfaction")

# A satisfaction mean of at most 2.5 counts as "at least somewhat satisfied" [V, Minetama 2024].
SATISFIED_AT_MOST = 2.5

_SEVERITY = graded_options(range(1, 6), ("none", "无"), ("very severe", "非常严重"))
_FUNCTION = graded_options(range(1, 5), ("no difficulty", "无困难"), ("unable", "不能"))
_SATISFACTION = graded_options(range(1, 5), ("very satisfied", "非常满意"), ("very dissatisfied", "很不满意"))

_ITEMS = {
    "symptom_severity": (
        ("ss1", "Pain overall, past month", "近1个月总体疼痛", _SEVERITY),
        ("ss2", "How often pain is felt (frequency item, own coding)", "疼痛出现的频率", graded_options(
            range(1, 6), ("rarely", "很少"), ("all the time", "一直"))),
        ("ss3", "Back pain", "腰背痛", _SEVERITY),
        ("ss4", "Leg or buttock pain", "腿痛或臀部痛", _SEVERITY),
        ("ss5", "Numbness or tingling in the legs", "腿部麻木或刺痛", _SEVERITY),
        ("ss6", "Weakness in the legs", "腿部无力", _SEVERITY),
        ("ss7", "Balance problems", "平衡障碍", labelled_options((
            (1, "1 – no problem", "1 – 无"), (3, "3 – sometimes", "3 – 有时"), (5, "5 – often", "5 – 经常"),
        ))),
    ),
    "physical_function": (
        ("pf1", "Walking distance", "步行距离", _FUNCTION),
        ("pf2", "Walking outdoors for pleasure", "户外散步", _FUNCTION),
        ("pf3", "Shopping", "购物", _FUNCTION),
        ("pf4", "Walking around the home", "在家中走动", _FUNCTION),
        ("pf5", "Walking from bedroom to bathroom", "从卧室走到卫生间", _FUNCTION),
    ),
    "satisfaction": (
        ("sat1", "Satisfaction: overall result", "满意度：总体效果", _SATISFACTION),
        ("sat2", "Satisfaction: pain relief", "满意度：疼痛缓解", _SATISFACTION),
        ("sat3", "Satisfaction: ability to walk", "满意度：行走能力", _SATISFACTION),
        ("sat4", "Satisfaction: housework and yard work", "满意度：家务及庭院劳动", _SATISFACTION),
        ("sat5", "Satisfaction: leg strength", "满意度：下肢力量", _SATISFACTION),
        ("sat6", "Satisfaction: balance", "满意度：平衡", _SATISFACTION),
    ),
}
SUBSCALES = {name: tuple(item[0] for item in items) for name, items in _ITEMS.items()}

INSTRUMENT = Instrument(
    code="zcq",
    name="Zurich Claudication Questionnaire",
    name_zh="苏黎世跛行问卷（ZCQ）",
    version="zcq@stucki1996",
    kind="prom",
    items=tuple(choice_item(*item) for items in _ITEMS.values() for item in items),
    references=(
        Reference("Stucki G", 1996, "Spine", "Measurement properties of a self-administered outcome measure"),
        Reference("Yi H", 2014, "Spine", "Simplified-Chinese Swiss Spinal Stenosis Questionnaire"),
        Reference("Minetama M", 2024, "Spine", "Satisfaction cut-off 2.5"),
    ),
    score_range=(1.0, 5.0),
    direction=HIGHER_IS_WORSE,
    licence="Published instrument; no fee known [M]. Item wording not shipped; topics are our own.",
    confidence="V",
    notes=(
        "Three subscales, no total: symptom severity 1–5, physical function 1–4, satisfaction 1–4 "
        "(post-treatment only); all higher = worse. The pain-frequency item (ss2) has its own coding "
        "in the original, which proms.md does not give: ss2 is taken as 1–5 and symptom severity is "
        "flagged unvalidated."
    ),
)


@dataclass(frozen=True)
class ZcqResult(Result):
    """The three ZCQ subscale means (higher is worse); ``value`` is always ``None`` (no total)."""


def score(responses: Any, *, post_treatment: bool = True) -> ZcqResult:
    """Score the ZCQ subscales.

    Each subscale is the mean of its items: symptom severity (``ss1``–``ss7``, 1–5; ``ss7``
    balance uses only 1, 3, 5), physical function (``pf1``–``pf5``, 1–4) and satisfaction
    (``sat1``–``sat6``, 1–4, post-treatment only). The ZCQ has no total, so ``value`` is ``None``.

    Missing items: no official rule was found, so this is **local registry policy**: a subscale
    is the mean of the answered items if at most one of its items is missing (then flagged
    ``local_policy`` and ``prorated``), otherwise ``None``. Because the coding of the pain-frequency
    item ``ss2`` is not given in the reference, a computed symptom severity is flagged
    ``unvalidated``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        Item id → answer code.
    post_treatment : bool, default True
        ``False`` for a baseline questionnaire: the satisfaction items are not expected (giving
        one raises ``ScoreInputError``) and are not reported missing.

    Returns
    -------
    ZcqResult
        ``subscores`` ``symptom_severity``, ``physical_function``, ``satisfaction`` (display with 2
        decimals); ``interpretation`` ``satisfied`` (satisfaction ≤ 2.5) or ``not_satisfied`` when
        satisfaction was scored, else ``None``.

    Examples
    --------
    >>> answers = {f"ss{n}": 3 for n in range(1, 8)} | {f"pf{n}": 2 for n in range(1, 6)}
    >>> score(answers, post_treatment=False).subscores["physical_function"]
    2.0

    References
    ----------
    Stucki G et al. Spine 1996;21(7):796–803.
    """
    if not isinstance(post_treatment, bool):
        raise ScoreInputError("post_treatment", post_treatment, "True or False")
    if not post_treatment:
        _reject_satisfaction(responses)
    collected = collect(INSTRUMENT, responses)
    subscores, flags = _subscales(collected.answers, post_treatment)
    satisfaction = subscores["satisfaction"]
    interpretation = None
    if satisfaction is not None:
        interpretation = "satisfied" if satisfaction <= SATISFIED_AT_MOST else "not_satisfied"
    missing = tuple(i for i in collected.missing if post_treatment or i not in SUBSCALES["satisfaction"])
    details = {"multiple_marked": collected.multiple_marked, "post_treatment": post_treatment}
    return ZcqResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        interpretation=interpretation,
        subscores=frozen_mapping(subscores),
        missing_items=missing,
        flags=flags,
        details=frozen_mapping(details),
    )


def _subscales(answers: dict[str, Any], post_treatment: bool) -> tuple[dict[str, Any], tuple[str, ...]]:
    subscores: dict[str, float | None] = dict.fromkeys(SUBSCORE_KEYS)
    flags: list[str] = []
    for name, item_ids in SUBSCALES.items():
        if name == "satisfaction" and not post_treatment:
            continue
        values = [answers[i] for i in item_ids if i in answers]
        if len(values) >= len(item_ids) - 1:
            subscores[name] = mean(values)
            if len(values) < len(item_ids):
                flags += [LOCAL_POLICY, PRORATED]
    if subscores["symptom_severity"] is not None:
        flags.append(UNVALIDATED)
    return subscores, tuple(dict.fromkeys(flags))


def _reject_satisfaction(responses: Any) -> None:
    getter = getattr(responses, "get", None)
    if not callable(getter):
        return  # collect() rejects the non-mapping with a clear message
    for item_id in SUBSCALES["satisfaction"]:
        if getter(item_id) is not None:
            raise ScoreInputError(
                item_id, getter(item_id), "no answer before treatment", hint="pass post_treatment=True"
            )
