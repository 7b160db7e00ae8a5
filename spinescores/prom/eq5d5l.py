"""EQ-5D-5L index value (EuroQol five dimensions, five levels), scored with a published value set.

Five dimensions (mobility, self-care, usual activities, pain/discomfort, anxiety/depression), each
answered at level 1 (no problems) to 5 (extreme problems or unable). The health state is the
five-digit profile in that order, e.g. ``"21232"``. The index is 1 for full health, 0 for a state
as good as dead and negative for states worse than dead; higher is better (proms.md §9.1).

Value sets (``value_set=``; all main-effects models, proms.md §9.2):

====  ==============  ======================================  ==========
id    population      source                                  proms.md
====  ==============  ======================================  ==========
cn    China           Luo 2017, Value Health (default)        §9.3
us    United States   Pickard 2019, Value Health              §9.4
jp    Japan           Shiroiwa 2016, Value Health (cTTO)      §9.5
en    England         Devlin 2018, Health Econ                §9.6
hk    Hong Kong       Wong 2018, Patient                      §9.7
tw    Taiwan          Lin 2018, PLoS One                      §9.7
====  ==============  ======================================  ==========

Coefficients are in ``spinescores/data/eq5d_value_sets.json``; sources in ``data/SOURCES.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinescores.prom._eq5d import Eq5dResult, make_instrument, score_profile

DEFAULT_VALUE_SET = "cn"

INSTRUMENT = make_instrument(
    "eq5d5l",
    "EQ-5D-5L index value",
    "EQ-5D-5L 健康效用指数",
    (
        ("Level 1: none", "1级：无"),
        ("Level 2: slight", "2级：轻度"),
        ("Level 3: moderate", "3级：中度"),
        ("Level 4: severe", "4级：重度"),
        ("Level 5: extreme or unable", "5级：极重度或无法完成"),
    ),
    default=DEFAULT_VALUE_SET,
    notes="All five dimensions are required; the index is never imputed. Choose the value set "
    "with value_set=; the result's version names the set used.",
)


@dataclass(frozen=True)
class Eq5d5lResult(Eq5dResult):
    """An EQ-5D-5L result: ``value`` is the index, ``profile`` the health state, e.g. ``"21232"``."""


def score(responses: Any, *, value_set: str = DEFAULT_VALUE_SET) -> Eq5d5lResult:
    """Compute the EQ-5D-5L index value of one questionnaire with a country value set.

    Missing-item rule: every dimension is required. A missing or ``None`` dimension raises
    :class:`~spinescores.errors.ScoreInputError`, because EQ-5D gives no index from fewer than five
    answers and nothing may be imputed (proms.md §9.1).

    Parameters
    ----------
    responses : Mapping[str, int]
        Level 1–5 of each of ``mobility``, ``self_care``, ``usual_activities``,
        ``pain_discomfort`` and ``anxiety_depression``.
    value_set : str, optional
        Value-set id: ``"cn"`` (default), ``"us"``, ``"jp"``, ``"en"``, ``"hk"`` or ``"tw"``.

    Returns
    -------
    Eq5d5lResult
        ``value`` is the index at full precision (round to 3 decimals only for display),
        ``profile`` the five-digit health state, ``version`` e.g. ``"eq5d5l@cn-luo2017"`` and
        ``details["value_set"]`` the value-set id.

    Raises
    ------
    ScoreInputError
        For a missing, ``None``, boolean, non-numeric or out-of-range level, an unknown item, or an
        unknown value-set id (item ``"value_set"``).

    Examples
    --------
    >>> result = score({"mobility": 2, "self_care": 1, "usual_activities": 2,
    ...                 "pain_discomfort": 3, "anxiety_depression": 2})
    >>> result.profile, round(result.value, 3), result.version
    ('21232', 0.702, 'eq5d5l@cn-luo2017')

    References
    ----------
    Luo N et al. Estimating an EQ-5D-5L value set for China. Value Health 2017;20(4):662–669.
    doi:10.1016/j.jval.2016.11.016. The other value sets are listed in the module docstring.
    """
    return score_profile(INSTRUMENT, Eq5d5lResult, responses, value_set)
