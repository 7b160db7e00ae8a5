"""Private helpers shared by the tumour, trauma and deformity classification modules.

They only read and check inputs; every scheme keeps its own rules in its own module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spinescores.base import Instrument, Item, Option, reject_unknown, require_mapping
from spinescores.classification import _geometry
from spinescores.errors import ScoreInputError

GEOMETRY_KINDS = ("point", "line", "points")


def choice(item_id: str, topic_en: str, topic_zh: str, options: tuple[tuple[Any, str, str], ...],
           *, required: bool = True) -> Item:
    """Build a choice item from ``(value, label_en, label_zh)`` triples."""
    return Item(id=item_id, topic_en=topic_en, topic_zh=topic_zh, kind="choice",
                options=tuple(Option(v, en, zh) for v, en, zh in options), required=required)


def number(item_id: str, topic_en: str, topic_zh: str, low: float | None, high: float | None, unit: str,
           *, required: bool = True, integer: bool = False) -> Item:
    """Build a number (or whole-number) item with an inclusive range and a unit."""
    return Item(id=item_id, topic_en=topic_en, topic_zh=topic_zh, kind="integer" if integer else "number",
                minimum=low, maximum=high, unit=unit, required=required)


def boolean(item_id: str, topic_en: str, topic_zh: str, *, required: bool = True) -> Item:
    """Build a yes/no item."""
    return Item(id=item_id, topic_en=topic_en, topic_zh=topic_zh, kind="boolean", required=required)


def read_inputs(instrument: Instrument, inputs: Any) -> dict[str, Any]:
    """Return the validated inputs present, after rejecting unknown keys and missing required items.

    ``None`` is never a valid value: leave an optional item out instead of passing ``None``.
    """
    inputs = require_mapping(inputs, "inputs")
    reject_unknown(instrument, inputs)
    values: dict[str, Any] = {}
    for item in instrument.items:
        if item.id not in inputs:
            if item.required:
                raise ScoreInputError(item.id, None, _allowed_text(item), hint="required input is missing")
            continue
        values[item.id] = _validate(item, inputs[item.id])
    return values


def read_options(options: Mapping[str, Any], allowed: Mapping[str, tuple[Any, ...]]) -> dict[str, Any]:
    """Return ``options`` after checking each name and value against ``allowed``."""
    for name, value in options.items():
        if name not in allowed:
            raise ScoreInputError("option", name, sorted(allowed), hint="unknown option")
        if isinstance(value, bool) != isinstance(allowed[name][0], bool) or value not in allowed[name]:
            raise ScoreInputError(name, value, allowed[name])
    return dict(options)


def _validate(item: Item, value: Any) -> Any:
    if item.kind == "point":
        return _geometry.point(item.id, value)
    if item.kind == "line":
        return _geometry.line(item.id, value)
    if item.kind == "points":
        return _geometry.points(item.id, value, int(item.minimum or 0))
    return item.validate(value)


def _allowed_text(item: Item) -> Any:
    if item.kind == "choice":
        return item.allowed_values
    if item.kind == "boolean":
        return "True or False"
    if item.kind in GEOMETRY_KINDS:
        return _geometry.ALLOWED[item.kind]
    return item._range_text()  # these modules use no text items: the rest are numbers


def pick_worst(instrument: Instrument, inputs: Any, points: Mapping[str, Mapping[Any, int]]) -> Any:
    """Return ``inputs`` with each list of values in a ``points`` category replaced by its worst value.

    Trauma schemes score the single worst value per category; callers may pass every finding and
    let this pick the one with the most points (the first one on a tie).
    """
    inputs = require_mapping(inputs, "inputs")
    picked = dict(inputs)
    for item_id, table in points.items():
        value = inputs.get(item_id)
        if isinstance(value, (list, tuple)):
            if not value:
                raise ScoreInputError(item_id, value, instrument.item(item_id).allowed_values,
                                      hint="give at least one value")
            for element in value:
                instrument.item(item_id).validate(element)
            picked[item_id] = max(value, key=lambda v: table[v])
    return picked


SPACING_ITEMS = (
    number("row_spacing_mm", "Pixel spacing between rows (vertical)", "行间距（垂直）", 0, None, "mm/pixel",
           required=False),
    number("column_spacing_mm", "Pixel spacing between columns (horizontal)", "列间距（水平）", 0, None,
           "mm/pixel", required=False),
)


def spacing_of(values: Mapping[str, Any]) -> tuple[float, float] | None:
    """Return ``(row, column)`` spacing in mm per pixel, or ``None`` when both are absent.

    Zero is rejected, and so is one spacing without the other: assuming 1 for the missing one
    would distort every angle on a film with non-square pixels.
    """
    keys = ("row_spacing_mm", "column_spacing_mm")
    for key in keys:
        if values.get(key) == 0:
            raise ScoreInputError(key, 0, "a number above 0 mm/pixel", hint="leave it out if unknown")
    given = [key for key in keys if key in values]
    if len(given) == 1:
        other = keys[1 - keys.index(given[0])]
        raise ScoreInputError(other, None, "a number above 0 mm/pixel", hint=f"{given[0]} is given")
    return (values[keys[0]], values[keys[1]]) if given else None
