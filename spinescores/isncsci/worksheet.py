"""The flat ISNCSCI worksheet: one row per exam, for CSV import and export.

Input columns (:data:`COLUMNS`, 136), in this order, ``R`` for right and ``L`` for left:

* ``R_C5_motor`` .. ``R_S1_motor`` (10 key muscles), then ``R_C2_light_touch`` ..
  ``R_S4_5_light_touch`` and ``R_C2_pin_prick`` .. ``R_S4_5_pin_prick`` (28 each),
  then ``R_lowest_non_key_muscle``; the same for ``L``;
* ``VAC`` and ``DAP``.

Cells hold exactly the strings of the interchange format (``5``, ``2*``, ``NT**``, ``Yes``, ...).
Surrounding spaces are removed (spreadsheets add them); nothing else is guessed, so ``nt`` or
``5*`` is refused. An empty ``*_lowest_non_key_muscle`` means none; any other empty cell is a
missing score. Other columns (an exam id, a date) are ignored on input and copied on output.

Result columns (:data:`RESULT_COLUMNS`): ``R_sensory_level``, ``L_sensory_level``,
``R_motor_level``, ``L_motor_level``, ``NLI``, ``injury_complete``, ``AIS``, ``R_sensory_zpp``,
``L_sensory_zpp``, ``R_motor_zpp``, ``L_motor_zpp`` (lists joined by commas, e.g. ``C5,C6*``), then
the totals ``R_uems``, ``R_lems``, ``R_motor``, ``R_light_touch``, ``R_pin_prick``, the same for
``L``, and ``uems``, ``lems``, ``light_touch``, ``pin_prick`` (an integer or ``ND``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spinescores.errors import ScoreInputError
from spinescores.isncsci.exam import KEY_MUSCLES, SENSORY_LEVELS
from spinescores.isncsci.result import IsncsciResult

_SIDE_PREFIX = {"right": "R", "left": "L"}
_SENSORY_KEYS = {"lightTouch": "light_touch", "pinPrick": "pin_prick"}


def _side_columns(prefix: str) -> list[str]:
    columns = [f"{prefix}_{level}_motor" for level in KEY_MUSCLES]
    for suffix in _SENSORY_KEYS.values():
        columns += [f"{prefix}_{level}_{suffix}" for level in SENSORY_LEVELS]
    return columns + [f"{prefix}_lowest_non_key_muscle"]


COLUMNS: tuple[str, ...] = tuple(_side_columns("R") + _side_columns("L") + ["VAC", "DAP"])

_TOTAL_KEYS = ("uems", "lems", "motor", "light_touch", "pin_prick")
RESULT_COLUMNS: tuple[str, ...] = (
    "R_sensory_level", "L_sensory_level", "R_motor_level", "L_motor_level", "NLI",
    "injury_complete", "AIS", "R_sensory_zpp", "L_sensory_zpp", "R_motor_zpp", "L_motor_zpp",
    *(f"R_{key}" for key in _TOTAL_KEYS), *(f"L_{key}" for key in _TOTAL_KEYS),
    "uems", "lems", "light_touch", "pin_prick",
)  # fmt: skip


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    if value is None:
        raise ScoreInputError(column, "<missing column>", "a worksheet column; see COLUMNS")
    if not isinstance(value, str):
        raise ScoreInputError(column, value, "a text cell")
    return value.strip()


def _side(row: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    side: dict[str, Any] = {"motor": {level: _cell(row, f"{prefix}_{level}_motor") for level in KEY_MUSCLES}}
    for key, suffix in _SENSORY_KEYS.items():
        side[key] = {level: _cell(row, f"{prefix}_{level}_{suffix}") for level in SENSORY_LEVELS}
    nkm = _cell(row, f"{prefix}_lowest_non_key_muscle")
    side["lowestNonKeyMuscleWithMotorFunction"] = nkm or None
    return side


def exam_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the interchange-format exam of one worksheet row (a mapping of column to cell).

    An empty motor or sensory cell stays empty and is refused by ``classify`` as an invalid value
    naming the side and level; a missing column raises :class:`ScoreInputError` here.
    """
    return {
        "right": _side(row, "R"),
        "left": _side(row, "L"),
        "vac": _cell(row, "VAC"),
        "dap": _cell(row, "DAP"),
    }


def _joined(values: tuple[str, ...]) -> str:
    return ",".join(values)


def row_from_result(result: IsncsciResult) -> dict[str, str]:
    """Return the result columns of one classified exam, every cell a string."""
    row = {
        "R_sensory_level": _joined(result.sensory_level.right),
        "L_sensory_level": _joined(result.sensory_level.left),
        "R_motor_level": _joined(result.motor_level.right),
        "L_motor_level": _joined(result.motor_level.left),
        "NLI": _joined(result.neurological_level),
        "injury_complete": _joined(result.injury_complete),
        "AIS": _joined(result.ais),
        "R_sensory_zpp": _joined(result.sensory_zpp.right),
        "L_sensory_zpp": _joined(result.sensory_zpp.left),
        "R_motor_zpp": _joined(result.motor_zpp.right),
        "L_motor_zpp": _joined(result.motor_zpp.left),
    }
    totals = result.totals
    assert totals is not None
    for prefix, side in (("R", totals.right), ("L", totals.left)):
        for key in _TOTAL_KEYS:
            row[f"{prefix}_{key}"] = str(getattr(side, key))
    for key in ("uems", "lems", "light_touch", "pin_prick"):
        row[key] = str(getattr(totals, key))
    return row


def row_from_exam(exam: Mapping[str, Any]) -> dict[str, str]:
    """Return the worksheet row of an interchange-format exam (the inverse of :func:`exam_from_row`)."""
    row: dict[str, str] = {}
    for side_name, prefix in _SIDE_PREFIX.items():
        side = exam[side_name]
        for level in KEY_MUSCLES:
            row[f"{prefix}_{level}_motor"] = side["motor"][level]
        for key, suffix in _SENSORY_KEYS.items():
            for level in SENSORY_LEVELS:
                row[f"{prefix}_{level}_{suffix}"] = side[key][level]
        row[f"{prefix}_lowest_non_key_muscle"] = side.get("lowestNonKeyMuscleWithMotorFunction") or ""
    row["VAC"] = exam["vac"]
    row["DAP"] = exam["dap"]
    return row
