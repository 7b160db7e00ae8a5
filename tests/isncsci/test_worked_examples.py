"""The nine worked examples of docs reference isncsci.md section 12 (results of the reference).

Source: /work/shared/reference/isncsci.md, section 12, "Worked examples (constructed for this
document)"; every expected value below is the output of praxis-isncsci/algorithm 2.0.6 quoted there.
"""

from __future__ import annotations

from tests.isncsci.builders import make_exam, motor, non_key, out, paraplegia, sensory


def S(*items):  # noqa: N802 - short set literal for expected lists
    return frozenset(items)


def sides(right, left=None):
    return {"right": S(*right), "left": S(*(right if left is None else left))}


def side_totals(uems, lems, lt, pp):
    return {"uems": uems, "lems": lems, "motor": "ND" if "ND" in (uems, lems) else uems + lems,
            "lightTouch": lt, "pinPrick": pp}


def w1_exam():
    exam = paraplegia("T9")
    sensory(exam, "T9-T10", "1", sides=("right",), kinds=("lightTouch",))
    return exam


def test_w1_thoracic_complete_with_sensory_zpp():
    r = out(w1_exam())
    assert r["sensoryLevel"] == sides(["T8"])
    assert r["motorLevel"] == sides(["T8"])
    assert r["neurologicalLevelOfInjury"] == S("T8")
    assert r["injuryComplete"] == S("C")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"] == sides(["T10"], ["T8"])
    assert r["zpp"]["motor"] == sides(["T8"])
    assert r["totals"]["right"] == side_totals(25, 0, 32, 30)
    assert r["totals"]["left"] == side_totals(25, 0, 30, 30)
    assert (r["totals"]["uems"], r["totals"]["lems"]) == (50, 0)
    assert (r["totals"]["lightTouch"], r["totals"]["pinPrick"]) == (62, 60)


def w2_exam():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "C6-S4_5", "1")
    grades = {"right": "5 3 3 2 1 4 3 3 2 2", "left": "5 2 1 0 0 3 3 3 2 1"}
    for side, text in grades.items():
        exam[side]["motor"] = dict(zip(exam[side]["motor"], text.split(), strict=True))
    return exam


def test_w2_c_versus_d_by_counting_below_the_nli():
    r = out(w2_exam())
    assert r["sensoryLevel"] == sides(["C5"])
    assert r["motorLevel"] == sides(["C6"], ["C5"])
    assert r["neurologicalLevelOfInjury"] == S("C5")
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("C")
    assert r["zpp"]["sensory"] == sides(["NA"])
    assert r["zpp"]["motor"] == sides(["NA"])
    assert (r["totals"]["uems"], r["totals"]["lems"]) == (22, 26)
    assert (r["totals"]["lightTouch"], r["totals"]["pinPrick"]) == (64, 64)


def test_w2b_one_more_antigravity_muscle_gives_d():
    exam = w2_exam()
    exam["left"]["motor"]["L5"] = "3"
    r = out(exam)
    assert r["ais"] == S("D")
    assert r["totals"]["lems"] == 27


def w3_exam():
    exam = paraplegia("T2")
    exam["right"]["lightTouch"]["S4_5"] = "1"
    return exam


def test_w3a_sensory_incomplete_is_b():
    r = out(w3_exam())
    assert r["sensoryLevel"] == sides(["T1"])
    assert r["motorLevel"] == sides(["T1"])
    assert r["neurologicalLevelOfInjury"] == S("T1")
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("B")
    assert r["zpp"]["sensory"] == sides(["NA"], ["T1"])
    assert r["zpp"]["motor"] == sides(["T1"])


def test_w3b_non_key_muscle_far_below_gives_c_and_enters_motor_zpp():
    r = out(non_key(w3_exam(), "right", "L2"))
    assert r["ais"] == S("C")
    assert r["zpp"]["motor"] == sides(["L2"], ["T1"])
    assert r["zpp"]["sensory"] == sides(["NA"], ["T1"])


def test_w3c_non_key_muscle_close_to_motor_level_stays_b():
    r = out(non_key(w3_exam(), "right", "T1"))
    assert r["ais"] == S("B")
    assert r["zpp"]["motor"] == sides(["T1"])


def test_w4a_high_cervical_motor_level_from_sensation():
    exam = paraplegia("C5")
    motor(exam, "C5-S1", "0")
    motor(exam, "C5", "2")
    r = out(exam)
    assert r["motorLevel"] == sides(["C4"])
    assert r["sensoryLevel"] == sides(["C4"])
    assert r["neurologicalLevelOfInjury"] == S("C4")
    assert r["injuryComplete"] == S("C")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"] == sides(["C4"])
    assert r["zpp"]["motor"] == sides(["C5"])
    assert r["totals"]["uems"] == 4


def test_w4b_strong_c5_cannot_rescue_abnormal_c4_dermatome():
    exam = paraplegia("C5")
    sensory(exam, "C4", "1")
    motor(exam, "C5-S1", "0")
    motor(exam, "C5", "4")
    r = out(exam)
    assert r["sensoryLevel"] == sides(["C3"])
    assert r["motorLevel"] == sides(["C3"])
    assert r["neurologicalLevelOfInjury"] == S("C3")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"] == sides(["C4"])
    assert r["zpp"]["motor"] == sides(["C5"])
    assert r["totals"]["uems"] == 8
    assert r["totals"]["lightTouch"] == 10


def test_w5_sensory_deficit_inside_the_arm_keeps_motor_level_t1():
    exam = paraplegia("T11")
    exam["right"]["lightTouch"]["C7"] = "1"
    r = out(exam)
    assert r["sensoryLevel"] == sides(["C6"], ["T10"])
    assert r["motorLevel"] == sides(["T1"], ["T10"])
    assert r["neurologicalLevelOfInjury"] == S("C6")
    assert r["injuryComplete"] == S("C")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"] == sides(["T10"])
    assert r["zpp"]["motor"] == sides(["T1"], ["T10"])
    assert (r["totals"]["lightTouch"], r["totals"]["pinPrick"]) == (67, 68)


def test_w6_nt_produces_a_set_of_possible_levels():
    exam = paraplegia("T9")
    sensory(exam, "T4-T6", "NT", sides=("right",))
    r = out(exam)
    assert r["sensoryLevel"] == sides(["T3", "T4", "T5", "T8"], ["T8"])
    assert r["motorLevel"] == sides(["T3", "T4", "T5", "T8"], ["T8"])
    assert r["neurologicalLevelOfInjury"] == S("T3", "T4", "T5", "T8")
    assert r["injuryComplete"] == S("C")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"] == sides(["T8"])
    assert r["zpp"]["motor"] == sides(["T3", "T4", "T5", "T8"], ["T8"])
    assert r["totals"]["right"]["lightTouch"] == "ND"
    assert (r["totals"]["lightTouch"], r["totals"]["pinPrick"], r["totals"]["uems"]) == ("ND", "ND", 50)


def w7_exam(left_c7):
    exam = paraplegia("C8")
    motor(exam, "C7-S1", "0")
    motor(exam, "C7", "3", sides=("right",))
    motor(exam, "C7", left_c7, sides=("left",))
    return exam


def test_w7_star_not_normal_gives_flagged_possibilities():
    r = out(w7_exam("2*"))
    assert r["motorLevel"] == sides(["C7"], ["C6", "C7*"])
    assert r["neurologicalLevelOfInjury"] == S("C6", "C7*")
    assert r["injuryComplete"] == S("C")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"] == sides(["C7"])
    assert r["zpp"]["motor"] == sides(["C7"])
    assert r["totals"]["uems"] == 25


def test_w7b_double_star_normal_flags_the_level():
    r = out(w7_exam("2**"))
    assert r["motorLevel"] == sides(["C7"], ["C7*"])
    assert r["neurologicalLevelOfInjury"] == S("C7*")


def test_w8_anorectal_exam_not_testable():
    exam = paraplegia("T11", vac="NT", dap="NT")
    sensory(exam, "S4_5", "NT")
    r = out(exam)
    assert r["sensoryLevel"] == sides(["T10"])
    assert r["motorLevel"] == sides(["T10"])
    assert r["neurologicalLevelOfInjury"] == S("T10")
    assert r["injuryComplete"] == S("C", "I")
    assert r["ais"] == S("A", "B", "C")
    assert r["zpp"]["sensory"] == sides(["NA", "T10"])
    assert r["zpp"]["motor"] == sides(["NA", "T10"])
    assert (r["totals"]["lightTouch"], r["totals"]["pinPrick"]) == ("ND", "ND")
    assert (r["totals"]["uems"], r["totals"]["lems"]) == (50, 0)


def test_w9a_double_star_reaches_e_star():
    exam = make_exam("Yes", "Yes")
    exam["right"]["lightTouch"]["C6"] = "1**"
    r = out(exam)
    assert r["sensoryLevel"] == sides(["INT*"], ["INT"])
    assert r["motorLevel"] == sides(["INT*"], ["INT"])
    assert r["neurologicalLevelOfInjury"] == S("INT*")
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("E*")
    assert r["zpp"]["sensory"] == sides(["NA"])
    assert r["zpp"]["motor"] == sides(["NA"])
    assert (r["totals"]["right"]["lightTouch"], r["totals"]["lightTouch"], r["totals"]["pinPrick"]) == (
        55, 111, 112)


def test_w9b_absent_vac_gives_motor_level_s3_and_b():
    r = out(make_exam("No", "NT"))
    assert r["sensoryLevel"] == sides(["INT"])
    assert r["motorLevel"] == sides(["S3"])
    assert r["neurologicalLevelOfInjury"] == S("INT")
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("B")
    assert r["zpp"]["sensory"] == sides(["NA"])
    assert r["zpp"]["motor"] == sides(["S3"])


def test_w9c_normal_legs_below_thoracic_level_give_d():
    exam = make_exam("No", "Yes")
    sensory(exam, "T4", "1", sides=("right",))
    r = out(exam)
    assert r["sensoryLevel"] == sides(["T3"], ["INT"])
    assert r["motorLevel"] == sides(["T3"], ["S3"])
    assert r["neurologicalLevelOfInjury"] == S("T3")
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("D")
    assert r["zpp"]["sensory"] == sides(["NA"])
    assert r["zpp"]["motor"] == sides(["S1"], ["S3"])
    assert (r["totals"]["lightTouch"], r["totals"]["pinPrick"]) == (111, 111)
    assert (r["totals"]["right"]["motor"], r["totals"]["left"]["motor"]) == (50, 50)
