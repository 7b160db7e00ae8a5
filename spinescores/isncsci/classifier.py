"""ISNCSCI classification (ASIA/ISCoS International Standards, 8th edition, revised 2019).

The entry point :func:`classify` takes an exam in the interchange format and returns an
:class:`~spinescores.isncsci.result.IsncsciResult`, computed in the order of the reference
checklist (section 14): totals, sensory levels, motor levels, NLI, completeness, AIS, ZPPs.

Conventions adopted (reference section 13; also listed in ``spinescores/gaps/isncsci.md``):

1. Where the reference implementation (praxis-isncsci/algorithm 2.0.6) and a literal reading of
   the booklet differ, the reference behaviour is kept so results stay comparable with the
   acceptance set.
2. The motor level "follows the sensory level": it enters T2-L1 (S2-S3) only when C5-T1 (L2-S1)
   are normal *and* the block dermatomes C5-T2 (L2-S2) are normal; otherwise it stays T1 (S1).
3. VAC is the motor function of S4-5 for the motor level (VAC No gives S3) but not for the NLI,
   which can be INT while both motor levels are S3; such exams get AIS B and ``needs_review``.
4. The non-key muscle enters the motor ZPP only when AIS C (or C*) is among the possible grades.
5. ``*`` flags propagate as in the reference (sections 5-11) and are informational; totals never
   carry one and ignore the tags (2** adds 2).
6. NT is resolved per step, not by enumerating substitutions; the result lists are what the walks
   produce (they equal the enumeration except, rarely, for the motor ZPP; section 13.8).
7. Legacy non-key muscle levels (T5, L1, ...) are refused unless ``legacy_non_key_muscle=True``;
   then the result carries a warning and ``needs_review``.

Ambiguities of the text resolved here: in the NLI walk the sensory star needs *both* sides to
record a starred item; "unless S3 is already recorded" (motor level, VAC No/NT) ignores the star of
the earlier S3; the C1 added at the end of the sensory ZPP scan is never starred.

Examples
--------
>>> from spinescores.isncsci import classify, normal_exam
>>> classify(normal_exam()).ais
('E',)

References
----------
Rupp R et al. International Standards for Neurological Classification of Spinal Cord Injury:
revised 2019. Top Spinal Cord Inj Rehabil 2021;27(2):1-22.
"""

from __future__ import annotations

from itertools import compress
from typing import Any

from spinescores.base import NEEDS_REVIEW, Instrument, Item, Option, Reference, frozen_mapping
from spinescores.isncsci.exam import (
    ANAL_VALUES,
    INT,
    KEY_MUSCLES,
    LEVELS,
    MOTOR_VALUES,
    SENSORY_LEVELS,
    SENSORY_VALUES,
    SIDES,
    Exam,
    parse_exam,
)
from spinescores.isncsci.impairment import ais, completeness
from spinescores.isncsci.levels import (
    Levels,
    SideTables,
    motor_level,
    neurological_level,
    sensory_level,
)
from spinescores.isncsci.result import ND, IsncsciResult, Pair, Totals, totals
from spinescores.isncsci.zpp import NA, motor_zpp, sensory_zpp

VERSION = "isncsci@2019"


def _items() -> tuple[Item, ...]:
    motor = tuple(Option(v) for v in MOTOR_VALUES)
    sensory = tuple(Option(v) for v in SENSORY_VALUES)
    anal = tuple(Option(v) for v in ANAL_VALUES)
    items: list[Item] = []
    for side in SIDES:
        items += [Item(f"{side}.motor.{lv}", f"{side} motor {lv}", options=motor) for lv in KEY_MUSCLES]
        for key, topic in (("lightTouch", "light touch"), ("pinPrick", "pin prick")):
            items += [Item(f"{side}.{key}.{lv}", f"{side} {topic} {lv}", options=sensory)
                      for lv in SENSORY_LEVELS]
        items.append(Item(f"{side}.lowestNonKeyMuscleWithMotorFunction",
                          f"{side} lowest non-key muscle with motor function",
                          options=tuple(Option(v) for v in KEY_MUSCLES), required=False))
    items += [Item("vac", "voluntary anal contraction", options=anal),
              Item("dap", "deep anal pressure", options=anal)]
    return tuple(items)


INSTRUMENT = Instrument(
    code="isncsci",
    name="International Standards for Neurological Classification of Spinal Cord Injury",
    version=VERSION,
    kind="classification",
    items=_items(),
    references=(
        Reference("Rupp R", 2021, "Top Spinal Cord Inj Rehabil",
                  "International Standards for Neurological Classification of Spinal Cord Injury: "
                  "revised 2019", "10.46292/sci2702-1"),
        Reference("Schuld C", 2012, "J Neurotrauma",
                  "Computer implementation of the ISNCSCI: consistent classification with "
                  "not testable values"),
    ),
    notes="Levels, NLI, completeness, AIS and ZPPs as lists of possible values (NT and * aware).",
)

_NAMES = {
    (i, star): name + ("*" if star else "")
    for i, name in [*enumerate(LEVELS[:INT] + ("INT",)), (NA, "NA")]
    for star in (False, True)
}


_EMPTY = frozen_mapping()


def _pair(values: tuple[tuple[str, ...], tuple[str, ...]]) -> Pair:
    """Return a :class:`Pair` (right, left) without the Python-level NamedTuple constructor."""
    return tuple.__new__(Pair, values)


def _names(levels: Levels) -> tuple[str, ...]:
    return tuple(map(_NAMES.__getitem__, levels))


def classify(inputs: Any, *, legacy_non_key_muscle: bool = False) -> IsncsciResult:
    """Classify one ISNCSCI exam given in the interchange format.

    Parameters
    ----------
    inputs : mapping
        ``{"right": {...}, "left": {...}, "vac": ..., "dap": ...}`` as in reference section 2.5,
        every value a string of section 2.3 (``NT``, ``*`` and ``**`` included). There is no
        missing-item rule: every cell must be present, and a cell that could not be tested is
        recorded as NT (listed in ``missing_items`` and expanded into possible values).
    legacy_non_key_muscle : bool
        Accept a lowest non-key muscle at a level no 2019 non-key muscle maps to (replaying old
        records); the result then carries a warning.

    Returns
    -------
    IsncsciResult
        Frozen; ``to_dict()`` gives the interchange result format.

    Raises
    ------
    ScoreInputError
        naming the side, level and value of a missing or invalid score.
    """
    return classify_exam(parse_exam(inputs, legacy_non_key_muscle=legacy_non_key_muscle))


def classify_exam(exam: Exam) -> IsncsciResult:
    """Classify an already validated :class:`~spinescores.isncsci.exam.Exam`."""
    right, left = SideTables(exam.right), SideTables(exam.left)
    motor = (motor_level(right, exam.vac), motor_level(left, exam.vac))
    nli = neurological_level(right, left)
    complete = completeness(exam)
    grades = ais(exam, complete, motor, nli, lambda: _stripped_nli(exam))
    c_possible = "C" in grades or "C*" in grades
    grades_t = tuple(grades)
    nli_names = _names(nli)
    flags = _flags(exam, nli_names, motor, grades_t, complete)
    summary = totals(exam)
    return IsncsciResult.build(
        code="isncsci",
        version=VERSION,
        value=None,
        category=",".join(grades_t),
        interpretation=None,
        flags=flags,
        sensory_level=_pair((_names(sensory_level(right)), _names(sensory_level(left)))),
        motor_level=_pair((_names(motor[0]), _names(motor[1]))),
        neurological_level=nli_names,
        injury_complete=tuple(complete),
        ais=grades_t,
        sensory_zpp=_pair((_names(sensory_zpp(exam.right, exam.dap)),
                           _names(sensory_zpp(exam.left, exam.dap)))),
        motor_zpp=_pair((_names(motor_zpp(exam.right, exam.vac, motor[0], c_possible)),
                         _names(motor_zpp(exam.left, exam.vac, motor[1], c_possible)))),
        totals=summary,
        missing_items=_not_testable(exam, summary),
        warnings=exam.warnings,
        subscores=_EMPTY,
        details=_EMPTY,
    )


_NOT_TESTABLE = frozenset(("NT", "NT*", "NT**"))
_ITEM_IDS = {
    (side, key): tuple(f"{side}.{key}.{level}" for level in levels)
    for side in SIDES
    for key, levels in (("motor", KEY_MUSCLES), ("lightTouch", SENSORY_LEVELS), ("pinPrick", SENSORY_LEVELS))
}


def _not_testable(exam: Exam, summary: Totals) -> tuple[str, ...]:
    """Return the item ids (``right.motor.C5``, ``vac``) of every NT, NT* or NT** value.

    ISNCSCI has no missing-item rule: every cell must be present, and NT is how a cell that could
    not be tested is recorded. A side total is ND exactly when a summed cell is NT, so sides
    without an ND total are skipped.
    """
    found: list[str] = []
    for name, side, side_totals in (("right", exam.right, summary.right), ("left", exam.left, summary.left)):
        if ND not in side_totals:
            continue
        for key, total, values in (
            ("motor", side_totals.motor, side.motor),
            ("lightTouch", side_totals.light_touch, side.light_touch[1:]),
            ("pinPrick", side_totals.pin_prick, side.pin_prick[1:]),
        ):
            if total == ND:
                found += compress(_ITEM_IDS[name, key], map(_NOT_TESTABLE.__contains__, values))
    found += [key for key, value in (("vac", exam.vac), ("dap", exam.dap)) if value == "NT"]
    return tuple(found)


def _stripped_nli(exam: Exam) -> Levels:
    """Return the NLI of the exam with every ``*`` removed (used only for tagged exams)."""
    stripped = exam.stripped()
    return neurological_level(SideTables(stripped.right), SideTables(stripped.left))


def _flags(exam: Exam, nli: tuple[str, ...], motor: tuple[Levels, Levels], grades: tuple[str, ...],
           complete: list[str]) -> tuple[str, ...]:
    """Return ``(needs_review,)`` for non-unique results, legacy input or the VAC/NLI convention."""
    intact_nli_without_vac = "INT" in nli and exam.vac != "Yes" and any(
        level == 27 for side in motor for level, _ in side
    )
    ambiguous = len(grades) > 1 or len(nli) > 1 or len(complete) > 1
    if ambiguous or exam.warnings or intact_nli_without_vac:
        return (NEEDS_REVIEW,)
    return ()
