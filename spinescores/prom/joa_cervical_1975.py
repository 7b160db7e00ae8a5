"""JOA cervical myelopathy score, 1975 integer version, 0–17 (proms.md §4a, §4c)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, Instrument, Reference, Result, frozen_mapping
from spinescores.prom._common import choice_item, collect, graded_options, total_or_none
from spinescores.prom._recovery import (
    GRADING_HIRABAYASHI,
    HIRABAYASHI_REFERENCE,
    RECOVERY_DOC,
    RecoveryRateResult,
)
from spinescores.prom._recovery import recovery_rate as _recovery_rate

__all__ = ["INSTRUMENT", "JoaCervical1975Result", "recovery_rate", "score"]

SUBSCORE_KEYS = ("motor", "sensory", "bladder")

_SENSORY = graded_options(range(3), ("marked deficit", "明显障碍"), ("normal", "正常"))

INSTRUMENT = Instrument(
    code="joa_cervical_1975",
    name="JOA cervical myelopathy score (1975, 17 points)",
    name_zh="JOA颈椎病评分（1975版，17分）",
    version="joa_cervical@1975",
    kind="clinician",
    items=(
        choice_item(
            "upper_motor", "Upper-limb motor function (chopsticks/spoon, hand clumsiness)",
            "上肢运动功能（用筷子/勺进食、手笨拙）",
            graded_options(range(5), ("unable to feed oneself", "不能自行进食"), ("normal", "正常")),
        ),
        choice_item(
            "lower_motor", "Lower-limb motor function (level walking, stairs, support)",
            "下肢运动功能（平地行走、上下楼、是否需扶持）",
            graded_options(range(5), ("unable to walk", "不能行走"), ("normal", "正常")),
        ),
        choice_item("sensory_upper", "Sensation, upper limb", "上肢感觉", _SENSORY),
        choice_item("sensory_lower", "Sensation, lower limb", "下肢感觉", _SENSORY),
        choice_item("sensory_trunk", "Sensation, trunk", "躯干感觉", _SENSORY),
        choice_item(
            "bladder", "Bladder function", "膀胱功能",
            graded_options(range(4), ("urinary retention", "尿潴留"), ("normal", "正常")),
        ),
    ),
    references=(
        Reference(
            "Japanese Orthopaedic Association", 1975, "JOA (publication details not given in proms.md)",
            "Cervical myelopathy score",
        ),
        HIRABAYASHI_REFERENCE,
    ),
    score_range=(0.0, 17.0),
    direction=HIGHER_IS_BETTER,
    licence=(
        "Published by the Japanese Orthopaedic Association; clinician-rated, no known fee. Outside "
        "Japan ask the JOA for permission [M]. Item topics only; no scale wording is shipped."
    ),
    confidence="V",
    notes=(
        "Not interchangeable with the 1994 revision (joa_cervical_1994). "
        "No severity bands: none is standardised for the JOA total."
    ),
)


@dataclass(frozen=True)
class JoaCervical1975Result(Result):
    """The JOA 1975 total (0–17, higher is better) with motor, sensory and bladder subtotals."""


def score(responses: Any) -> JoaCervical1975Result:
    """Score the JOA cervical myelopathy scale, 1975 version.

    Total = sum of the six items (0–17, higher is better). Clinician-rated: every item is
    required and nothing is imputed; with any item missing (absent or ``None``) ``value`` is
    ``None`` and the items are listed in ``missing_items``. No severity band is returned because
    the reference found none standardised for the JOA total (use mJOA for severity).

    Parameters
    ----------
    responses : Mapping[str, int | None]
        ``upper_motor`` 0–4, ``lower_motor`` 0–4, ``sensory_upper``/``sensory_lower``/
        ``sensory_trunk`` 0–2, ``bladder`` 0–3.

    Returns
    -------
    JoaCervical1975Result
        ``value`` 0–17 and ``subscores`` ``motor`` (0–8), ``sensory`` (0–6), ``bladder`` (0–3).

    Examples
    --------
    >>> full = {"upper_motor": 4, "lower_motor": 4, "sensory_upper": 2, "sensory_lower": 2,
    ...         "sensory_trunk": 2, "bladder": 3}
    >>> score(full).value
    17.0

    References
    ----------
    Japanese Orthopaedic Association cervical myelopathy score (1975); proms.md §4a.
    """
    collected = collect(INSTRUMENT, responses)
    total = total_or_none(collected)
    subscores = {}
    if total is not None:
        answers = collected.answers
        subscores = {
            "motor": float(answers["upper_motor"] + answers["lower_motor"]),
            "sensory": float(answers["sensory_upper"] + answers["sensory_lower"] + answers["sensory_trunk"]),
            "bladder": float(answers["bladder"]),
        }
    return JoaCervical1975Result(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=None if total is None else float(total),
        subscores=frozen_mapping(subscores),
        missing_items=collected.missing,
        details=frozen_mapping({"multiple_marked": collected.multiple_marked}),
    )


def recovery_rate(pre: Any, post: Any, *, grading: str = GRADING_HIRABAYASHI) -> RecoveryRateResult:
    return _recovery_rate(
        INSTRUMENT.code, INSTRUMENT.version, pre, post, minimum=0, maximum=17, grading=grading
    )


recovery_rate.__doc__ = RECOVERY_DOC.format(name="JOA 1975", minimum=0, maximum=17)
