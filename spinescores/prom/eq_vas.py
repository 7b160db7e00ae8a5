"""EQ VAS: the patient's own rating of their health today on a 0–100 vertical scale.

100 is the best and 0 the worst health the patient can imagine; higher is better. The score is the
integer the patient marks or enters, so there is nothing to compute beyond validation
(proms.md §9.9). EuroQol advises collecting it together with the five-dimension descriptive system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.base import HIGHER_IS_BETTER, Instrument, Item, Result, reject_unknown, require_mapping
from spinescores.prom._eq5d import LICENCE

INSTRUMENT = Instrument(
    code="eq_vas",
    name="EQ VAS (EQ-5D visual analogue scale)",
    name_zh="EQ VAS（EQ-5D 视觉模拟标尺）",
    version="eq_vas@euroqol",
    kind="prom",
    items=(
        Item(
            "vas",
            "Self-rated health today, 0 = worst to 100 = best",
            "今日健康状况自评，0 为最差，100 为最好",
            kind="integer",
            minimum=0,
            maximum=100,
        ),
    ),
    references=(),
    score_range=(0, 100),
    direction=HIGHER_IS_BETTER,
    licence=LICENCE,
    confidence="V",
    notes="The single rating is required; there is no imputation.",
)


@dataclass(frozen=True)
class EqVasResult(Result):
    """An EQ VAS result: ``value`` is the whole-number rating 0–100."""


def score(responses: Any) -> EqVasResult:
    """Return the EQ VAS rating after checking it.

    Missing-item rule: the single item is required; a missing or ``None`` rating raises
    :class:`~spinescores.errors.ScoreInputError`.

    Parameters
    ----------
    responses : Mapping[str, int]
        ``{"vas": n}`` with ``n`` a whole number from 0 to 100 (``73.0`` is accepted as 73).

    Returns
    -------
    EqVasResult
        ``value`` is the rating as an ``int``.

    Raises
    ------
    ScoreInputError
        For a missing, ``None``, boolean, non-numeric, fractional or out-of-range rating, or an
        unknown item.

    Examples
    --------
    >>> score({"vas": 73}).value
    73

    References
    ----------
    proms.md §9.9 (EuroQol FAQ): 0–100 scale, 100 = best imaginable health, higher is better.
    """
    responses = require_mapping(responses)
    reject_unknown(INSTRUMENT, responses)
    # A missing rating reaches validate() as None, which rejects it with the allowed range.
    rating = INSTRUMENT.items[0].validate(responses.get("vas"))
    return EqVasResult(code=INSTRUMENT.code, version=INSTRUMENT.version, value=int(rating))
