"""Sensory levels, motor levels and the neurological level of injury (reference sections 5-7).

Each walk returns a list of ``(segment index, starred)`` pairs, index :data:`~.exam.INT` meaning
``INT``. The walks follow the reference step tables literally; the tables are precomputed once per
value pair, so a walk is a few dictionary look-ups per segment.

Every step is a 4-tuple ``(record, stop, star, set_flag)``: record the position, stop the walk,
star the recorded item regardless of the running flag F, set F afterwards. A recorded item is
starred if ``star`` or F (the value of F *before* the step); F becomes ``F or set_flag``.
"""

from __future__ import annotations

from spinescores.isncsci.exam import (
    CERTAINLY_3_PLUS,
    CERTAINLY_NORMAL,
    INT,
    M012,
    M5,
    M34,
    MNH,
    MNL,
    MNT,
    MOTOR_CLASS,
    MX,
    POSSIBLY_BELOW_3,
    POSSIBLY_NORMAL,
    SENSORY_VALUES,
    Side,
)

Step = tuple[bool, bool, bool, bool]
Levels = list[tuple[int, bool]]

_SABN = frozenset(("0", "1", "0*", "1*"))


def _sensory_row(lt: str, pp: str) -> Step:
    """Return the step of the section-5 row table for one dermatome (rows S-1 .. S-5)."""
    if lt == "2" and pp == "2":
        return (False, False, False, False)  # S-1
    if lt in _SABN or pp in _SABN:
        return (True, True, False, False)  # S-2
    if "NT*" in (lt, pp):
        return (True, True, True, True)  # S-3
    if lt == "NT" or pp == "NT":
        other = pp if lt == "NT" else lt
        return (True, False, False, other in ("0**", "1**"))  # S-4
    return (False, False, False, True)  # S-5


SENSORY_ROW = {lt: {pp: _sensory_row(lt, pp) for pp in SENSORY_VALUES} for lt in SENSORY_VALUES}
_ALL_ROWS = [row for by_pp in SENSORY_ROW.values() for row in by_pp.values()]


def _step_before_block(w: int) -> Step:
    """Return step (b) of section 6: the position above C5 or L2, w the class of that muscle."""
    return (w in POSSIBLY_BELOW_3, w == M012, False, w == MNL)


def _step_in_block(v: int, w: int) -> Step:
    """Return step (c) of section 6: v the class at the position, w the class of the next muscle."""
    carry_on = v in POSSIBLY_NORMAL and w != M012
    record = not (v in CERTAINLY_NORMAL and w in CERTAINLY_3_PLUS)
    star = v == MX or (v == MNL and w in (MX, MNT))
    if v == M5:
        set_flag = w == MNL
    elif v in (MNL, MNH):
        set_flag = w != M012
    else:
        set_flag = v == MX
    return (record, not carry_on, star, set_flag)


def _step_block_end(v: int, carry: bool, records: bool, flags: bool) -> Step:
    """Return step (d) of section 6 for T1 or S1, given the block summary (BC, BR, BF)."""
    carry_on = v in POSSIBLY_NORMAL and carry
    record = v == MNT or not (v in CERTAINLY_NORMAL and carry and not records)
    star = v == MX or (v == MNL and (records or not carry))
    set_flag = (
        v in (MX, MNL)
        or (v == MNH and carry)
        or (v in (M5, MNT) and carry and flags and not records)
    )
    return (record, not carry_on, star, set_flag)


_CLASSES = (M5, M34, M012, MX, MNT, MNL, MNH)
STEP_B = {w: _step_before_block(w) for w in _CLASSES}
STEP_C = {v: {w: _step_in_block(v, w) for w in _CLASSES} for v in _CLASSES}
_STEP_BY_PAIR = {**STEP_C, None: STEP_B}  # first class None marks step (b), which needs only w
_get = dict.__getitem__
STEP_D = {
    (v, c, r, f): _step_block_end(v, c, r, f)
    for v in _CLASSES for c in (False, True) for r in (False, True) for f in (False, True)
}  # fmt: skip

# Position kinds of the motor walk (section 6): sensory, before a block, inside, block end.
SENSORY, BEFORE, INSIDE, BLOCK_END = range(4)
_KIND = (
    [SENSORY] * 3 + [BEFORE] + [INSIDE] * 4 + [BLOCK_END]  # C1-C3, C4, C5-C8, T1
    + [SENSORY] * 11 + [BEFORE] + [INSIDE] * 4 + [BLOCK_END]  # T2-T12, L1, L2-L5, S1
    + [SENSORY] * 2  # S2, S3
)  # fmt: skip
#: Key-muscle number used at each motor position: the next muscle (before), the muscle itself.
_MUSCLE = (None,) * 3 + (0, 0, 1, 2, 3, 4) + (None,) * 11 + (5, 5, 6, 7, 8, 9) + (None,) * 2
# The distinct sensory steps by what they do, for the block summaries of step (d).
_STOP_ROWS = frozenset(row for row in _ALL_ROWS if row[1])
_RECORD_ROWS = frozenset(row for row in _ALL_ROWS if row[0])
_FLAG_ROWS = frozenset(row for row in _ALL_ROWS if row[3])
#: Index into ``SideTables.nli_steps`` of each motor position (C4-T1 -> 0-5, L1-S1 -> 6-11).
_MOTOR_SLOT = {p: i for i, p in enumerate((3, 4, 5, 6, 7, 8, 20, 21, 22, 23, 24, 25))}


class SideTables:
    """Per-side look-ups shared by every walk: the sensory row of each dermatome, the motor classes."""

    __slots__ = ("rows", "classes", "nli_steps")

    def __init__(self, side: Side):
        # two-level look-up mapped in C: SENSORY_ROW[lt][pp] for every dermatome, no key tuples
        self.rows = list(map(_get, map(SENSORY_ROW.__getitem__, side.light_touch), side.pin_prick))
        c = self.classes = list(map(MOTOR_CLASS.__getitem__, side.motor))
        # the motor steps of the NLI walk (section 7) by position: T1 and S1 use step (c) with w = v
        # slots C4 C5 C6 C7 C8 T1 L1 L2 L3 L4 L5 S1; a None first class marks step (b)
        firsts = [None, *c[:5], None, *c[5:]]
        seconds = c[:5] + c[4:5] + c[5:] + c[9:]
        self.nli_steps = tuple(map(_get, map(_STEP_BY_PAIR.__getitem__, firsts), seconds))

    def block(self, position: int) -> tuple[bool, bool, bool]:
        """Return (BC, BR, BF) of the block ending at T1 or S1, each row run with a fresh flag."""
        first = position - 4  # C5 for T1, L2 for S1: six dermatomes down to T2 or S2
        kinds = set(self.rows[first : first + 6])
        return (_STOP_ROWS.isdisjoint(kinds), not _RECORD_ROWS.isdisjoint(kinds),
                not _FLAG_ROWS.isdisjoint(kinds))


def sensory_level(tables: SideTables) -> Levels:
    """Return the sensory level candidates of one side (section 5)."""
    found: Levels = []
    flag = False
    rows = tables.rows
    for d in range(1, 29):
        record, stop, star, set_flag = rows[d]
        if record:
            found.append((d - 1, star or flag))
            if stop:
                return found
        flag = flag or set_flag
    found.append((INT, flag))
    return found


def motor_level(tables: SideTables, vac: str) -> Levels:
    """Return the motor level candidates of one side (section 6), VAC deciding S3 versus INT.

    Conventions (reference 13.4, 13.5): the level enters T2-L1 or S2-S3 only when the whole block
    C5-T2 or L2-S2 is normal in sensation too ("motor level follows the sensory level"); VAC No
    ends an otherwise normal side at S3, VAC NT leaves S3 and INT open.
    """
    found: Levels = []
    flag = False
    rows, classes, steps = tables.rows, tables.classes, tables.nli_steps
    for p in range(28):
        kind = _KIND[p]
        if kind == SENSORY:
            record, stop, star, set_flag = rows[p + 1]
        elif kind == BLOCK_END:
            carry, records, flags = tables.block(p)
            record, stop, star, set_flag = STEP_D[(classes[_MUSCLE[p]], carry, records, flags)]
        else:  # before a block or inside it: the same step as in the NLI walk
            record, stop, star, set_flag = steps[_MOTOR_SLOT[p]]
        if record:
            found.append((p, star or flag))
        if stop:
            return found
        flag = flag or set_flag
    if not any(level == 27 for level, _ in found):
        if vac != "Yes":
            found.append((27, flag))
    if vac != "No":
        found.append((INT, flag))
    return found


def neurological_level(right: SideTables, left: SideTables) -> Levels:
    """Return the NLI candidates from the joint walk of both sides (section 7).

    VAC is not used (reference 13.5), so the NLI can be INT while both motor levels are S3. A
    sensory-only position is starred when both sides record a starred item or the flag is set;
    a motor position when both motor steps record and one is starred, or the flag is set.
    """
    found: Levels = []
    flag = False
    rrows, lrows = right.rows, left.rows
    for p in range(28):
        r_rec, r_stop, r_star, r_set = rrows[p + 1]
        l_rec, l_stop, l_star, l_set = lrows[p + 1]
        sensory_record = r_rec or l_rec
        sensory_stop = r_stop or l_stop
        sensory_flag = flag or r_set or l_set
        if _KIND[p] == SENSORY:
            if sensory_record:
                both_starred = r_rec and l_rec and (r_star or flag) and (l_star or flag)
                found.append((p, both_starred or flag))
            if sensory_stop:
                return found
            flag = sensory_flag
            continue
        slot = _MOTOR_SLOT[p]
        rm_rec, rm_stop, rm_star, rm_set = right.nli_steps[slot]
        lm_rec, lm_stop, lm_star, lm_set = left.nli_steps[slot]
        if rm_rec or lm_rec or sensory_record:
            motor_starred = rm_rec and lm_rec and (rm_star or lm_star or flag)
            found.append((p, motor_starred or flag))
        if sensory_stop or rm_stop or lm_stop:
            return found
        flag = sensory_flag or (flag or rm_set) or (flag or lm_set)
    found.append((INT, flag))
    return found


__all__ = [
    "SideTables",
    "motor_level",
    "neurological_level",
    "sensory_level",
]
