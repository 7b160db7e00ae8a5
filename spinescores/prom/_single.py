"""Shared builder for single-question anchors (NASS satisfaction, GPE, global treatment outcome)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spinescores.base import UNVALIDATED, Instrument, Result, frozen_mapping
from spinescores.prom._common import collect


@dataclass(frozen=True)
class SingleItemResult(Result):
    """The answer code of a one-question rating and whether it is in the positive group."""


def make_score(
    instrument: Instrument,
    positive: tuple[int, ...],
    labels: tuple[str, str],
    *,
    result_class: type[SingleItemResult] = SingleItemResult,
    unvalidated: bool = False,
) -> Callable[[Any], SingleItemResult]:
    """Return a ``score`` that reports the answer and ``labels[0]`` if it is in ``positive``."""
    item_id = instrument.item_ids[0]

    def score(responses: Any) -> SingleItemResult:
        collected = collect(instrument, responses)
        answer = collected.answers.get(item_id)
        if answer is None:
            return result_class(
                code=instrument.code, version=instrument.version, missing_items=collected.missing
            )
        option = next(o for o in instrument.items[0].options if o.value == answer)
        return result_class(
            code=instrument.code,
            version=instrument.version,
            value=float(answer),
            category=option.label_en,
            interpretation=labels[0] if answer in positive else labels[1],
            flags=(UNVALIDATED,) if unvalidated else (),
            details=frozen_mapping({"positive_answers": positive}),
        )

    return score
