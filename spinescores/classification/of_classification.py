"""DGOU / AO Spine classification of osteoporotic thoracolumbar fractures (OF 1-5).

The findings are checked top-down and the first match wins:

====  ==========================================================================  =====
Step  Finding                                                                     Type
====  ==========================================================================  =====
1     anterior or posterior tension-band failure                                  OF 5
2     both endplates deformed, loss of frame structure, collapse or pincer        OF 4
3     one endplate deformed with distinct (> 1/5) posterior-wall involvement      OF 3
4     one endplate deformed, no or minor (< 1/5) posterior-wall involvement       OF 2
5     no deformation; vertebral-body oedema on MRI-STIR only                      OF 1
—     none of the above                                                           no fracture
====  ==========================================================================  =====

Only the findings on the path taken are required; a missing one raises
:class:`~spinescores.errors.ScoreInputError`.

References
----------
Schnake KJ, Blattert TR, Hahn P, et al. Classification of osteoporotic thoracolumbar spine
fractures: recommendations of the Spine Section of the German Society for Orthopaedics and Trauma
(DGOU). Global Spine J 2018;8(2 Suppl):46S-49S.

Examples
--------
>>> classify({"tension_band_failure": False, "both_endplates_or_collapse": True}).category
'OF4'
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

INSTRUMENT = Instrument(
    code="of_classification",
    name="DGOU / AO Spine osteoporotic fracture (OF) classification",
    name_zh="DGOU/AO Spine 骨质疏松性骨折（OF）分型",
    version="of_classification@schnake2018",
    kind="classification",
    items=(
        Item("tension_band_failure", "Anterior or posterior tension-band failure", "前方或后方张力带损伤",
             kind="boolean"),
        Item("both_endplates_or_collapse", "Both endplates deformed, frame lost, collapse or pincer",
             "双终板变形、椎体框架丢失、塌陷或钳夹型骨折", kind="boolean", required=False),
        Item("one_endplate_deformed", "One endplate deformed", "单终板变形", kind="boolean", required=False),
        Item("posterior_wall", "Posterior-wall involvement", "后壁受累", required=False,
             options=(Option("none_or_minor", "none or minor (< 1/5)", "无或轻微（< 1/5）"),
                      Option("distinct", "distinct (> 1/5)", "明显（> 1/5）"))),
        Item("stir_oedema_only", "Vertebral-body oedema on MRI-STIR without deformation",
             "MRI-STIR 椎体水肿而无变形", kind="boolean", required=False),
    ),
    references=(
        Reference("Schnake KJ", 2018, "Global Spine J",
                  "Classification of osteoporotic thoracolumbar spine fractures: recommendations of the "
                  "Spine Section of the German Society for Orthopaedics and Trauma (DGOU)"),
    ),
    score_range=(1, 5),
    direction=HIGHER_IS_WORSE,
    confidence="C",
)

_DESCRIPTIONS = {
    "OF5": "tension-band failure (distraction, rotation, translation, hyperextension)",
    "OF4": "loss of vertebral frame structure, collapse or pincer",
    "OF3": "one endplate with distinct posterior-wall involvement",
    "OF2": "one endplate, no or minor posterior-wall involvement",
    "OF1": "no deformation, oedema on MRI-STIR only",
    "no_fracture": "none of the findings",
}


@dataclass(frozen=True)
class OfClassificationResult(Result):
    """OF type: ``category`` "OF1"-"OF5" or "no_fracture"; ``value`` 1-5 (``None`` without fracture)."""


def classify(inputs: Mapping[str, Any], **options: Any) -> OfClassificationResult:
    """Classify an osteoporotic fracture by the first matching OF step.

    Parameters
    ----------
    inputs : mapping
        The findings on the path taken (see ``INSTRUMENT.items``).

    Returns
    -------
    OfClassificationResult
        ``category`` the OF type, ``details["path"]`` the findings used.
    """
    data = require_mapping(inputs, "inputs")
    reject_unknown(INSTRUMENT, data)
    for name in options:
        raise ScoreInputError("option", name, "no options", hint="of_classification takes no options")
    of_type, path = _first_match(data)
    return OfClassificationResult(
        code=INSTRUMENT.code,
        version=INSTRUMENT.version,
        value=None if of_type == "no_fracture" else int(of_type[-1]),
        category=of_type,
        interpretation=of_type,
        details={"path": path, "description": _DESCRIPTIONS[of_type]},
    )


def _first_match(data: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    if _read(data, "tension_band_failure"):
        return "OF5", ("tension_band_failure",)
    if _read(data, "both_endplates_or_collapse"):
        return "OF4", ("tension_band_failure", "both_endplates_or_collapse")
    path = ("tension_band_failure", "both_endplates_or_collapse", "one_endplate_deformed")
    if _read(data, "one_endplate_deformed"):
        wall = _read(data, "posterior_wall")
        return ("OF3" if wall == "distinct" else "OF2"), (*path, "posterior_wall")
    path = (*path, "stir_oedema_only")
    return ("OF1" if _read(data, "stir_oedema_only") else "no_fracture"), path


def _read(data: Mapping[str, Any], item_id: str) -> Any:
    item = INSTRUMENT.item(item_id)
    if item_id not in data:
        allowed = item.allowed_values or "True or False"
        raise ScoreInputError(item_id, None, allowed, hint="required input is missing")
    return item.validate(data[item_id])
