"""Segments, value sets and the validated exam of the ISNCSCI classification (2019 revision).

The interchange format (reference section 2.5) is a mapping with ``right`` and ``left`` sides, each
holding ``motor`` (C5 C6 C7 C8 T1 L2 L3 L4 L5 S1), ``lightTouch`` and ``pinPrick`` (C2 ... S4_5) and
an optional ``lowestNonKeyMuscleWithMotorFunction``, plus ``vac`` and ``dap``. All values are strings
from the sets of section 2.3; anything else raises :class:`ScoreInputError`.

Conventions (reference section 13, see also ``spinescores/gaps/isncsci.md``):

* Values are matched exactly: ``"nt"``, ``" 5"``, ``"5*"`` and ``"2*"`` (sensory) are refused.
* Keys other than ``right``, ``left``, ``vac`` and ``dap`` at the top level, and other than the four
  side keys inside a side, are ignored, so an exam record may carry comments; an unknown level key
  *inside* ``motor``, ``lightTouch`` or ``pinPrick`` is refused, since it is almost always a typo.
* A missing ``lowestNonKeyMuscleWithMotorFunction`` key means no non-key muscle (``null``).
* The non-key muscle must be a 2019 root (C5..T1, L2..S1). Legacy levels such as T5 or L1
  (section 13.3) are accepted only with ``legacy_non_key_muscle=True``; the result then carries a
  warning, and such a level can influence only the motor ZPP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from spinescores.errors import ScoreInputError

#: Segments in rostro-caudal order; the position in this tuple is the segment index of section 1.
LEVELS = (
    "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8",
    "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12",
    "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5",
)  # fmt: skip
LEVEL_INDEX = {name: i for i, name in enumerate(LEVELS)}
#: Internal index of the result ``INT`` (intact through S4_5); it replaces S4_5, never a level item.
INT = 28
SENSORY_LEVELS = LEVELS[1:]
KEY_MUSCLES = ("C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")
KEY_MUSCLE_INDEX = tuple(LEVEL_INDEX[m] for m in KEY_MUSCLES)
#: Key-muscle number (0..9) of a segment index, or None for segments without a key muscle.
KEY_OF_SEGMENT = tuple(KEY_MUSCLES.index(lv) if lv in KEY_MUSCLES else None for lv in LEVELS)

MOTOR_VALUES = (
    "0", "1", "2", "3", "4", "5", "0*", "1*", "2*", "3*", "4*",
    "0**", "1**", "2**", "3**", "4**", "NT", "NT*", "NT**",
)  # fmt: skip
SENSORY_VALUES = ("0", "1", "2", "0*", "1*", "0**", "1**", "NT", "NT*", "NT**")
ANAL_VALUES = ("Yes", "No", "NT")
SIDES = ("right", "left")

# Motor value classes of section 2.4.
M5, M34, M012, MX, MNT, MNL, MNH = range(7)
MOTOR_CLASS = {
    "5": M5, "3": M34, "4": M34, "3*": M34, "4*": M34, "0": M012, "1": M012, "2": M012,
    "0*": MX, "1*": MX, "2*": MX, "NT*": MX, "NT": MNT,
    "0**": MNL, "1**": MNL, "2**": MNL, "3**": MNH, "4**": MNH, "NT**": MNH,
}  # fmt: skip
CERTAINLY_NORMAL = frozenset((M5, MNL, MNH))
POSSIBLY_NORMAL = frozenset((M5, MNL, MNH, MNT))
POSSIBLY_BELOW_3 = frozenset((M012, MX, MNT))
CERTAINLY_3_PLUS = frozenset((M5, M34, MNL, MNH))

# Sensory scores for "is any sensation present?" (sacral sparing, ZPP).
CAN_BE_ABSENT = frozenset(("0", "NT", "0*", "NT*"))


class Side(NamedTuple):
    """One validated side: 10 motor grades, 29 LT and PP scores (index 0 = C1, always "2").

    ``non_key_muscle`` is the segment index of the lowest non-key muscle or None; ``tagged`` says
    whether any score of the side carries ``*`` or ``**``.
    """

    motor: tuple[str, ...]
    light_touch: tuple[str, ...]
    pin_prick: tuple[str, ...]
    non_key_muscle: int | None
    tagged: bool = False


class Exam(NamedTuple):
    """A validated ISNCSCI examination, indexed by segment; build it with :func:`parse_exam`."""

    right: Side
    left: Side
    vac: str
    dap: str
    warnings: tuple[str, ...] = ()

    def stripped(self) -> Exam:
        """Return a copy with every ``*`` removed from every score (0** -> 0, NT* -> NT)."""
        return Exam(_strip_side(self.right), _strip_side(self.left), self.vac, self.dap, self.warnings)

    @property
    def has_star(self) -> bool:
        """Return True if any score carries a ``*`` or ``**`` tag."""
        return self.right.tagged or self.left.tagged


def _strip_side(side: Side) -> Side:
    def strip(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.rstrip("*") for v in values)

    return Side(strip(side.motor), strip(side.light_touch), strip(side.pin_prick), side.non_key_muscle, False)


_C1 = ("2",)
_NON_KEY_ALLOWED = "null or one of " + ", ".join(KEY_MUSCLES)


def parse_exam(exam: Any, *, legacy_non_key_muscle: bool = False) -> Exam:
    """Validate an exam in the interchange format and return an :class:`Exam`.

    Raise :class:`ScoreInputError` naming the side, the level and the value when a level is missing,
    a value is not one of the allowed strings, or the non-key muscle is not a level it may take.
    """
    if exam.__class__ is not dict and not isinstance(exam, Mapping):
        raise ScoreInputError("exam", type(exam).__name__, "a mapping with right, left, vac and dap")
    warnings: list[str] = []
    right = _parse_side(exam, "right", legacy_non_key_muscle, warnings)
    left = _parse_side(exam, "left", legacy_non_key_muscle, warnings)
    vac = _anal(exam, "vac")
    dap = _anal(exam, "dap")
    return tuple.__new__(Exam, (right, left, vac, dap, tuple(warnings)))


def _anal(exam: Mapping[str, Any], key: str) -> str:
    if key not in exam:
        raise ScoreInputError(key, "<missing>", ANAL_VALUES)
    value = exam[key]
    if value not in ANAL_VALUES or not isinstance(value, str):
        raise ScoreInputError(key, value, ANAL_VALUES)
    return value


def _parse_side(exam: Mapping[str, Any], name: str, legacy: bool, warnings: list[str]) -> Side:
    side = exam.get(name)
    if side.__class__ is not dict and not isinstance(side, Mapping):
        shown = "<missing>" if side is None else type(side).__name__
        raise ScoreInputError(name, shown, "a mapping with motor, lightTouch and pinPrick")
    motor, motor_tagged = _scores(side, name, "motor", KEY_MUSCLES, _MOTOR_SETS, MOTOR_VALUES)
    light_touch, lt_tagged = _scores(side, name, "lightTouch", SENSORY_LEVELS, _SENSORY_SETS, SENSORY_VALUES)
    pin_prick, pp_tagged = _scores(side, name, "pinPrick", SENSORY_LEVELS, _SENSORY_SETS, SENSORY_VALUES)
    nkm = side.get("lowestNonKeyMuscleWithMotorFunction")
    if nkm is not None:
        nkm = _non_key_muscle(nkm, name, legacy, warnings)
    tagged = motor_tagged or lt_tagged or pp_tagged
    # tuple.__new__ skips the Python-level NamedTuple constructor on this hot path
    return tuple.__new__(Side, (motor, _C1 + light_touch, _C1 + pin_prick, nkm, tagged))


# (untagged values, all values): the first set is the fast path of every untagged exam
_MOTOR_SETS = (frozenset(v for v in MOTOR_VALUES if "*" not in v), frozenset(MOTOR_VALUES))
_SENSORY_SETS = (frozenset(v for v in SENSORY_VALUES if "*" not in v), frozenset(SENSORY_VALUES))


def _scores(side: Mapping[str, Any], side_name: str, key: str, levels: tuple[str, ...],
            allowed_sets: tuple[frozenset[str], frozenset[str]], allowed_list: tuple[str, ...]
            ) -> tuple[tuple[str, ...], bool]:
    """Return the values of one score block in level order and whether any carries a tag."""
    scores = side.get(key)
    if scores.__class__ is not dict and not isinstance(scores, Mapping):
        shown = "<missing>" if scores is None else type(scores).__name__
        raise ScoreInputError(f"{side_name} {key}", shown, f"a mapping of level to value ({levels[0]}..)")
    if tuple(scores) == levels:  # the usual case: every level, in order, and nothing else
        values = tuple(scores.values())
    else:
        values = _values_in_order(scores, side_name, key, levels, allowed_list)
    plain, allowed = allowed_sets
    try:
        if plain.issuperset(values):
            return values, False
        if allowed.issuperset(values):
            return values, True
    except TypeError:  # an unhashable value such as a list: reported below
        pass
    for level, value in zip(levels, values, strict=True):
        if value.__class__ is not str or value not in allowed:
            raise ScoreInputError(f"{side_name} {key} {level}", value, allowed_list)
    raise AssertionError("unreachable: some value was not allowed")  # pragma: no cover


def _values_in_order(scores: Mapping[str, Any], side_name: str, key: str, levels: tuple[str, ...],
                     allowed_list: tuple[str, ...]) -> tuple[Any, ...]:
    """Return the values of ``levels`` from a block whose keys are out of order, missing or extra."""
    try:
        values = tuple(map(scores.__getitem__, levels))
    except KeyError as missing:
        raise ScoreInputError(f"{side_name} {key} {missing.args[0]}", "<missing>", allowed_list)
    if len(scores) != len(levels):
        unknown = sorted(str(k) for k in scores if k not in levels)
        raise ScoreInputError(f"{side_name} {key}", unknown[0], levels, hint="not a level of this score")
    return values


def _non_key_muscle(value: Any, side_name: str, legacy: bool, warnings: list[str]) -> int:
    item = f"{side_name} lowestNonKeyMuscleWithMotorFunction"
    if value in KEY_MUSCLES:
        return LEVEL_INDEX[value]
    if legacy and isinstance(value, str) and value in LEVEL_INDEX and value not in ("C1", "S4_5"):
        warnings.append(f"{item}: legacy level {value} accepted; it can only influence the motor ZPP")
        return LEVEL_INDEX[value]
    raise ScoreInputError(item, value, _NON_KEY_ALLOWED, hint="legacy levels need legacy_non_key_muscle=True")


def normal_exam(**anal: str) -> dict[str, Any]:
    """Return a fresh all-normal exam in the interchange format (VAC and DAP Yes unless given).

    Handy for building test cases and examples: change the few cells that matter.
    """

    def side() -> dict[str, Any]:
        return {
            "motor": dict.fromkeys(KEY_MUSCLES, "5"),
            "lightTouch": dict.fromkeys(SENSORY_LEVELS, "2"),
            "pinPrick": dict.fromkeys(SENSORY_LEVELS, "2"),
            "lowestNonKeyMuscleWithMotorFunction": None,
        }

    return {"right": side(), "left": side(), "vac": anal.get("vac", "Yes"), "dap": anal.get("dap", "Yes")}
