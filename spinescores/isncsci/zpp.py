"""Zones of partial preservation per side, 2019 applicability (reference section 11).

Each function returns a list of ``(segment index, starred)`` pairs; index ``-1`` stands for ``NA``.
Lists are returned in the reference order (``NA`` first, then rostral to caudal), although the
scans run upwards from the sacrum.
"""

from __future__ import annotations

from spinescores.isncsci.exam import INT, KEY_MUSCLE_INDEX, KEY_OF_SEGMENT, MOTOR_VALUES, Side
from spinescores.isncsci.levels import Levels

NA = -1
_CAN_BE_ABSENT = frozenset(("0", "NT", "0*", "NT*"))
_UNKNOWN = frozenset(("NT", "NT*"))
_TAGGED_ABNORMAL = frozenset(("0*", "1*", "0**", "1**"))


def sensory_zpp(side: Side, dap: str) -> Levels:
    """Return the sensory ZPP of one side (section 11.1).

    Applicable (2019) when DAP is not Yes and the side's S4_5 LT and PP can both be absent; NA is
    a possibility when DAP is NT or an S4_5 score is not exactly 0. The C1 added when the scan
    passes C2 is never starred (our reading).
    """
    lt, pp = side.light_touch, side.pin_prick
    if dap == "Yes" or lt[28] not in _CAN_BE_ABSENT or pp[28] not in _CAN_BE_ABSENT:
        return [(NA, False)]
    found: Levels = []
    if dap == "NT" or lt[28] != "0" or pp[28] != "0":
        found.append((NA, False))
    flag = False
    for d in range(27, 0, -1):
        a, b = lt[d], pp[d]
        if a == "0" and b == "0":
            continue
        if a not in _CAN_BE_ABSENT or b not in _CAN_BE_ABSENT:
            found.append((d, flag))
            return sorted(found)
        if a in _UNKNOWN or b in _UNKNOWN:
            found.append((d, flag))
        else:  # a 0* is involved
            found.append((d, True))
            flag = True
    found.append((0, False))
    return sorted(found)


def _has_function(grade: str) -> bool:
    return grade[0] in "12345" or grade in ("0**", "NT**")


#: (add, stop) of a key-muscle level in the motor ZPP scan, by grade (section 11.2 step 4).
_KEY_LEVEL_STEP = {
    grade: (_has_function(grade) or grade in ("NT", "NT*", "0*"), _has_function(grade))
    for grade in MOTOR_VALUES
}
_KEY_LEVELS_CAUDAL_FIRST = tuple(sorted(KEY_MUSCLE_INDEX, reverse=True))


def motor_zpp(side: Side, vac: str, motor_levels: Levels, c_possible: bool) -> Levels:
    """Return the motor ZPP of one side (section 11.2); ``c_possible`` is "AIS C or C* possible".

    Conventions (reference 13.6, 13.8): the lowest non-key muscle replaces levels more than three
    segments above it only when AIS C is among the possible grades, even for NT substitutions
    whose own grade would not be C; the ZPP never goes below S1 unless the motor level does.
    """
    if vac == "Yes":
        return [(NA, False)]
    found: Levels = [(NA, False)] if vac == "NT" else []
    candidates = {min(level, 27) for level, _ in motor_levels}
    top = min(motor_levels[0][0], 27)
    last = motor_levels[-1][0]  # the list runs rostral to caudal, so S2, S3 or INT would be last
    bottom = min(last, 27) if last >= 26 else 25
    nkm = side.non_key_muscle if c_possible else None
    use_nkm = False
    added: list[int] = []
    # only key-muscle levels and motor-level candidates can add anything: visit just those
    visits = [p for p in _KEY_LEVELS_CAUDAL_FIRST if top <= p <= bottom]
    visits += [p for p in candidates if top <= p <= bottom and KEY_OF_SEGMENT[p] is None]
    visits.sort(reverse=True)
    motor = side.motor
    for p in visits:
        k = KEY_OF_SEGMENT[p]
        if k is None:
            add, stop = True, False
        else:
            add, stop = _KEY_LEVEL_STEP[motor[k]]
        if add:
            if nkm is not None and nkm - p > 3:
                use_nkm = True
            else:
                added.append(p)
        if stop:
            break
    if added:
        stars = _star_rule(side, top, bottom)
        found.extend((p, stars(p)) for p in added)
    if use_nkm and nkm not in added:
        found.append((nkm, False))
    return sorted(found)


def _never(p: int) -> bool:
    return False


def _star_rule(side: Side, top: int, bottom: int):
    """Return the predicate "starred" for levels added to the motor ZPP (section 11.2 step 6)."""
    lt, pp, motor = side.light_touch, side.pin_prick, side.motor
    first_star = None
    if not side.tagged:
        return _never
    for q in range(1, bottom + 1):
        k = KEY_OF_SEGMENT[q]
        if "*" in lt[q] or "*" in pp[q] or (k is not None and "*" in motor[k]):
            first_star = q
            break
    if first_star is None:
        return _never
    run_end = _normal_run_end(side, top, bottom)

    def starred(p: int) -> bool:
        k = KEY_OF_SEGMENT[p]
        if k is not None:
            return motor[k] in ("0*", "0**")
        return lt[p] in _TAGGED_ABNORMAL or pp[p] in _TAGGED_ABNORMAL or first_star <= p <= run_end

    return starred


def _is_normal(value: str, normal: str) -> bool:
    return value == normal or value.endswith("**")


def _normal_run_end(side: Side, top: int, bottom: int) -> int:
    """Return the last level of the run of fully normal levels starting at top (bottom if none)."""
    end = None
    for q in range(top, min(bottom, INT - 1) + 1):
        k = KEY_OF_SEGMENT[q]
        normal = _is_normal(side.light_touch[q], "2") and _is_normal(side.pin_prick[q], "2")
        if k is not None:
            normal = normal and _is_normal(side.motor[k], "5")
        if not normal:
            break
        end = q
    return bottom if end is None else end
