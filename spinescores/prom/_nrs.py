"""Shared builder for the single-item pain ratings nrs_back, nrs_leg, nrs_neck and nrs_arm (§3).

Each public module holds one ``INSTRUMENT`` and a ``score`` made here, because the catalogue
discovers one instrument per module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from spinescores.base import HIGHER_IS_WORSE, Instrument, Item, Result, frozen_mapping
from spinescores.prom._common import collect, graded_options, validate_choice_option

SCALE_NRS = "nrs"
SCALE_VAS = "vas"
# Flag for a score converted from a 100-mm VAS to the 0–10 scale as mm / 10 (proms.md §3).
VAS_CONVERTED = "vas_converted"

LICENCE = "Public domain: the scale and its wording may be shipped."


@dataclass(frozen=True)
class NrsResult(Result):
    """A pain rating on the 0–10 scale (higher is worse)."""

    scale: str = SCALE_NRS


def make_instrument(code: str, site_en: str, site_zh: str, notes: str = "") -> Instrument:
    """Return the INSTRUMENT of the 0–10 pain NRS of one body site."""
    options = graded_options(range(11), ("no pain", "无痛"), ("worst pain imaginable", "能想象的最剧烈疼痛"))
    item = Item(
        id="pain",
        topic_en=f"{site_en} pain intensity",
        topic_zh=f"{site_zh}疼痛程度",
        kind="choice",
        options=options,
    )
    return Instrument(
        code=code,
        name=f"Numeric rating scale, {site_en.lower()} pain",
        name_zh=f"{site_zh}疼痛数字评分（NRS）",
        version="nrs@0-10",
        kind="prom",
        items=(item,),
        references=(),
        score_range=(0.0, 10.0),
        direction=HIGHER_IS_WORSE,
        licence=LICENCE,
        confidence="U",
        notes=(
            "Single item 0 (no pain) to 10 (worst imaginable). Fix the recall period on the form and "
            "keep it constant across timepoints. " + notes
        ).strip(),
    )


_VAS_ITEM = Item(id="pain", topic_en="Pain on a 100-mm VAS", kind="number", minimum=0, maximum=100, unit="mm")


@cache
def _vas_instrument(instrument: Instrument) -> Instrument:
    """Return the same instrument with the item read as millimetres on a 100-mm VAS."""
    return replace(instrument, items=(_VAS_ITEM,))


def make_score(instrument: Instrument) -> Callable[..., NrsResult]:
    """Return the ``score`` entry point of ``instrument``."""

    def score(responses: Any, *, scale: str = SCALE_NRS) -> NrsResult:
        scale = validate_choice_option("scale", scale, (SCALE_NRS, SCALE_VAS))
        if scale == SCALE_VAS:
            return _score_vas(instrument, responses)
        collected = collect(instrument, responses)
        value = collected.answers.get("pain")
        return NrsResult(
            code=instrument.code,
            version=instrument.version,
            value=None if value is None else float(value),
            missing_items=collected.missing,
            details=frozen_mapping({"multiple_marked": collected.multiple_marked}),
        )

    score.__doc__ = _DOC.format(code=instrument.code, name=instrument.name)
    return score


def _score_vas(instrument: Instrument, responses: Any) -> NrsResult:
    collected = collect(_vas_instrument(instrument), responses)
    mm = collected.answers.get("pain")
    if mm is None:
        return NrsResult(
            code=instrument.code, version=instrument.version, missing_items=collected.missing, scale=SCALE_VAS
        )
    return NrsResult(
        code=instrument.code,
        version=instrument.version,
        value=mm / 10.0,
        flags=(VAS_CONVERTED,),
        details=frozen_mapping({"vas_mm": mm}),
        scale=SCALE_VAS,
    )


_DOC = """Score the {name} ({code}).

    A single item ``pain``: an integer 0 (no pain) to 10 (worst imaginable). There is no
    missing-item rule: a blank (absent or ``None``) answer gives ``value=None`` with ``pain`` in
    ``missing_items``. Several marked answers make the item missing.

    Parameters
    ----------
    responses : Mapping[str, int | float | None]
        ``{{"pain": 0..10}}``, or with ``scale="vas"`` ``{{"pain": 0..100}}`` in millimetres.
    scale : str, default "nrs"
        ``"nrs"`` for the 11-point numeric rating scale, ``"vas"`` for a 100-mm visual analogue
        scale; a VAS is converted to the 0–10 scale only as mm / 10 and flagged ``vas_converted``.

    Returns
    -------
    NrsResult
        ``value`` on 0–10 (higher is worse), ``scale`` records NRS or VAS.

    Examples
    --------
    >>> score({{"pain": 7}}).value
    7.0
    >>> score({{"pain": 45}}, scale="vas").value, score({{"pain": 45}}, scale="vas").flags
    (4.5, ('vas_converted',))

    References
    ----------
    Pain NRS/VAS, public domain; proms.md §3.
    """
