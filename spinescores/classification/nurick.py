"""Nurick grade of cervical myelopathy, a clinician-rated grade based on gait and employment.

The grade is assigned by the clinician and stored as given (0-5, higher is worse).

References
----------
Nurick S. The pathogenesis of the spinal cord disorder associated with cervical spondylosis.
Brain 1972;95(1):87-100.

Examples
--------
>>> score({"grade": 3}).interpretation
'walking_prevents_full_time_work'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_WORSE,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

_GRADES = (
    Option(0, "root signs or symptoms, no evidence of cord disease", "仅有神经根症状体征，无脊髓受累"),
    Option(1, "signs of cord disease, walking not impaired", "有脊髓受累体征，行走无障碍"),
    Option(2, "slight walking difficulty, full-time work still possible", "轻度行走困难，仍可全职工作"),
    Option(3, "walking difficulty prevents full-time work or all housework, no help needed",
           "行走困难致不能全职工作或做全部家务，但无需他人帮助"),
    Option(4, "walks only with another person's help or a walking frame", "仅能在他人帮助或助行架下行走"),
    Option(5, "chair-bound or bedridden", "依赖轮椅或卧床"),
)
_INTERPRETATIONS = (
    "root_signs_only",
    "cord_signs_walking_normal",
    "slight_walking_difficulty",
    "walking_prevents_full_time_work",
    "walks_only_with_help_or_frame",
    "chair_bound_or_bedridden",
)

INSTRUMENT = Instrument(
    code="nurick",
    name="Nurick grade",
    name_zh="Nurick 分级（脊髓型颈椎病）",
    version="nurick@nurick1972",
    kind="clinician",
    items=(
        Item("grade", "Nurick grade assigned by the clinician", "医师评定的 Nurick 分级", options=_GRADES),
    ),
    references=(
        Reference("Nurick S", 1972, "Brain",
                  "The pathogenesis of the spinal cord disorder associated with cervical spondylosis",
                  "10.1093/brain/95.1.87"),
    ),
    score_range=(0, 5),
    direction=HIGHER_IS_WORSE,
    licence="public",
    confidence="C",
    notes="classifications.md §4.6 tags the grade definitions [C]; proms.md §12 tags them [M].",
)


@dataclass(frozen=True)
class NurickResult(Result):
    """Nurick grade: ``value`` 0-5 and an interpretation code for the grade."""


def score(responses: Mapping[str, Any], **options: Any) -> NurickResult:
    """Return the Nurick grade with its interpretation code.

    Parameters
    ----------
    responses : mapping
        ``grade``: an integer 0-5.

    Returns
    -------
    NurickResult
        ``value`` the grade, ``category`` the grade as text, ``interpretation`` its meaning.
    """
    data = require_mapping(responses, "responses")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="nurick takes no options")
    item = INSTRUMENT.item("grade")
    if "grade" not in data:
        raise ScoreInputError("grade", None, item.allowed_values, hint="required input is missing")
    grade = item.validate(data["grade"])
    return NurickResult(code=INSTRUMENT.code, version=INSTRUMENT.version, value=grade, category=str(grade),
                        interpretation=_INTERPRETATIONS[grade])


classify = score
