"""Hirabayashi recovery rate, shared by the JOA cervical, mJOA and JOA low-back modules (§4c, §5, §6).

``RR (%) = (post − pre) / (maximum − pre) × 100``; undefined when ``pre`` is the maximum, and
negative when the patient got worse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spinescores.base import Reference, Result, frozen_mapping
from spinescores.errors import ScoreInputError
from spinescores.prom._common import validate_choice_option

HIRABAYASHI_REFERENCE = Reference("Hirabayashi K", 1981, "Spine", "Recovery rate after laminoplasty")

GRADING_HIRABAYASHI = "hirabayashi"  # ≥75 excellent · 50–74 good · 25–49 fair · <25 poor [V]
GRADING_EFFICACY = "efficacy"  # 100 cured · >60 markedly effective · 25–60 effective · <25 ineffective [V]
GRADINGS = (GRADING_HIRABAYASHI, GRADING_EFFICACY)


@dataclass(frozen=True)
class RecoveryRateResult(Result):
    """A Hirabayashi recovery rate in percent, with its band in the grading that was asked for."""

    pre: float = 0.0
    post: float = 0.0
    grading: str = GRADING_HIRABAYASHI


def recovery_rate(
    code: str,
    version: str,
    pre: Any,
    post: Any,
    *,
    minimum: float,
    maximum: float,
    grading: str = GRADING_HIRABAYASHI,
) -> RecoveryRateResult:
    """Return the recovery rate of a pre/post pair of totals on a scale from ``minimum`` to ``maximum``."""
    pre = _check_total("pre", pre, minimum, maximum)
    post = _check_total("post", post, minimum, maximum)
    grading = validate_choice_option("grading", grading, GRADINGS)
    common = {"code": code, "version": version, "pre": pre, "post": post, "grading": grading}
    if pre == maximum:
        reason = f"undefined: the pre-treatment score is already the maximum ({maximum:g})"
        return RecoveryRateResult(details=frozen_mapping({"reason": reason, "maximum": maximum}), **common)
    rate = (post - pre) / (maximum - pre) * 100.0
    return RecoveryRateResult(
        value=rate,
        interpretation=grade(rate, grading),
        details=frozen_mapping({"maximum": maximum}),
        **common,
    )


def grade(rate: float, grading: str = GRADING_HIRABAYASHI) -> str:
    """Return the band code of a recovery rate in ``grading``."""
    if grading == GRADING_EFFICACY:
        if rate >= 100:
            return "cured"
        if rate > 60:
            return "markedly_effective"
        return "effective" if rate >= 25 else "ineffective"
    if rate >= 75:
        return "excellent"
    if rate >= 50:
        return "good"
    return "fair" if rate >= 25 else "poor"


def _check_total(name: str, value: Any, minimum: float, maximum: float) -> float:
    allowed = f"a number from {minimum:g} to {maximum:g}"
    if isinstance(value, Result):
        value = value.value
        if value is None:
            raise ScoreInputError(name, value, allowed, hint="the result has no total (items missing)")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScoreInputError(name, value, allowed)
    if not math.isfinite(value) or not minimum <= value <= maximum:
        raise ScoreInputError(name, value, allowed)
    return float(value)


RECOVERY_DOC = """Return the Hirabayashi recovery rate between two {name} totals.

    ``RR (%) = (post − pre) / ({maximum:g} − pre) × 100``. Negative values are valid (the patient
    got worse). When ``pre`` is {maximum:g} the rate is undefined: ``value`` is ``None`` and
    ``details["reason"]`` says why.

    Parameters
    ----------
    pre, post : float or Result
        Totals from {minimum:g} to {maximum:g} (a result of ``score`` is accepted too).
    grading : str, default "hirabayashi"
        ``"hirabayashi"``: ≥75 % excellent, 50–74 % good, 25–49 % fair, <25 % poor;
        ``"efficacy"`` (Chinese efficacy grading): 100 % cured, >60 % markedly effective,
        25–60 % effective, <25 % ineffective. The grading used is stored in ``grading``.

    Returns
    -------
    RecoveryRateResult
        ``value`` in percent (or ``None``), ``interpretation`` the band code.

    References
    ----------
    Hirabayashi K et al. Spine 1981;6(4):354–364.
    """
