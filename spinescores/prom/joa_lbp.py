"""JOA low-back-pain score, 29 points (JOA 1986), with its recovery rate (proms.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, Instrument, Reference, Result, frozen_mapping
from spinescores.prom._common import choice_item, collect, graded_options, labelled_options, total_or_none
from spinescores.prom._recovery import (
    GRADING_HIRABAYASHI,
    HIRABAYASHI_REFERENCE,
    RECOVERY_DOC,
    RecoveryRateResult,
)
from spinescores.prom._recovery import recovery_rate as _recovery_rate

__all__ = ["INSTRUMENT", "JoaLbpResult", "recovery_rate", "score"]

SUBSCORE_KEYS = ("subjective", "signs", "adl", "bladder")

_SYMPTOM = graded_options(range(4), ("severe", "严重"), ("none / normal", "无 / 正常"))
_SIGN = graded_options(range(3), ("marked", "明显"), ("normal", "正常"))
_ADL = labelled_options(((0, "0 – severe restriction", "0 – 明显受限"), (1, "1 – moderate", "1 – 轻度受限"),
                         (2, "2 – none", "2 – 无受限")))

_PARTS = {
    "subjective": (
        ("low_back_pain", "I Low back pain", "I 腰痛", _SYMPTOM),
        ("leg_pain", "I Leg pain and/or tingling", "I 腿痛和/或麻木", _SYMPTOM),
        ("gait", "I Gait", "I 步态", _SYMPTOM),
    ),
    "signs": (
        ("slr", "II Straight-leg raise (incl. hamstring tightness)", "II 直腿抬高（含腘绳肌紧张）", _SIGN),
        ("sensory", "II Sensory disturbance", "II 感觉障碍", _SIGN),
        ("motor", "II Motor disturbance (manual muscle test)", "II 运动障碍（徒手肌力）", _SIGN),
    ),
    "adl": (
        ("adl_turning", "III Turning over in bed", "III 卧床翻身", _ADL),
        ("adl_standing_up", "III Standing up", "III 站起", _ADL),
        ("adl_washing", "III Washing (face washing)", "III 洗漱（洗脸）", _ADL),
        ("adl_leaning_forward", "III Leaning forward / semi-crouched standing", "III 前屈 / 半蹲站立", _ADL),
        ("adl_sitting", "III Sitting for about an hour", "III 坐约1小时", _ADL),
        ("adl_lifting", "III Lifting or holding a heavy object", "III 提起或持重物", _ADL),
        ("adl_walking", "III Walking", "III 行走", _ADL),
    ),
    "bladder": (
        ("bladder", "IV Urinary bladder function", "IV 膀胱功能", labelled_options((
            (0, "0 – normal", "0 – 正常"),
            (-3, "−3 – mild dysfunction", "−3 – 轻度排尿障碍"),
            (-6, "−6 – severe (retention or incontinence)", "−6 – 严重（尿潴留或失禁）"),
        ))),
    ),
}

INSTRUMENT = Instrument(
    code="joa_lbp",
    name="JOA low-back-pain score (29 points, 1986)",
    name_zh="JOA下腰痛评分（29分，1986版）",
    version="joa_lbp@1986",
    kind="clinician",
    items=tuple(choice_item(*item) for part in _PARTS.values() for item in part),
    references=(
        Reference(
            "Japanese Orthopaedic Association", 1986, "JOA (publication details not given in proms.md)",
            "Low back pain score",
        ),
        HIRABAYASHI_REFERENCE,
    ),
    score_range=(-6.0, 29.0),
    direction=HIGHER_IS_BETTER,
    licence="Published by the JOA; item topics only, full text via the JOA or papers [M].",
    confidence="V",
    notes=(
        "Seven ADL items (some Chinese copies list six). Not the Chinese 'M-JOA 30' low-back scale, "
        "in which higher is worse."
    ),
)


@dataclass(frozen=True)
class JoaLbpResult(Result):
    """The JOA low-back total (−6 to 29, higher is better) with its four part subtotals."""


def score(responses: Any) -> JoaLbpResult:
    """Score the JOA low-back-pain scale (29 points).

    Total = sum of parts I (0–9), II (0–6), III (0–14) and IV (0, −3 or −6): −6 to 29, higher is
    better. The reference states no missing-item rule, so every item is required (registry
    policy, nothing imputed): with any item missing ``value`` is ``None``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        Part I ``low_back_pain``, ``leg_pain``, ``gait`` 0–3; part II ``slr``, ``sensory``,
        ``motor`` 0–2; part III seven ``adl_*`` items 0 (severe), 1 (moderate), 2 (none);
        part IV ``bladder`` 0, −3 or −6.

    Returns
    -------
    JoaLbpResult
        ``value`` −6 to 29 and ``subscores`` ``subjective``, ``signs``, ``adl``, ``bladder``.

    Examples
    --------
    >>> best = {item: 0 for item in INSTRUMENT.item_ids}
    >>> best.update(low_back_pain=3, leg_pain=3, gait=3, slr=2, sensory=2, motor=2)
    >>> best.update({item: 2 for item in INSTRUMENT.item_ids if item.startswith("adl_")})
    >>> score(best).value
    29.0

    References
    ----------
    JOA low back pain score (1986); proms.md §6.
    """
    collected = collect(INSTRUMENT, responses)
    total = total_or_none(collected)
    subscores = {}
    if total is not None:
        subscores = {
            part: float(sum(collected.answers[item[0]] for item in items)) for part, items in _PARTS.items()
        }
    return JoaLbpResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=None if total is None else float(total),
        subscores=frozen_mapping(subscores),
        missing_items=collected.missing,
        details=frozen_mapping({"multiple_marked": collected.multiple_marked}),
    )


def recovery_rate(pre: Any, post: Any, *, grading: str = GRADING_HIRABAYASHI) -> RecoveryRateResult:
    return _recovery_rate(
        INSTRUMENT.code, INSTRUMENT.version, pre, post, minimum=-6, maximum=29, grading=grading
    )


recovery_rate.__doc__ = RECOVERY_DOC.format(name="JOA low-back", minimum=-6, maximum=29)
