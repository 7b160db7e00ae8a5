"""The frozen ISNCSCI result and the summary scores (reference sections 3, 4 and 2.5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from spinescores.base import Result
from spinescores.isncsci.exam import MOTOR_VALUES, Exam, Side

#: A total that cannot be computed because a summed cell is NT, NT* or NT**.
ND = "ND"
Total = int | str


class Pair(NamedTuple):
    """A per-side value: ``right`` and ``left``."""

    right: Any
    left: Any


class SideTotals(NamedTuple):
    """Summary scores of one side: UEMS, LEMS, motor, light touch, pin prick (int or ``"ND"``)."""

    uems: Total
    lems: Total
    motor: Total
    light_touch: Total
    pin_prick: Total

    def to_dict(self) -> dict[str, Total]:
        return {"uems": self.uems, "lems": self.lems, "motor": self.motor,
                "lightTouch": self.light_touch, "pinPrick": self.pin_prick}


class Totals(NamedTuple):
    """Summary scores of section 4; the ``*`` tags are ignored, so 2** adds 2."""

    right: SideTotals
    left: SideTotals
    uems: Total
    lems: Total
    light_touch: Total
    pin_prick: Total

    def to_dict(self) -> dict[str, Any]:
        return {"right": self.right.to_dict(), "left": self.left.to_dict(), "uems": self.uems,
                "lems": self.lems, "lightTouch": self.light_touch, "pinPrick": self.pin_prick}


# A sum with an NT cell is "ND"; it is carried as a huge number so bilateral sums need no test.
_NT = 1_000_000


_MOTOR_POINTS = {value: _NT if value.startswith("NT") else int(value[0]) for value in MOTOR_VALUES}


def _motor_points(values: tuple[str, ...]) -> int:
    """Return the sum of the recorded grades (tags ignored), ``_NT`` or more if any is NT."""
    return sum(map(_MOTOR_POINTS.__getitem__, values))


def _sensory_points(values: tuple[str, ...]) -> int:
    """Return the sum of the recorded sensory scores (0, 1 or 2; tags ignored), ``_NT`` if NT."""
    text = "".join(values)
    if "N" in text:
        return _NT
    return text.count("1") + 2 * text.count("2")


def _raw_side(side: Side) -> list[int]:
    """Return UEMS, LEMS, motor, LT and PP of one side, NT counting as the huge ``_NT``."""
    motor = side.motor
    uems, lems = _motor_points(motor[:5]), _motor_points(motor[5:])
    # index 0 of the sensory tuples is C1, stored as "2" but not part of the totals
    return [uems, lems, uems + lems, _sensory_points(side.light_touch) - 2,
            _sensory_points(side.pin_prick) - 2]


def totals(exam: Exam) -> Totals:
    """Return the summary scores of an exam (section 4)."""
    r, lf = _raw_side(exam.right), _raw_side(exam.left)
    raw = r + lf + [r[0] + lf[0], r[1] + lf[1], r[3] + lf[3], r[4] + lf[4]]
    v = [ND if total >= _NT // 2 else total for total in raw]
    # tuple.__new__ skips the Python-level NamedTuple constructors on this hot path
    new = tuple.__new__
    return new(Totals, (new(SideTotals, v[0:5]), new(SideTotals, v[5:10]), *v[10:]))


Items = tuple[str, ...]


@dataclass(frozen=True)
class IsncsciResult(Result):
    """The classification of one exam; every classification is a tuple of possible values.

    Fields: ``sensory_level``, ``motor_level``, ``sensory_zpp`` and ``motor_zpp`` are :class:`Pair`
    (``right``, ``left``) of tuples; ``neurological_level``, ``injury_complete`` and ``ais`` are
    tuples; ``totals`` is :class:`Totals`. Items are level names ``C1``..``S3``, ``INT``, ``NA``,
    AIS letters or ``C``/``I``, with a trailing ``*`` when reached only through a non-SCI tag.
    ``category`` holds the AIS list joined by commas, ``flags`` ``needs_review`` when the
    classification is not unique or relies on a convention of section 13 (items 3 and 5),
    ``missing_items`` the ids of NT cells (``right.motor.C5``, ``vac``) and ``warnings`` notes on
    accepted legacy input.
    """

    sensory_level: Pair = Pair((), ())
    motor_level: Pair = Pair((), ())
    neurological_level: Items = ()
    injury_complete: Items = ()
    ais: Items = ()
    sensory_zpp: Pair = Pair((), ())
    motor_zpp: Pair = Pair((), ())
    totals: Totals | None = None
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def build(cls, **fields: Any) -> IsncsciResult:
        """Return a result from every field by name, skipping the generated frozen ``__init__``.

        The classifier's hot path: the dataclass ``__init__`` sets 18 fields one
        ``object.__setattr__`` at a time, which costs more than some classification steps. The
        instance is the same (frozen, equal, hashable); every field must be given.
        """
        result = object.__new__(cls)
        result.__dict__.update(fields)
        return result

    def to_dict(self) -> dict[str, Any]:
        """Return the result in the interchange format of reference section 2.5."""
        return {
            "sensoryLevel": {"right": list(self.sensory_level.right), "left": list(self.sensory_level.left)},
            "motorLevel": {"right": list(self.motor_level.right), "left": list(self.motor_level.left)},
            "neurologicalLevelOfInjury": list(self.neurological_level),
            "injuryComplete": list(self.injury_complete),
            "ais": list(self.ais),
            "zpp": {
                "sensory": {"right": list(self.sensory_zpp.right), "left": list(self.sensory_zpp.left)},
                "motor": {"right": list(self.motor_zpp.right), "left": list(self.motor_zpp.left)},
            },
            "totals": self.totals.to_dict() if self.totals else {},
        }
