"""Completeness and the ASIA Impairment Scale with NT and ``*`` (reference sections 8-10).

Results are lists of strings in the order A..E (AIS) or C, I (completeness), each item carrying a
trailing ``*`` when it was reached only through a non-SCI instruction.
"""

from __future__ import annotations

from collections.abc import Callable

from spinescores.isncsci.exam import INT, KEY_MUSCLE_INDEX, Exam, Side
from spinescores.isncsci.levels import Levels

_ALL_ZERO = ("0", "0", "0", "0")
_ZERO_TAGGED = frozenset(("0", "0*", "0**"))
_ZERO_TAGS = frozenset(("0*", "0**"))
_ZERO_OR_ZERO_STAR = frozenset(("0", "0*"))
_ZERO_OR_ZERO_NORMAL = frozenset(("0", "0**"))
_CAN_BE_ABSENT = frozenset(("0", "NT", "0*", "NT*"))
_NO_FUNCTION_POSSIBLE = frozenset(("0", "0*", "NT", "NT*"))
_CAN_BE_BELOW_3 = frozenset(("0", "1", "2", "NT", "NT*", "0*", "1*", "2*"))
_STAR_BELOW_3 = frozenset(("0*", "1*", "2*"))
_BELOW_3 = frozenset(("0", "1", "2"))
_TAGGED_BELOW_3 = frozenset(("0*", "1*", "2*", "0**", "1**", "2**"))


def first_key_at_or_below(i: int) -> int:
    """Return the key-muscle number FK(i) of section 1, or 10 (past S1) when there is none."""
    if i <= 4:
        return 0
    if i <= 8:
        return i - 4
    if i <= 21:
        return 5
    if i <= 25:
        return i - 16
    return 10


#: First key-muscle number "more than three levels below" each motor level index (section 9).
_FAR_BELOW = tuple(first_key_at_or_below(i + 4) for i in range(INT + 1))


def _below_non_key(side: Side, start: int) -> bool:
    """Return True if the side's non-key muscle is not at a key-muscle level from ``start`` on."""
    nkm = side.non_key_muscle
    return nkm is None or nkm not in KEY_MUSCLE_INDEX[start:]


def sacral_scores(exam: Exam) -> tuple[str, str, str, str]:
    """Return the four S4_5 scores: right LT, right PP, left LT, left PP."""
    r, lf = exam.right, exam.left
    return (r.light_touch[28], r.pin_prick[28], lf.light_touch[28], lf.pin_prick[28])


def completeness(exam: Exam) -> list[str]:
    """Return the completeness list of section 8 (sacral sparing)."""
    scores = sacral_scores(exam)
    if exam.vac == "No" and exam.dap == "No":
        if scores == _ALL_ZERO:
            return ["C"]
        if _ZERO_OR_ZERO_STAR.issuperset(scores):
            return ["C*", "I*"]
        if _ZERO_OR_ZERO_NORMAL.issuperset(scores):
            return ["I*"]
    if exam.vac != "Yes" and exam.dap != "Yes" and _CAN_BE_ABSENT.issuperset(scores):
        return ["C", "I"]
    return ["I"]


def ais(exam: Exam, complete: list[str], motor_levels: tuple[Levels, Levels], nli: Levels,
        stripped_nli: Callable[[], Levels]) -> list[str]:
    """Return the AIS list of section 10.

    Motor incompleteness holds with VAC Yes or NT regardless of sensory sparing; with VAC No it
    needs sparing and motor function more than three levels below a motor-level candidate (a key
    muscle not exactly 0, or the lowest non-key muscle at such a level). C is starred when the
    count is decided by ``*`` tags, when a 0** met in the MI scan decided it, or when the exam with
    every tag removed (and its own NLI) would not allow C.

    ``stripped_nli`` returns the NLI of the exam with every ``*`` removed; it is called only when
    the C test needs it (the ``C*`` rule), so exams without tags never pay for a second walk.
    """
    if exam.vac == "Yes" and len(nli) == 1 and nli[0][0] == INT:
        return ["E*" if nli[0][1] else "E"]
    scores = sacral_scores(exam)
    sparing = exam.dap != "No" or scores != _ALL_ZERO
    sparing_flagged = exam.dap == "No" and sparing and _ZERO_TAGGED.issuperset(scores)
    found: list[str] = []
    if "C" in complete or "C*" in complete:
        found.append("A*" if any(c.endswith("*") for c in complete) else "A")
    if sparing and exam.vac != "Yes":
        b = _grade_b(exam, motor_levels, sparing_flagged)
        if b:
            found.append(b)
    motor_incomplete, mi_flagged = _motor_incomplete(exam, motor_levels, sparing)
    if motor_incomplete:
        sides = (exam.right.motor, exam.left.motor)
        # without tags the untagged copy is the exam itself, so its C test cannot fail
        stripped_test = (lambda: _c_test(stripped_nli(), _strip_motor(sides))) if exam.has_star else _passes
        c = _grade_c(nli, sides, mi_flagged, stripped_test)
        if c:
            found.append(c)
        d = _grade_d(nli, sides, mi_flagged)
        if d:
            found.append(d)
    last, starred = nli[-1]  # INT can only be the last NLI candidate
    if exam.vac != "No" and last == INT:
        found.append("E*" if starred else "E")
    return found


def _grade_b(exam: Exam, motor_levels: tuple[Levels, Levels], sparing_flagged: bool) -> str:
    flagged = False
    for side, levels in zip((exam.right, exam.left), motor_levels, strict=True):
        holds, side_flag = _no_function_far_below(side, levels)
        if not holds:
            return ""
        flagged = flagged or side_flag
    return "B*" if sparing_flagged or (exam.vac == "No" and flagged) else "B"


def _no_function_far_below(side: Side, levels: Levels) -> tuple[bool, bool]:
    """Return (some motor-level candidate has no function > 3 levels below, flag) of section 10 B."""
    flagged = False
    for level, _ in levels:
        start = _FAR_BELOW[level]
        scan = side.motor[start:]
        if _NO_FUNCTION_POSSIBLE.issuperset(scan) and _below_non_key(side, start):
            # the whole scan passes (the usual case): only 0* can flag it, 0** would have failed
            return True, flagged or "0*" in scan
        # the candidate fails; its flags count up to and including the muscle that breaks the scan
        stop = next(k for k in range(start, 10) if side.motor[k] not in _NO_FUNCTION_POSSIBLE
                    or KEY_MUSCLE_INDEX[k] == side.non_key_muscle)
        flagged = flagged or not _ZERO_TAGS.isdisjoint(side.motor[start : stop + 1])
    return False, flagged


def _motor_incomplete(exam: Exam, motor_levels: tuple[Levels, Levels], sparing: bool) -> tuple[bool, bool]:
    """Return (MI, MIF) of section 10."""
    if exam.vac != "No":
        return True, False
    if not sparing:
        return False, False
    holds = flagged = False
    for side, levels in zip((exam.right, exam.left), motor_levels, strict=True):
        side_holds, side_flag = _function_far_below(side, levels)
        holds = holds or side_holds
        flagged = flagged or side_flag
    return holds, flagged


def _function_far_below(side: Side, levels: Levels) -> tuple[bool, bool]:
    """Return (some candidate has motor function > 3 levels below, flag 0**) of section 10 MI."""
    for level, _ in levels:
        start = _FAR_BELOW[level]
        scan = side.motor[start:]
        if scan.count("0") == len(scan) and _below_non_key(side, start):
            continue  # nothing but 0 and no non-key muscle in range: no function, no flag
        # earlier muscles are all exactly 0, so only the muscle that ends the search can be 0**
        first = next(k for k in range(start, 10) if side.motor[k] != "0"
                     or KEY_MUSCLE_INDEX[k] == side.non_key_muscle)
        return True, side.motor[first] == "0**"
    return False, False


def _below(n: int) -> tuple[int, int]:
    """Return the first key-muscle number below NLI index n and H, the number of levels below."""
    start = first_key_at_or_below(n + 1)
    return start, 10 - start


def _c_test(nli: Levels, sides: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
    """Return "C", "C*" or "" for the first NLI candidate that allows C (counting of section 10)."""
    for level, _ in nli:
        start, half = _below(level)
        below = sides[0][start:] + sides[1][start:]
        c = sum(map(_CAN_BE_BELOW_3.__contains__, below))
        x = sum(map(_STAR_BELOW_3.__contains__, below))
        if c - x > half:
            return "C"
        if c > half:
            return "C*"
    return ""


def _passes() -> str:
    return "C"


def _grade_c(nli: Levels, sides: tuple[tuple[str, ...], tuple[str, ...]], mi_flagged: bool,
             stripped_test: Callable[[], str]) -> str:
    result = _c_test(nli, sides)
    if not result:
        return ""
    if result == "C*" or mi_flagged or not stripped_test():
        return "C*"
    return "C"


def _grade_d(nli: Levels, sides: tuple[tuple[str, ...], tuple[str, ...]], mi_flagged: bool) -> str:
    result = ""
    for level, _ in nli:
        if level == INT:
            break
        start, half = _below(level)
        if half == 0:
            result = "D"
            break
        below = sides[0][start:] + sides[1][start:]
        c = len(below) - sum(map(_BELOW_3.__contains__, below))
        x = sum(map(_TAGGED_BELOW_3.__contains__, below))
        if c - x >= half:
            result = "D"
            break
        if c >= half:
            result = "D*"
    if result and mi_flagged:
        return "D*"
    return result


def _strip_motor(sides: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    right, left = sides
    return tuple(v.rstrip("*") for v in right), tuple(v.rstrip("*") for v in left)
