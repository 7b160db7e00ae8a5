"""The frozen ISNCSCI result and the summary scores (reference sections 3, 4 and 2.5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from spinescores.base import Result
from spinescores.isncsci.exam import Exam, Side

#: A total that cannot be computed because a summed cell is NT, NT* or NT**.
ND = "ND"
Total = int | str


class Pair(NamedTuple):
    """A per-side value: ``right`` and ``left``."""

    right: Any
    left: Any


@dataclass(frozen=True, slots=True)
class SideTotals:
    """Summary scores of one side: UEMS, LEMS, motor, light touch, pin prick (int or ``"ND"``)."""

    uems: Total
    lems: Total
    motor: Total
    light_touch: Total
    pin_prick: Total

    def to_dict(self) -> dict[str, Total]:
        return {"uems": self.uems, "lems": self.lems, "motor": self.motor,
                "lightTouch": self.light_touch, "pinPrick": self.pin_prick}


@dataclass(frozen=True, slots=True)
class Totals:
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


def _sum(values: tuple[str, ...]) -> Total:
    total = 0
    for value in values:
        if value[0] == "N":
            return ND
        total += int(value[0])
    return total


def _add(a: Total, b: Total) -> Total:
    return ND if a == ND or b == ND else a + b  # type: ignore[operator]


def _side_totals(side: Side) -> SideTotals:
    uems, lems = _sum(side.motor[:5]), _sum(side.motor[5:])
    return SideTotals(uems, lems, _add(uems, lems), _sum(side.light_touch[1:]), _sum(side.pin_prick[1:]))


def totals(exam: Exam) -> Totals:
    """Return the summary scores of an exam (section 4)."""
    r, lf = _side_totals(exam.right), _side_totals(exam.left)
    return Totals(r, lf, _add(r.uems, lf.uems), _add(r.lems, lf.lems),
                  _add(r.light_touch, lf.light_touch), _add(r.pin_prick, lf.pin_prick))


Items = tuple[str, ...]


@dataclass(frozen=True)
class IsncsciResult(Result):
    """The classification of one exam; every classification is a tuple of possible values.

    Fields: ``sensory_level``, ``motor_level``, ``sensory_zpp`` and ``motor_zpp`` are :class:`Pair`
    (``right``, ``left``) of tuples; ``neurological_level``, ``injury_complete`` and ``ais`` are
    tuples; ``totals`` is :class:`Totals`. Items are level names ``C1``..``S3``, ``INT``, ``NA``,
    AIS letters or ``C``/``I``, with a trailing ``*`` when reached only through a non-SCI tag.
    ``category`` holds the AIS list joined by commas and ``flags`` ``needs_review`` when the
    classification is not unique or relies on a convention of section 13 (items 3 and 5).
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
