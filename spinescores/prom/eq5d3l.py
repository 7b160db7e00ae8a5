"""EQ-5D-3L index value (EuroQol five dimensions, three levels), scored with a published value set.

Same five dimensions and profile order as EQ-5D-5L, each answered at level 1 (no problems),
2 (some problems) or 3 (extreme problems or unable); higher index is better (proms.md §9.1).
Never map 3L answers to 5L or back except through an official crosswalk.

Value sets (``value_set=``; proms.md §9.8):

====  ==============  =====================================================
id    population      source
====  ==============  =====================================================
cn    China           Liu 2014, Value Health (default)
uk    United Kingdom  Dolan 1997, Med Care (given in §9.8 for reference)
jp    Japan           Tsuchiya 2002, Health Econ (given in §9.8, no N3 term)
====  ==============  =====================================================

The eq5dsuite table labelled "CN" is a different set and does not reproduce Liu 2014; it is not
used here. Coefficients are in ``spinescores/data/eq5d_value_sets.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.prom._eq5d import Eq5dResult, make_instrument, score_profile

DEFAULT_VALUE_SET = "cn"

INSTRUMENT = make_instrument(
    "eq5d3l",
    "EQ-5D-3L index value",
    "EQ-5D-3L 健康效用指数",
    (
        ("Level 1: none", "1级：无"),
        ("Level 2: some", "2级：有一些"),
        ("Level 3: extreme or unable", "3级：极重度或无法完成"),
    ),
    default=DEFAULT_VALUE_SET,
    notes="All five dimensions are required; the index is never imputed. Choose the value set "
    "with value_set=; the result's version names the set used.",
)


@dataclass(frozen=True)
class Eq5d3lResult(Eq5dResult):
    """An EQ-5D-3L result: ``value`` is the index, ``profile`` the health state, e.g. ``"21232"``."""


def score(responses: Any, *, value_set: str = DEFAULT_VALUE_SET) -> Eq5d3lResult:
    """Compute the EQ-5D-3L index value of one questionnaire with a country value set.

    ``U = 1 − C − Σ d − N3·[any dimension at level 3]`` for every state but ``11111`` (U = 1).
    Missing-item rule: every dimension is required; a missing or ``None`` dimension raises
    :class:`~spinescores.errors.ScoreInputError` and nothing is imputed (proms.md §9.1).

    Parameters
    ----------
    responses : Mapping[str, int]
        Level 1–3 of each of ``mobility``, ``self_care``, ``usual_activities``,
        ``pain_discomfort`` and ``anxiety_depression``.
    value_set : str, optional
        Value-set id: ``"cn"`` (default), ``"uk"`` or ``"jp"``.

    Returns
    -------
    Eq5d3lResult
        ``value`` is the index at full precision, ``profile`` the five-digit health state,
        ``version`` e.g. ``"eq5d3l@cn-liu2014"`` and ``details["value_set"]`` the value-set id.

    Raises
    ------
    ScoreInputError
        For a missing, ``None``, boolean, non-numeric or out-of-range level, an unknown item, or an
        unknown value-set id (item ``"value_set"``).

    Examples
    --------
    >>> result = score({"mobility": 3, "self_care": 3, "usual_activities": 3,
    ...                 "pain_discomfort": 3, "anxiety_depression": 3})
    >>> result.profile, round(result.value, 3), result.version
    ('33333', -0.149, 'eq5d3l@cn-liu2014')

    References
    ----------
    Liu GG, Wu H, Li M, Gao C, Luo N. Chinese time trade-off values for EQ-5D health states.
    Value Health 2014;17(5):597–604. doi:10.1016/j.jval.2014.05.007
    """
    return score_profile(INSTRUMENT, Eq5d3lResult, responses, value_set)
