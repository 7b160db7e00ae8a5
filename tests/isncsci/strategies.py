"""Hypothesis strategies for ISNCSCI exams in the interchange format.

Exams are drawn around a lesion level per side (normal above, random at and below) so that the
walks reach every region; cells can then be overwritten with NT or tagged values.
"""

from __future__ import annotations

from hypothesis import strategies as st

from spinescores.isncsci.exam import KEY_MUSCLES, MOTOR_VALUES, SENSORY_LEVELS, SENSORY_VALUES

PLAIN_MOTOR = ("0", "1", "2", "3", "4", "5")
PLAIN_SENSORY = ("0", "1", "2")
SEGMENT = {level: i for i, level in enumerate(("C1", *SENSORY_LEVELS))}


@st.composite
def sides(draw, motor_values, sensory_values, normal_weight=3):
    """Draw one side: normal above a lesion segment, drawn values at and below it."""
    lesion = draw(st.integers(1, 29))
    motor_choice = st.sampled_from(("5",) * normal_weight + motor_values)
    sensory_choice = st.sampled_from(("2",) * normal_weight + sensory_values)
    side = {"motor": {}, "lightTouch": {}, "pinPrick": {}}
    for level in KEY_MUSCLES:
        side["motor"][level] = "5" if SEGMENT[level] < lesion else draw(motor_choice)
    for key in ("lightTouch", "pinPrick"):
        for level in SENSORY_LEVELS:
            side[key][level] = "2" if SEGMENT[level] < lesion else draw(sensory_choice)
    side["lowestNonKeyMuscleWithMotorFunction"] = draw(st.one_of(st.none(), st.sampled_from(KEY_MUSCLES)))
    return side


def exams(motor_values=MOTOR_VALUES, sensory_values=SENSORY_VALUES, anal_values=("Yes", "No", "NT")):
    """Return a strategy of exams whose cells come from the given value sets."""
    anal = st.sampled_from(anal_values)
    return st.fixed_dictionaries({
        "right": sides(tuple(motor_values), tuple(sensory_values)),
        "left": sides(tuple(motor_values), tuple(sensory_values)),
        "vac": anal,
        "dap": anal,
    })


def plain_exams():
    """Exams without NT and without any ``*`` tag."""
    return exams(PLAIN_MOTOR, PLAIN_SENSORY, ("Yes", "No"))


@st.composite
def exams_with_nt(draw, max_cells=3):
    """Star-free exams with 1-3 NT cells (VAC and DAP included); return (exam, NT cell paths)."""
    exam = draw(plain_exams())
    cells = [(side, key, level) for side in ("right", "left")
             for key, levels in (("motor", KEY_MUSCLES), ("lightTouch", SENSORY_LEVELS),
                                 ("pinPrick", SENSORY_LEVELS))
             for level in levels] + [("vac",), ("dap",)]
    chosen = draw(st.lists(st.sampled_from(cells), min_size=1, max_size=max_cells, unique=True))
    for path in chosen:
        set_cell(exam, path, "NT")
    return exam, chosen


def set_cell(exam, path, value):
    if len(path) == 1:
        exam[path[0]] = value
    else:
        side, key, level = path
        exam[side][key][level] = value


def concrete_values(path):
    """Return the concrete values an NT cell at ``path`` can stand for."""
    if len(path) == 1:
        return ("Yes", "No")
    return PLAIN_MOTOR if path[1] == "motor" else PLAIN_SENSORY
