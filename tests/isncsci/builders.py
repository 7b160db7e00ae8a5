"""Builders for ISNCSCI test exams: start from a normal exam and change ranges of cells."""

from __future__ import annotations

from typing import Any

from spinescores.isncsci import classify, normal_exam
from spinescores.isncsci.exam import KEY_MUSCLES, SENSORY_LEVELS

SIDES = ("right", "left")


def _span(levels: tuple[str, ...], span: str) -> tuple[str, ...]:
    first, _, last = span.partition("-")
    start = levels.index(first)
    return levels[start : levels.index(last or first) + 1]


def make_exam(vac: str = "No", dap: str = "No") -> dict[str, Any]:
    """Return a normal exam with the given anorectal findings."""
    return normal_exam(vac=vac, dap=dap)


def sensory(exam: dict[str, Any], span: str, value: str, *, sides: tuple[str, ...] = SIDES,
            kinds: tuple[str, ...] = ("lightTouch", "pinPrick")) -> dict[str, Any]:
    """Set LT and/or PP of the dermatomes in ``span`` (e.g. "T9-S4_5") to ``value``."""
    for side in sides:
        for kind in kinds:
            for level in _span(SENSORY_LEVELS, span):
                exam[side][kind][level] = value
    return exam


def motor(exam: dict[str, Any], span: str, value: str, *, sides: tuple[str, ...] = SIDES) -> dict[str, Any]:
    """Set the key muscles of ``span`` (e.g. "L2-S1") to ``value``."""
    for side in sides:
        for level in _span(KEY_MUSCLES, span):
            exam[side]["motor"][level] = value
    return exam


def non_key(exam: dict[str, Any], side: str, level: str | None) -> dict[str, Any]:
    exam[side]["lowestNonKeyMuscleWithMotorFunction"] = level
    return exam


def as_sets(result: dict[str, Any]) -> dict[str, Any]:
    """Return the interchange result with every list replaced by a frozenset (order free)."""
    if isinstance(result, dict):
        return {key: as_sets(value) for key, value in result.items()}
    if isinstance(result, list):
        return frozenset(result)
    return result


def out(exam: dict[str, Any]) -> dict[str, Any]:
    """Classify and return the interchange result as sets."""
    return as_sets(classify(exam).to_dict())


def paraplegia(level_below: str = "T9", *, vac: str = "No", dap: str = "No") -> dict[str, Any]:
    """Return a complete-looking exam: sensation 0 from ``level_below`` down, legs paralysed."""
    exam = make_exam(vac, dap)
    sensory(exam, f"{level_below}-S4_5", "0")
    motor(exam, "L2-S1", "0")
    return exam
