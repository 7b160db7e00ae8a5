"""WHO densitometric category from DXA T-scores.

=============================  ==========================================
Category                       Rule
=============================  ==========================================
normal                         T ≥ -1.0
low bone mass (osteopenia)     -2.5 < T < -1.0
osteoporosis                   T ≤ -2.5
severe (established)           T ≤ -2.5 and ≥ 1 fragility fracture
=============================  ==========================================

The categories apply to post-menopausal women and men aged 50 or more; for pre-menopausal women
and younger men the result is ``interpretation="use_z_score"`` with no category.

T-scores are given per site; the diagnostic T-score is the lowest site given. That choice is a
*convention* (common ISCD practice, not re-verified in the reference), so when the sites fall in
different categories the result carries the ``unvalidated`` flag. ``fragility_fracture`` is
required only when it decides the result (diagnostic T ≤ -2.5).

T-scores outside -10 … +10 are rejected as implausible input (an input check, not a clinical rule).

References
----------
WHO Study Group. Assessment of fracture risk and its application to screening for postmenopausal
osteoporosis. WHO Technical Report Series 843. Geneva: WHO; 1994.

Examples
--------
>>> classify({"population": "postmenopausal_woman", "t_score_lumbar_spine": -2.5,
...           "fragility_fracture": False}).category
'osteoporosis'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_BETTER,
    UNVALIDATED,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

NORMAL_MIN = -1.0  # T ≥ -1.0 is normal
OSTEOPOROSIS_MAX = -2.5  # T ≤ -2.5 is osteoporosis
SITES = ("lumbar_spine", "femoral_neck", "total_hip", "forearm")
_SITE_ZH = {"lumbar_spine": "腰椎", "femoral_neck": "股骨颈", "total_hip": "全髋", "forearm": "前臂"}
_APPLICABLE = ("postmenopausal_woman", "man_50_or_older")

INSTRUMENT = Instrument(
    code="who_tscore",
    name="WHO densitometric category (DXA T-score)",
    name_zh="WHO 骨密度诊断分类（DXA T 值）",
    version="who_tscore@who1994",
    kind="classification",
    items=(
        Item("population", "Population the categories apply to", "适用人群",
             options=(Option("postmenopausal_woman", "post-menopausal woman", "绝经后女性"),
                      Option("man_50_or_older", "man aged 50 or more", "50 岁及以上男性"),
                      Option("premenopausal_woman", "pre-menopausal woman", "绝经前女性"),
                      Option("man_under_50", "man under 50", "50 岁以下男性"))),
        *(Item(f"t_score_{site}", f"DXA T-score, {site.replace('_', ' ')}", f"{_SITE_ZH[site]} DXA T 值",
               kind="number", minimum=-10, maximum=10, unit="SD", required=False) for site in SITES),
        Item("fragility_fracture", "At least one fragility fracture", "至少一次脆性骨折", kind="boolean",
             required=False),
    ),
    references=(
        Reference("WHO Study Group", 1994, "WHO Technical Report Series 843",
                  "Assessment of fracture risk and its application to screening for postmenopausal "
                  "osteoporosis"),
    ),
    direction=HIGHER_IS_BETTER,
    confidence="C",
    notes="Diagnostic T-score = lowest site given (convention, flagged unvalidated when it decides).",
)


@dataclass(frozen=True)
class WhoTscoreResult(Result):
    """WHO category: ``value`` the diagnostic (lowest) T-score, ``subscores`` the T-score per site."""


def category_for(t_score: float) -> str:
    """Return "normal", "low_bone_mass" or "osteoporosis" for one T-score (WHO 1994)."""
    if t_score >= NORMAL_MIN:
        return "normal"
    if t_score > OSTEOPOROSIS_MAX:
        return "low_bone_mass"
    return "osteoporosis"


def classify(inputs: Mapping[str, Any], **options: Any) -> WhoTscoreResult:
    """Classify bone density by the WHO T-score categories.

    Parameters
    ----------
    inputs : mapping
        ``population``, at least one ``t_score_<site>`` and, when the lowest T ≤ -2.5,
        ``fragility_fracture``.

    Returns
    -------
    WhoTscoreResult
        ``category`` "normal", "low_bone_mass", "osteoporosis" or "severe_osteoporosis".
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="who_tscore takes no options")
    values = {key: INSTRUMENT.item(key).validate(value) for key, value in data.items()}
    if "population" not in values:
        raise ScoreInputError("population", None, INSTRUMENT.item("population").allowed_values,
                              hint="required input is missing")
    sites = {site: values[f"t_score_{site}"] for site in SITES if f"t_score_{site}" in values}
    if not sites:
        raise ScoreInputError("t_score", None, [f"t_score_{site}" for site in SITES],
                              hint="give the T-score of at least one site")
    base = {"code": INSTRUMENT.code, "version": INSTRUMENT.version, "subscores": sites}
    if values["population"] not in _APPLICABLE:
        return WhoTscoreResult(**base, interpretation="use_z_score")
    site = min(sites, key=sites.get)
    category = category_for(sites[site])
    flags = (UNVALIDATED,) if len({category_for(t) for t in sites.values()}) > 1 else ()
    if category == "osteoporosis":
        if "fragility_fracture" not in values:
            raise ScoreInputError("fragility_fracture", None, "True or False",
                                  hint="required when the T-score is -2.5 or lower")
        if values["fragility_fracture"]:
            category = "severe_osteoporosis"
    return WhoTscoreResult(**base, value=sites[site], category=category, interpretation=category, flags=flags,
                           details={"diagnostic_site": site})
