"""Spinal Cord Independence Measure III (SCIM III): subscale totals and total.

===================================================  =====  =====
Subscale                                             Items  Range
===================================================  =====  =====
Self-care (feeding, bathing, dressing, grooming)     6      0-20
Respiration and sphincter management                 4      0-40
Mobility (room and toilet; indoors and outdoors)     9      0-40
Total                                                19     0-100
===================================================  =====  =====

The three subscale totals are required whole numbers in range; the total is recomputed as their
sum. A stored ``total`` may be passed to be checked: a mismatch raises
:class:`~spinescores.errors.ScoreInputError`. Item-level scoring is not implemented (the item
ranges are not in the reference). Higher is more independent.

References
----------
Itzkovich M, Gelernter I, Biering-Sorensen F, et al. The Spinal Cord Independence Measure (SCIM)
version III: reliability and validity in a multi-center international study. Disabil Rehabil
2007;29(24):1926-1933.

Examples
--------
>>> score({"self_care": 10, "respiration_sphincter": 30, "mobility": 20}).value
60
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    HIGHER_IS_BETTER,
    Instrument,
    Item,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

SUBSCALES = ("self_care", "respiration_sphincter", "mobility")

INSTRUMENT = Instrument(
    code="scim3",
    name="Spinal Cord Independence Measure III (totals)",
    name_zh="脊髓独立性评定 III（SCIM III）总分",
    version="scim3@itzkovich2007",
    kind="clinician",
    items=(
        Item("self_care", "Self-care subscale total", "自理分量表总分", kind="integer", minimum=0,
             maximum=20),
        Item("respiration_sphincter", "Respiration and sphincter management subscale total",
             "呼吸与括约肌管理分量表总分", kind="integer", minimum=0, maximum=40),
        Item("mobility", "Mobility subscale total", "活动分量表总分", kind="integer", minimum=0, maximum=40),
        Item("total", "Stored total, checked against the sum", "已记录总分（与各分量表之和核对）",
             kind="integer", minimum=0, maximum=100, required=False),
    ),
    references=(
        Reference("Itzkovich M", 2007, "Disabil Rehabil",
                  "The Spinal Cord Independence Measure (SCIM) version III: reliability and validity in a "
                  "multi-center international study", "10.1080/09638280601046302"),
    ),
    score_range=(0, 100),
    direction=HIGHER_IS_BETTER,
    confidence="C",
)


@dataclass(frozen=True)
class Scim3Result(Result):
    """SCIM III: ``value`` the total 0-100, ``subscores`` the three subscale totals."""


def score(responses: Mapping[str, Any], **options: Any) -> Scim3Result:
    """Sum the three SCIM III subscale totals.

    Parameters
    ----------
    responses : mapping
        ``self_care`` (0-20), ``respiration_sphincter`` (0-40), ``mobility`` (0-40) and optionally
        a stored ``total`` to check.

    Returns
    -------
    Scim3Result
        ``value`` the total, ``subscores`` the subscale totals.
    """
    data = require_mapping(responses, "responses")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="scim3 takes no options")
    subscores = {}
    for key in SUBSCALES:
        item = INSTRUMENT.item(key)
        if key not in data:
            raise ScoreInputError(key, None, f"a whole number from 0 to {item.maximum:g}",
                                  hint="required input is missing")
        subscores[key] = int(item.validate(data[key]))
    total = sum(subscores.values())
    if "total" in data and INSTRUMENT.item("total").validate(data["total"]) != total:
        raise ScoreInputError("total", data["total"], [total], hint="the total must equal the subscale sum")
    return Scim3Result(code=INSTRUMENT.code, version=INSTRUMENT.version, value=total, subscores=subscores)


classify = score
