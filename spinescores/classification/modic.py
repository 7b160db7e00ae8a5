"""Modic vertebral endplate signal change type on T1- and T2-weighted MRI.

Each endplate region is typed from its T1 and T2 signal relative to normal marrow:

====  ======  ============  ===================================
Type  T1      T2            Meaning
====  ======  ============  ===================================
0     normal  normal        no change
1     low     high          oedema / fibrovascular (active)
2     high    normal, high  fatty marrow replacement (chronic)
3     low     low           subchondral sclerosis
====  ======  ============  ===================================

Any other T1/T2 combination is not a Modic type and returns ``needs_review`` with no category.
A mixed endplate is described with a second region (``t1_secondary`` / ``t2_secondary``); two
different non-zero types are reported as e.g. ``"1/2"``, a region of type 0 adds nothing.

References
----------
Modic MT, Steinberg PM, Ross JS, Masaryk TJ, Carter JR. Degenerative disk disease: assessment of
changes in vertebral body marrow with MR imaging. Radiology 1988;166:193-199.

Examples
--------
>>> classify({"t1": "low", "t2": "high"}).category
'1'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinescores.base import (
    NEEDS_REVIEW,
    Instrument,
    Item,
    Option,
    Reference,
    Result,
    reject_unknown,
    require_mapping,
)
from spinescores.errors import ScoreInputError

_SIGNALS = (
    Option("low", "hypointense", "低信号"),
    Option("normal", "normal / isointense", "正常/等信号"),
    Option("high", "hyperintense", "高信号"),
)

INSTRUMENT = Instrument(
    code="modic",
    name="Modic endplate change type",
    name_zh="Modic 终板改变分型",
    version="modic@modic1988",
    kind="classification",
    items=(
        Item("t1", "Endplate marrow signal on T1", "终板骨髓 T1 信号", options=_SIGNALS),
        Item("t2", "Endplate marrow signal on T2", "终板骨髓 T2 信号", options=_SIGNALS),
        Item("t1_secondary", "T1 signal of a second region (mixed type)", "第二区域 T1 信号（混合型）",
             options=_SIGNALS, required=False),
        Item("t2_secondary", "T2 signal of a second region (mixed type)", "第二区域 T2 信号（混合型）",
             options=_SIGNALS, required=False),
    ),
    references=(
        Reference("Modic MT", 1988, "Radiology",
                  "Degenerative disk disease: assessment of changes in vertebral body marrow with MR imaging",
                  "10.1148/radiology.166.1.3336678"),
    ),
    confidence="C",
)

_TYPES = {
    ("normal", "normal"): 0,
    ("low", "high"): 1,
    ("high", "normal"): 2,
    ("high", "high"): 2,
    ("low", "low"): 3,
}
_MEANINGS = {0: "none", 1: "oedema_fibrovascular", 2: "fatty_replacement", 3: "sclerosis"}


@dataclass(frozen=True)
class ModicResult(Result):
    """Modic type: ``category`` "0"-"3" or a mixed type such as "1/2"; ``None`` when unclassifiable."""


def classify(inputs: Mapping[str, Any], **options: Any) -> ModicResult:
    """Type an endplate from its T1/T2 signal, with an optional second region for mixed types.

    Parameters
    ----------
    inputs : mapping
        ``t1`` and ``t2`` ("low", "normal", "high"), optionally ``t1_secondary`` and
        ``t2_secondary`` (both or neither).

    Returns
    -------
    ModicResult
        ``category`` the type; ``subscores`` the type of each region; ``needs_review`` when a
        region's T1/T2 combination is not a Modic type.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="modic takes no options")
    regions = {"primary": _region_type(data, "t1", "t2")}
    if "t1_secondary" in data or "t2_secondary" in data:
        regions["secondary"] = _region_type(data, "t1_secondary", "t2_secondary")
    result = {"code": INSTRUMENT.code, "version": INSTRUMENT.version, "subscores": regions}
    if None in regions.values():
        return ModicResult(**result, flags=(NEEDS_REVIEW,), interpretation="not_a_modic_type")
    types = sorted({t for t in regions.values() if t} or {0})
    category = "/".join(str(t) for t in types)
    interpretation = "mixed" if len(types) > 1 else _MEANINGS[types[0]]
    value = types[0] if len(types) == 1 else None
    return ModicResult(**result, value=value, category=category, interpretation=interpretation)


def _region_type(data: Mapping[str, Any], t1_id: str, t2_id: str) -> int | None:
    signals = []
    for item_id in (t1_id, t2_id):
        item = INSTRUMENT.item(item_id)
        if item_id not in data:
            raise ScoreInputError(item_id, None, item.allowed_values, hint="required input is missing")
        signals.append(item.validate(data[item_id]))
    return _TYPES.get(tuple(signals))
