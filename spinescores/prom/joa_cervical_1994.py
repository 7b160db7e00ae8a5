"""JOA cervical myelopathy score, 1994 revision, −2 to 17 (proms.md §4b, §4c)."""

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

__all__ = ["INSTRUMENT", "JoaCervical1994Result", "recovery_rate", "score"]

SUBSCORE_KEYS = ("motor", "sensory", "bladder")

_HALVES = (0, 0.5, 1, 1.5, 2)
_SENSORY = graded_options(_HALVES, ("loss of touch/pain sensation", "触觉/痛觉消失"), ("normal", "正常"))

INSTRUMENT = Instrument(
    code="joa_cervical_1994",
    name="JOA cervical myelopathy score (1994 revision, 17 points)",
    name_zh="JOA颈椎病评分（1994修订版，17分）",
    version="joa_cervical@1994",
    kind="clinician",
    items=(
        choice_item(
            "fingers", "A-I Finger function (feeding, writing, buttons)", "A-I 手指功能（进食、书写、系扣）",
            graded_options(range(5), ("unable", "不能"), ("normal", "正常")),
        ),
        choice_item(
            "shoulder_elbow", "A-II Shoulder and elbow (weaker of deltoid/biceps, manual muscle test)",
            "A-II 肩肘功能（三角肌/肱二头肌中较弱者的徒手肌力）",
            labelled_options((
                (-2, "−2 – MMT 2 or less", "−2 – 肌力≤2级"),
                (-1, "−1 – MMT 3", "−1 – 肌力3级"),
                (-0.5, "−0.5 – MMT 4", "−0.5 – 肌力4级"),
                (0, "0 – MMT 5", "0 – 肌力5级"),
            )),
        ),
        choice_item(
            "lower_extremity", "A-III Lower extremity (standing, walking, cane, stairs, fast walking)",
            "A-III 下肢功能（站立、行走、拐杖、上下楼、快走）",
            graded_options((0, 0.5, 1, 1.5, 2, 2.5, 3, 4), ("unable to stand or walk", "不能站立行走"),
                           ("normal", "正常")),
        ),
        choice_item("sensory_upper", "B-I Sensation, upper extremity", "B-I 上肢感觉", _SENSORY),
        choice_item("sensory_lower", "B-II Sensation, lower extremity", "B-II 下肢感觉", _SENSORY),
        choice_item("sensory_trunk", "B-III Sensation, trunk", "B-III 躯干感觉", _SENSORY),
        choice_item(
            "bladder", "C Bladder function", "C 膀胱功能",
            graded_options(range(4), ("retention or incontinence", "尿潴留或失禁"), ("normal", "正常")),
        ),
    ),
    references=(
        Reference(
            "Japanese Orthopaedic Association", 1994, "JOA (publication details not given in proms.md)",
            "Revised cervical myelopathy score",
        ),
        Reference("(table reproducing the JOA 1994 criteria)", 2018, "Behav Neurol"),
        HIRABAYASHI_REFERENCE,
    ),
    score_range=(-2.0, 17.0),
    direction=HIGHER_IS_BETTER,
    licence=(
        "Published by the Japanese Orthopaedic Association; clinician-rated, no known fee. Outside "
        "Japan ask the JOA for permission [M]. Item topics only; no scale wording is shipped."
    ),
    confidence="V",
    notes=(
        "Not interchangeable with the 1975 version (joa_cervical_1975). "
        "No severity bands: none is standardised for the JOA total."
    ),
)


@dataclass(frozen=True)
class JoaCervical1994Result(Result):
    """The JOA 1994 total (−2 to 17, higher is better) with motor, sensory and bladder subtotals."""


def score(responses: Any) -> JoaCervical1994Result:
    """Score the JOA cervical myelopathy scale, 1994 revision.

    Total = sum of the seven items (−2 to 17, higher is better). Clinician-rated: every item is
    required and nothing is imputed; each entry must be one of the allowed values (half points
    where the scale has them). With any item missing ``value`` is ``None``. No severity band is
    returned (not standardised for the JOA total; use mJOA).

    Parameters
    ----------
    responses : Mapping[str, float | None]
        ``fingers`` 0–4; ``shoulder_elbow`` −2, −1, −0.5, 0; ``lower_extremity`` 0, 0.5, 1, 1.5,
        2, 2.5, 3, 4; ``sensory_upper``/``sensory_lower``/``sensory_trunk`` 0–2 in steps of 0.5;
        ``bladder`` 0–3.

    Returns
    -------
    JoaCervical1994Result
        ``value`` −2 to 17 and ``subscores`` ``motor`` (−2 to 8), ``sensory`` (0–6), ``bladder``.

    Examples
    --------
    >>> worst = {"fingers": 0, "shoulder_elbow": -2, "lower_extremity": 0, "sensory_upper": 0,
    ...          "sensory_lower": 0, "sensory_trunk": 0, "bladder": 0}
    >>> score(worst).value
    -2.0

    References
    ----------
    Japanese Orthopaedic Association, revised cervical myelopathy criteria (1994); proms.md §4b.
    """
    collected = collect(INSTRUMENT, responses)
    total = total_or_none(collected)
    subscores = {}
    if total is not None:
        answers = collected.answers
        subscores = {
            "motor": float(answers["fingers"] + answers["shoulder_elbow"] + answers["lower_extremity"]),
            "sensory": float(answers["sensory_upper"] + answers["sensory_lower"] + answers["sensory_trunk"]),
            "bladder": float(answers["bladder"]),
        }
    return JoaCervical1994Result(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=None if total is None else float(total),
        subscores=frozen_mapping(subscores),
        missing_items=collected.missing,
        details=frozen_mapping({"multiple_marked": collected.multiple_marked}),
    )


def recovery_rate(pre: Any, post: Any, *, grading: str = GRADING_HIRABAYASHI) -> RecoveryRateResult:
    return _recovery_rate(
        INSTRUMENT.code, INSTRUMENT.version, pre, post, minimum=-2, maximum=17, grading=grading
    )


recovery_rate.__doc__ = RECOVERY_DOC.format(name="JOA 1994", minimum=-2, maximum=17)
