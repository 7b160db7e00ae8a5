"""Modified JOA score (mJOA), Benzel 1991, 18 points (proms.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, Instrument, Reference, Result, frozen_mapping
from spinescores.prom._common import choice_item, collect, labelled_options, total_or_none
from spinescores.prom._recovery import (
    GRADING_HIRABAYASHI,
    HIRABAYASHI_REFERENCE,
    RECOVERY_DOC,
    RecoveryRateResult,
)
from spinescores.prom._recovery import recovery_rate as _recovery_rate

__all__ = ["INSTRUMENT", "MjoaResult", "recovery_rate", "score", "severity"]

TETREAULT_2017 = Reference("Tetreault L", 2017, "Eur Spine J", "mJOA severity categories")

INSTRUMENT = Instrument(
    code="mjoa",
    name="Modified Japanese Orthopaedic Association score (Benzel, 18 points)",
    name_zh="改良JOA评分（Benzel 18分）",
    version="mjoa@Benzel1991",
    kind="clinician",
    items=(
        choice_item("upper_motor", "Upper-extremity motor function", "上肢运动功能", labelled_options((
            (0, "0 – cannot move hands", "0 – 双手不能活动"),
            (1, "1 – cannot eat with a spoon", "1 – 不能用勺进食"),
            (2, "2 – cannot button a shirt", "2 – 不能系扣"),
            (3, "3 – buttons with great difficulty", "3 – 系扣非常困难"),
            (4, "4 – buttons with slight difficulty", "4 – 系扣稍困难"),
            (5, "5 – normal", "5 – 正常"),
        ))),
        choice_item("lower_motor", "Lower-extremity motor function", "下肢运动功能", labelled_options((
            (0, "0 – complete motor and sensory loss", "0 – 运动和感觉完全丧失"),
            (1, "1 – sensation only, no movement", "1 – 仅有感觉，不能活动"),
            (2, "2 – moves legs, cannot walk", "2 – 下肢能动但不能行走"),
            (3, "3 – walks on level ground with an aid", "3 – 借助器具可平地行走"),
            (4, "4 – stairs with a handrail", "4 – 扶栏杆可上下楼"),
            (5, "5 – unsteady, but no handrail needed", "5 – 步态不稳但无需扶栏杆"),
            (6, "6 – mild imbalance, unaided", "6 – 轻度平衡障碍，可独立行走"),
            (7, "7 – normal", "7 – 正常"),
        ))),
        choice_item("upper_sensory", "Upper-extremity sensation", "上肢感觉", labelled_options((
            (0, "0 – complete loss of hand sensation", "0 – 手部感觉完全丧失"),
            (1, "1 – severe loss or pain", "1 – 严重感觉减退或疼痛"),
            (2, "2 – mild loss", "2 – 轻度感觉减退"),
            (3, "3 – normal", "3 – 正常"),
        ))),
        choice_item("sphincter", "Sphincter (micturition)", "括约肌功能（排尿）", labelled_options((
            (0, "0 – cannot void voluntarily", "0 – 不能自主排尿"),
            (1, "1 – marked difficulty", "1 – 排尿明显困难"),
            (2, "2 – mild to moderate difficulty", "2 – 排尿轻中度困难"),
            (3, "3 – normal", "3 – 正常"),
        ))),
    ),
    references=(
        Reference("Benzel EC", 1991, "J Spinal Disord", "Cervical laminectomy and dentate ligament section"),
        TETREAULT_2017,
        HIRABAYASHI_REFERENCE,
    ),
    score_range=(0.0, 18.0),
    direction=HIGHER_IS_BETTER,
    licence="Published scale, free to use [M]. Anchor topics are our own short labels.",
    confidence="V",
    notes="Benzel's 18-point scale. Not the 17-point Western adaptation and not the JOA 0–17.",
)


@dataclass(frozen=True)
class MjoaResult(Result):
    """The mJOA total (0–18, higher is better) with its Tetreault severity band."""


def severity(total: float) -> str:
    """Return the Tetreault 2017 severity band: normal 18, mild 15–17, moderate 12–14, severe 0–11."""
    if total >= 18:
        return "normal"
    if total >= 15:
        return "mild"
    return "moderate" if total >= 12 else "severe"


def score(responses: Any) -> MjoaResult:
    """Score the mJOA (Benzel 1991).

    Total = sum of the four items (0–18, higher is better). Clinician-rated: every item is
    required and nothing is imputed; with any item missing ``value`` is ``None``.

    Parameters
    ----------
    responses : Mapping[str, int | None]
        ``upper_motor`` 0–5, ``lower_motor`` 0–7, ``upper_sensory`` 0–3, ``sphincter`` 0–3.

    Returns
    -------
    MjoaResult
        ``value`` 0–18 and ``interpretation`` the severity (Tetreault 2017): ``mild`` 15–17,
        ``moderate`` 12–14, ``severe`` 0–11; 18 is outside the three categories: ``normal``.

    Examples
    --------
    >>> score({"upper_motor": 4, "lower_motor": 5, "upper_sensory": 2, "sphincter": 3}).interpretation
    'moderate'

    References
    ----------
    Benzel EC et al. J Spinal Disord 1991;4(3):286–295. Tetreault L et al. Eur Spine J
    2017;26(1):78–84.
    """
    collected = collect(INSTRUMENT, responses)
    total = total_or_none(collected)
    return MjoaResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=None if total is None else float(total),
        interpretation=None if total is None else severity(total),
        missing_items=collected.missing,
        details=frozen_mapping({"multiple_marked": collected.multiple_marked}),
    )


def recovery_rate(pre: Any, post: Any, *, grading: str = GRADING_HIRABAYASHI) -> RecoveryRateResult:
    return _recovery_rate(
        INSTRUMENT.code, INSTRUMENT.version, pre, post, minimum=0, maximum=18, grading=grading
    )


recovery_rate.__doc__ = RECOVERY_DOC.format(name="mJOA", minimum=0, maximum=18)
