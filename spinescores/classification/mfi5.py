"""Modified 5-item frailty index (mFI-5).

One point each (0-5): congestive heart failure within 30 days before surgery; diabetes mellitus
(non-insulin or insulin treated); COPD or current pneumonia; partially or totally dependent
functional status; hypertension requiring medication. Every item is required (True/False).

There is no universal cut-off. The grouping 0 / 1 / ≥ 2 that spine studies commonly use is given in
``details["spine_study_group"]`` for convenience; no category or interpretation is claimed.

References
----------
Subramaniam S, Aalberg JJ, Soriano RP, Divino CM. New 5-factor modified frailty index using
American College of Surgeons NSQIP data. J Am Coll Surg 2018;226(2):173-181.e8.

Examples
--------
>>> score({"congestive_heart_failure": False, "diabetes_mellitus": True, "copd_or_pneumonia": False,
...        "dependent_functional_status": False, "hypertension_on_medication": True}).value
2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    Instrument,
    Item,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

INSTRUMENT = Instrument(
    code="mfi5",
    name="Modified 5-item frailty index (mFI-5)",
    name_zh="改良 5 项衰弱指数（mFI-5）",
    version="mfi5@subramaniam2018",
    kind="clinician",
    items=(
        Item(
            "congestive_heart_failure",
            "Congestive heart failure within 30 days before surgery",
            "术前 30 天内充血性心力衰竭",
            kind="boolean",
        ),
        Item(
            "diabetes_mellitus",
            "Diabetes mellitus (non-insulin or insulin treated)",
            "糖尿病（口服药或胰岛素治疗）",
            kind="boolean",
        ),
        Item("copd_or_pneumonia", "COPD or current pneumonia", "慢阻肺或当前肺炎", kind="boolean"),
        Item(
            "dependent_functional_status",
            "Partially or totally dependent functional status",
            "功能状态部分或完全依赖",
            kind="boolean",
        ),
        Item(
            "hypertension_on_medication",
            "Hypertension requiring medication",
            "需药物治疗的高血压",
            kind="boolean",
        ),
    ),
    references=(
        Reference(
            "Subramaniam S",
            2018,
            "J Am Coll Surg",
            "New 5-factor modified frailty index using American College of Surgeons NSQIP data",
            "10.1016/j.jamcollsurg.2017.11.005",
        ),
    ),
    score_range=(0, 5),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)


@dataclass(frozen=True)
class Mfi5Result(Result):
    """mFI-5: ``value`` the count 0-5."""


def score(responses: Mapping[str, Any], **options: Any) -> Mfi5Result:
    """Count the mFI-5 items present.

    Parameters
    ----------
    responses : mapping
        All five item ids as True/False.

    Returns
    -------
    Mfi5Result
        ``value`` the count; ``details["spine_study_group"]`` "0", "1" or "2_or_more".
    """
    data = require_mapping(responses, "responses")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="mfi5 takes no options")
    count = 0
    for item in INSTRUMENT.items:
        if item.id not in data:
            raise ScoreInputError(item.id, None, "True or False", hint="required input is missing")
        count += item.validate(data[item.id])
    group = "2_or_more" if count >= 2 else str(count)
    return Mfi5Result(
        code=INSTRUMENT.code, version=INSTRUMENT.version, value=count, details={"spine_study_group": group}
    )


classify = score
