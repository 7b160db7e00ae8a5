"""'More than three levels below the motor level' and 'key muscles below the NLI', table by table.

Source: /work/shared/reference/isncsci.md, section 1 (segments, key muscles K, the FK helper),
section 9 (the table "first key muscle more than three below" each motor level m, and H, the number
of key-muscle levels below the NLI n) and section 10 (B, MI, C and D). Every expected row is typed
in from the reference; nothing here is read from the classifier's own tables.

The exams are built so that one cell decides: motor level m on both sides, sacral sensory sparing
(right S4_5 light touch 1) so that B or C is possible, VAC No and DAP No, and one muscle with
function (grade 1, which can never move the motor level) or a lowest non-key muscle.
"""

from __future__ import annotations

import pytest

from tests.isncsci.builders import make_exam, non_key, out

#: Section 2.5 / section 1: the 28 sensory key points C2..S4_5 and the 10 key muscles K, literally.
DERMATOMES = (
    "C2", "C3", "C4", "C5", "C6", "C7", "C8", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9",
    "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5",
)  # fmt: skip
K = ("C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")
SEGMENTS = ("C1", *DERMATOMES[:-1])  # C1..S3: the segments a motor level can take

#: Section 9 table: motor level m -> first key muscle "more than three below" (None: nothing can).
FIRST_MORE_THAN_THREE_BELOW = {
    "C1": "C5", "C2": "C6", "C3": "C7", "C4": "C8", "C5": "T1",
    **{m: "L2" for m in ("C6", "C7", "C8", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10")},
    "T11": "L3", "T12": "L4", "L1": "L5", "L2": "S1",
    "L3": None, "L4": None, "L5": None, "S1": None,
}  # fmt: skip

#: Section 9: H, the number of key-muscle levels below the NLI n.
H_BELOW_NLI = {
    **dict.fromkeys(("C1", "C2", "C3", "C4"), 10), "C5": 9, "C6": 8, "C7": 7, "C8": 6,
    **dict.fromkeys(("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1"), 5),
    "L2": 4, "L3": 3, "L4": 2, "L5": 1, "S1": 0, "S2": 0, "S3": 0,
}  # fmt: skip


def S(*items):  # noqa: N802 - short set literal for expected lists
    return frozenset(items)


def _below(segment: str) -> tuple[str, ...]:
    """Return the segments strictly below ``segment`` (by rostro-caudal order)."""
    order = (*SEGMENTS, "S4_5")
    return order[order.index(segment) + 1 :]


def exam_with_motor_level(m: str, *, vac: str = "No", dap: str = "No", below: str = "0") -> dict:
    """Return an exam whose motor level is ``m`` on both sides, with sacral sparing on the right.

    Key muscles at or above m are 5, those below m are 0; sensation is normal down to m and
    ``below`` from the next dermatome on, except right S4_5 light touch 1 (sparing, section 8).
    """
    exam = make_exam(vac, dap)
    lower = set(_below(m))
    for side in ("right", "left"):
        for muscle in K:
            exam[side]["motor"][muscle] = "0" if muscle in lower else "5"
        for kind in ("lightTouch", "pinPrick"):
            for dermatome in DERMATOMES:
                if dermatome in lower:
                    exam[side][kind][dermatome] = below
    exam["right"]["lightTouch"]["S4_5"] = "1"
    return exam


def _previous_key(muscle: str) -> str:
    return K[K.index(muscle) - 1]


@pytest.mark.parametrize("m", list(FIRST_MORE_THAN_THREE_BELOW))
def test_the_exam_builder_puts_the_motor_level_at_m_and_gives_b(m):
    """Section 6 and 9: nothing below m has function, so B (sensory incomplete, no motor function)."""
    r = out(exam_with_motor_level(m))
    assert r["motorLevel"] == {"right": S(m), "left": S(m)}
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("B")


@pytest.mark.parametrize(("m", "first"), [(m, f) for m, f in FIRST_MORE_THAN_THREE_BELOW.items() if f])
def test_function_at_the_first_key_muscle_more_than_three_below_gives_c(m, first):
    """Section 9 table, row m: a grade 1 at that key muscle on one side is motor function more than
    three levels below the ipsilateral motor level, so MI holds and B is impossible (section 10)."""
    exam = exam_with_motor_level(m)
    exam["right"]["motor"][first] = "1"
    r = out(exam)
    assert r["motorLevel"]["right"] == S(m)
    assert r["ais"] == S("C")


@pytest.mark.parametrize(
    ("m", "three_below"),
    [
        (m, _previous_key(f))
        for m, f in FIRST_MORE_THAN_THREE_BELOW.items()
        if f and f != "C5" and _previous_key(f) in _below(m)
    ],
)
def test_function_only_three_or_fewer_levels_below_keeps_b(m, three_below):
    """Section 9: the key muscle just above the table's entry is at most three levels below m, so
    its function does not count: B stays, C is impossible ("more than three", not "three or more")."""
    exam = exam_with_motor_level(m)
    exam["right"]["motor"][three_below] = "1"
    assert out(exam)["ais"] == S("B")


@pytest.mark.parametrize("m", list(FIRST_MORE_THAN_THREE_BELOW))
def test_function_at_s1_alone(m):
    """Sections 9 and 10: the scans run from the table's key muscle down to S1 inclusive, so S1
    alone decides C for every m down to L2; from L3 down nothing qualifies and B stays."""
    exam = exam_with_motor_level(m)
    exam["left"]["motor"]["S1"] = "1"
    expected = S("C") if FIRST_MORE_THAN_THREE_BELOW[m] else S("B")
    assert out(exam)["ais"] == expected


@pytest.mark.parametrize("m", [m for m, f in FIRST_MORE_THAN_THREE_BELOW.items() if f])
def test_function_at_every_key_muscle_of_the_scan(m):
    """Section 10 B / MI: every key muscle from the table's entry down to S1 is scanned, one at a
    time (L5 included), and each alone makes C possible and B impossible."""
    first = FIRST_MORE_THAN_THREE_BELOW[m]
    for muscle in K[K.index(first) :]:
        exam = exam_with_motor_level(m)
        exam["left"]["motor"][muscle] = "1"
        assert out(exam)["ais"] == S("C"), muscle


@pytest.mark.parametrize(("m", "first"), [(m, f) for m, f in FIRST_MORE_THAN_THREE_BELOW.items() if f])
def test_non_key_muscle_at_the_first_level_more_than_three_below_gives_c(m, first):
    """Section 9: "the lowest non-key muscle counts if its level is one of those key-muscle levels";
    every key muscle is 0 (W3b generalised to every row of the table)."""
    exam = non_key(exam_with_motor_level(m), "left", first)
    assert out(exam)["ais"] == S("C")


@pytest.mark.parametrize(
    ("m", "three_below"),
    [
        (m, _previous_key(f))
        for m, f in FIRST_MORE_THAN_THREE_BELOW.items()
        if f and f != "C5" and _previous_key(f) in _below(m)
    ],
)
def test_non_key_muscle_three_levels_below_keeps_b(m, three_below):
    """Section 9 (W3c generalised): a non-key muscle not more than three levels below m is ignored."""
    exam = non_key(exam_with_motor_level(m), "left", three_below)
    assert out(exam)["ais"] == S("B")


@pytest.mark.parametrize("m", ["L3", "L4", "L5"])
def test_non_key_muscle_at_s1_below_a_low_lumbar_motor_level_keeps_b(m):
    """Section 9 table, row "L3 and lower": nothing can qualify, not even S1."""
    exam = non_key(exam_with_motor_level(m), "right", "S1")
    assert out(exam)["ais"] == S("B")


def test_worked_example_c4_with_c8_function_is_c_and_with_c7_function_is_b():
    """Section 9 table row C4 -> C8, spelled out: C5 to C8 are 1, 2, 3 and 4 levels below C4."""
    exam = exam_with_motor_level("C4")
    exam["right"]["motor"]["C7"] = "1"
    assert out(exam)["ais"] == S("B")
    exam["right"]["motor"]["C8"] = "1"
    assert out(exam)["ais"] == S("C")


# C versus D: H key-muscle levels below the NLI (section 9, section 10 C and D) ------------------


def exam_with_nli(n: str) -> dict:
    """Return an exam with NLI n, VAC and DAP Yes (MI holds, section 10), all muscles below n 0."""
    return exam_with_motor_level(n, vac="Yes", dap="Yes", below="1")


def _levels_below_nli(n: str) -> tuple[str, ...]:
    lower = set(_below(n))
    return tuple(muscle for muscle in K if muscle in lower)


@pytest.mark.parametrize(("n", "h"), list(H_BELOW_NLI.items()))
def test_h_matches_the_key_muscles_below_the_nli(n, h):
    """Section 9: H is the count of key-muscle levels below n (a check of the tables typed above)."""
    assert len(_levels_below_nli(n)) == h


@pytest.mark.parametrize(("n", "h"), [(n, h) for n, h in H_BELOW_NLI.items() if h >= 2])
def test_half_of_the_muscles_below_the_nli_at_grade_3_gives_d_counted_from_the_first_below(n, h):
    """Section 10 D: c >= H gives D, C needs more than H below grade 3. The first key muscle below n
    is 3 on both sides and H - 2 more on the right: exactly H of 2H, so D and not C. Counting from
    the wrong first muscle (one too low) would leave H - 2 of 2(H - 1): C, not D."""
    exam = exam_with_nli(n)
    below = _levels_below_nli(n)
    exam["right"]["motor"][below[0]] = exam["left"]["motor"][below[0]] = "3"
    for muscle in below[1 : h - 1]:
        exam["right"]["motor"][muscle] = "3"
    r = out(exam)
    assert r["neurologicalLevelOfInjury"] == S(n)
    assert r["ais"] == S("D")


@pytest.mark.parametrize(("n", "h"), [(n, h) for n, h in H_BELOW_NLI.items() if h >= 1])
def test_one_fewer_than_half_at_grade_3_gives_c(n, h):
    """Section 10 C: H - 1 muscles at grade 3 leave H + 1 of 2H below grade 3 (> H): C, not D."""
    exam = exam_with_nli(n)
    for muscle in _levels_below_nli(n)[: h - 1]:
        exam["right"]["motor"][muscle] = "3"
    assert out(exam)["ais"] == S("C")


@pytest.mark.parametrize("n", [n for n, h in H_BELOW_NLI.items() if h == 1])
def test_l5_nli_counts_only_s1(n):
    """Section 9: NLI L5 leaves S1 alone below (H = 1): one S1 at grade 3 is half, so D."""
    exam = exam_with_nli(n)
    exam["right"]["motor"]["S1"] = "3"
    assert out(exam)["ais"] == S("D")


@pytest.mark.parametrize("n", [n for n, h in H_BELOW_NLI.items() if h == 0])
def test_sacral_nli_is_d_without_counting(n):
    """Section 10 D: H = 0 (NLI S1 or lower) makes D possible unflagged; C needs c > 0."""
    r = out(exam_with_nli(n))
    assert r["neurologicalLevelOfInjury"] == S(n)
    assert r["ais"] == S("D")


@pytest.mark.parametrize(("muscle", "level"), [("T1", "T1"), ("S1", "S1")])
def test_weak_last_muscle_of_a_block_is_the_motor_level(muscle, level):
    """Section 6 step (d): at T1 and S1 the walk reads that muscle's own grade; grade 4 is not
    normal, so the motor level is recorded there and the walk stops, although sensation and every
    other muscle are normal (reading the L5 or C8 grade instead would walk on to S3 / T2)."""
    exam = make_exam("Yes", "Yes")
    for side in ("right", "left"):
        exam[side]["motor"][muscle] = "4"
    assert out(exam)["motorLevel"] == {"right": S(level), "left": S(level)}
