"""One case per rule and branch of reference sections 4-11, NT and `*` classes included.

Expected values are derived by hand from the step tables of the reference (sections 5-11).
"""

from __future__ import annotations

import dataclasses

import pytest

from spinescores.isncsci import INSTRUMENT, classify
from spinescores.isncsci.exam import KEY_MUSCLES, SENSORY_LEVELS
from tests.isncsci.builders import make_exam, motor, non_key, out, paraplegia, sensory


def S(*items):  # noqa: N802 - short set literal
    return frozenset(items)


# Section 5: sensory level rows -------------------------------------------------------------


def test_sensory_abnormal_score_stops_the_walk_row_s2():
    exam = make_exam("Yes", "Yes")
    exam["left"]["pinPrick"]["C6"] = "0*"
    r = out(exam)
    assert r["sensoryLevel"]["left"] == S("C5")
    assert r["sensoryLevel"]["right"] == S("INT")


def test_sensory_nt_star_stops_with_a_flag_row_s3():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "T4", "NT*", sides=("right",), kinds=("lightTouch",))
    r = out(exam)
    assert r["sensoryLevel"]["right"] == S("T3*")
    # one-sided: only the right side records, so the NLI item is not starred (convention)
    assert r["neurologicalLevelOfInjury"] == S("T3")


def test_sensory_nt_star_on_both_sides_stars_the_nli():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "T4", "NT*", kinds=("lightTouch",))
    assert out(exam)["neurologicalLevelOfInjury"] == S("T3*")


def test_sensory_nt_records_and_goes_on_row_s4():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "T4", "NT", sides=("right",), kinds=("pinPrick",))
    r = out(exam)
    assert r["sensoryLevel"]["right"] == S("T3", "INT")
    assert r["neurologicalLevelOfInjury"] == S("T3", "INT")
    assert r["ais"] == S("D", "E")


def test_sensory_nt_beside_a_normal_by_instruction_score_sets_the_flag():
    exam = make_exam("Yes", "Yes")
    exam["right"]["lightTouch"]["T4"] = "NT"
    exam["right"]["pinPrick"]["T4"] = "0**"
    assert out(exam)["sensoryLevel"]["right"] == S("T3", "INT*")


def test_sensory_normal_by_instruction_flags_everything_after_row_s5():
    exam = paraplegia("T9")
    exam["right"]["lightTouch"]["T5"] = "1**"
    r = out(exam)
    assert r["sensoryLevel"] == {"right": S("T8*"), "left": S("T8")}
    assert r["motorLevel"]["right"] == S("T8*")
    assert r["neurologicalLevelOfInjury"] == S("T8*")
    # T5 is the first starred level and T8 ends the normal run from top, so T8 is starred
    assert r["zpp"]["motor"] == {"right": S("T8*"), "left": S("T8")}


def test_c2_abnormal_gives_c1_everywhere():
    exam = make_exam("No", "No")
    sensory(exam, "C2-S4_5", "0")
    motor(exam, "C5-S1", "0")
    r = out(exam)
    assert r["sensoryLevel"]["right"] == S("C1")
    assert r["motorLevel"]["right"] == S("C1")
    assert r["neurologicalLevelOfInjury"] == S("C1")
    assert r["ais"] == S("A")
    assert r["zpp"]["sensory"]["right"] == S("C1")
    assert r["zpp"]["motor"]["right"] == S("C1")


# Section 6: motor level steps --------------------------------------------------------------


def test_nt_at_c5_leaves_c4_c5_and_intact_open():
    exam = make_exam("Yes", "Yes")
    exam["right"]["motor"]["C5"] = "NT"
    r = out(exam)
    assert r["motorLevel"]["right"] == S("C4", "C5", "INT")
    assert r["totals"]["right"]["uems"] == "ND"
    assert r["totals"]["right"]["motor"] == "ND"


def test_normal_by_instruction_before_a_block_flags_the_rest():
    exam = make_exam("Yes", "Yes")
    exam["right"]["motor"]["C5"] = "0**"
    r = out(exam)
    assert r["motorLevel"]["right"] == S("INT*")
    assert r["ais"] == S("E*")


def test_normal_by_instruction_next_to_nt_stars_both():
    exam = make_exam("Yes", "Yes")
    exam["right"]["motor"]["C6"] = "0**"
    exam["right"]["motor"]["C7"] = "NT"
    assert out(exam)["motorLevel"]["right"] == S("C6*", "C7*", "INT*")


def test_nt_at_t1_with_a_normal_block():
    exam = make_exam("Yes", "Yes")
    exam["left"]["motor"]["T1"] = "NT"
    # C8 if T1 is below 3, T1 if 3-4, intact if 5
    assert out(exam)["motorLevel"]["left"] == S("C8", "T1", "INT")


def test_weak_t1_stops_at_t1():
    exam = make_exam("Yes", "Yes")
    exam["left"]["motor"]["T1"] = "4"
    assert out(exam)["motorLevel"]["left"] == S("T1")


def test_not_normal_tag_at_t1():
    exam = make_exam("Yes", "Yes")
    exam["left"]["motor"]["T1"] = "2*"
    r = out(exam)
    assert r["motorLevel"]["left"] == S("C8", "T1*")
    # only the left side records T1, so the NLI item is not starred (as C6 in W7)
    assert r["neurologicalLevelOfInjury"] == S("C8", "T1")


def test_normal_by_instruction_at_t1_with_normal_block():
    exam = make_exam("Yes", "Yes")
    exam["left"]["motor"]["T1"] = "3**"
    assert out(exam)["motorLevel"]["left"] == S("INT*")


def test_normal_by_instruction_at_t1_with_nt_in_the_block():
    exam = make_exam("Yes", "Yes")
    exam["left"]["motor"]["T1"] = "0**"
    exam["left"]["lightTouch"]["T2"] = "NT"
    r = out(exam)
    assert r["motorLevel"]["left"] == S("T1*", "INT*")
    assert r["sensoryLevel"]["left"] == S("T1", "INT")


def test_sacral_block_deficit_keeps_motor_level_s1():
    exam = make_exam("Yes", "Yes")
    exam["right"]["pinPrick"]["L4"] = "1"
    r = out(exam)
    assert r["sensoryLevel"]["right"] == S("L3")
    assert r["motorLevel"]["right"] == S("S1")  # as W5: the key muscles decide inside the block
    exam = make_exam("Yes", "Yes")
    exam["right"]["pinPrick"]["S2"] = "1"
    r = out(exam)
    assert r["sensoryLevel"]["right"] == S("S1")
    assert r["motorLevel"]["right"] == S("S1")


def test_vac_not_testable_leaves_s3_and_intact():
    r = out(make_exam("NT", "Yes"))
    assert r["motorLevel"]["right"] == S("S3", "INT")
    assert r["neurologicalLevelOfInjury"] == S("INT")
    assert r["ais"] == S("B", "E")
    assert r["zpp"]["motor"]["right"] == S("NA", "S3")


def test_s3_recorded_by_nt_at_s4_5_is_not_repeated():
    exam = make_exam("No", "Yes")
    sensory(exam, "S4_5", "NT", sides=("right",), kinds=("lightTouch",))
    assert classify(exam).motor_level.right == ("S3",)
    exam["vac"] = "NT"
    assert classify(exam).motor_level.right == ("S3", "INT")


# Section 8: completeness -------------------------------------------------------------------


def test_completeness_not_normal_tag_at_s4_5_leaves_both_flagged():
    exam = paraplegia("T9")
    exam["right"]["lightTouch"]["S4_5"] = "0*"
    r = out(exam)
    assert r["injuryComplete"] == S("C*", "I*")
    assert r["ais"] == S("A*", "B*")
    # an NA is possible because the S4_5 scores are not both exactly 0
    assert r["zpp"]["sensory"]["right"] == S("NA", "T8")


def test_completeness_normal_by_instruction_at_s4_5_is_incomplete_flagged():
    exam = paraplegia("T9")
    exam["left"]["pinPrick"]["S4_5"] = "0**"
    r = out(exam)
    assert r["injuryComplete"] == S("I*")
    assert r["ais"] == S("B*")
    assert r["zpp"]["sensory"]["left"] == S("NA")


def test_completeness_nt_at_s4_5_with_anorectal_exam_absent():
    exam = paraplegia("T9")
    exam["left"]["pinPrick"]["S4_5"] = "NT"
    r = out(exam)
    assert r["injuryComplete"] == S("C", "I")
    assert r["ais"] == S("A", "B")
    assert r["zpp"]["sensory"] == {"right": S("T8"), "left": S("NA", "T8")}


def test_completeness_dap_nt_with_absent_sacral_sensation():
    r = out(paraplegia("T9", dap="NT"))
    assert r["injuryComplete"] == S("C", "I")
    assert r["ais"] == S("A", "B")
    assert r["zpp"]["sensory"]["right"] == S("NA", "T8")


def test_vac_present_is_incomplete():
    r = out(paraplegia("T9", vac="Yes"))
    assert r["injuryComplete"] == S("I")
    assert r["ais"] == S("C")
    assert r["zpp"]["motor"]["right"] == S("NA")


# Section 10: AIS ---------------------------------------------------------------------------


def w3(**left_motor):
    exam = paraplegia("T2")
    exam["right"]["lightTouch"]["S4_5"] = "1"
    for level, value in left_motor.items():
        exam["left"]["motor"][level] = value
    return exam


def test_not_normal_zero_far_below_flags_b_and_allows_c():
    r = out(w3(L2="0*"))
    assert r["ais"] == S("B*", "C")
    # AIS C is possible and L2 is a possibility carrying the 0* flag
    assert r["zpp"]["motor"]["left"] == S("T1", "L2*")


def test_normal_by_instruction_zero_far_below_gives_flagged_c():
    assert out(w3(L2="0**"))["ais"] == S("C*")


def test_nt_far_below_leaves_b_and_c_open():
    r = out(w3(S1="NT"))
    assert r["ais"] == S("B", "C")
    assert r["zpp"]["motor"]["left"] == S("T1", "S1")


def w2():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "C6-S4_5", "1")
    grades = {"right": "5 3 3 2 1 4 3 3 2 2", "left": "5 2 1 0 0 3 3 3 2 1"}
    for side, text in grades.items():
        exam[side]["motor"] = dict(zip(exam[side]["motor"], text.split(), strict=True))
    return exam


def test_tag_on_the_c_d_boundary_gives_flagged_c_and_d():
    exam = w2()
    exam["right"]["motor"]["T1"] = "1*"
    assert out(exam)["ais"] == S("C*", "D*")


def test_normal_by_instruction_muscle_counts_flagged_for_d():
    exam = w2()
    exam["right"]["motor"]["T1"] = "1**"
    assert out(exam)["ais"] == S("D*")


def test_nt_below_the_nli_leaves_c_and_d_open():
    exam = w2()
    exam["left"]["motor"]["L5"] = "NT"
    r = out(exam)
    assert r["ais"] == S("C", "D")
    assert "needs_review" in classify(exam).flags


def test_c_is_flagged_when_the_untagged_exam_would_not_allow_it():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "T2-S4_5", "0")
    sensory(exam, "C5", "1**")
    motor(exam, "L4-S1", "0")
    r = out(exam)
    assert r["neurologicalLevelOfInjury"] == S("T1*")
    assert r["ais"] == S("C*")


def test_untagged_exam_confirms_c_when_tags_do_not_matter():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "T2-S4_5", "0")
    motor(exam, "L4-S1", "0")
    exam["right"]["motor"]["L2"] = "3*"
    assert out(exam)["ais"] == S("C")


def test_nli_in_the_sacral_segments_gives_d():
    exam = make_exam("Yes", "Yes")
    sensory(exam, "S3", "1")
    r = out(exam)
    assert r["neurologicalLevelOfInjury"] == S("S2")
    assert r["ais"] == S("D")


def test_normal_by_instruction_far_below_flags_d():
    exam = make_exam("No", "Yes")
    sensory(exam, "T4", "1", sides=("right",))
    motor(exam, "L2-S1", "0**", sides=("right",))
    assert out(exam)["ais"] == S("D*")


def test_intact_exam_is_e_with_every_total_full():
    result = classify(make_exam("Yes", "Yes"))
    assert result.ais == ("E",)
    assert result.neurological_level == ("INT",)
    assert result.sensory_level.right == result.motor_level.left == ("INT",)
    assert result.flags == ()
    assert result.category == "E"
    totals = result.to_dict()["totals"]
    assert (totals["uems"], totals["lems"], totals["lightTouch"], totals["pinPrick"]) == (50, 50, 112, 112)


def test_intact_nli_with_absent_vac_needs_review():
    assert classify(make_exam("No", "Yes")).flags == ("needs_review",)


# Section 11: ZPPs --------------------------------------------------------------------------


def test_sensory_zpp_scan_flags_not_normal_zero_and_keeps_nt_open():
    exam = paraplegia("T9")
    exam["right"]["lightTouch"]["T12"] = "0*"
    exam["left"]["pinPrick"]["L3"] = "NT"
    r = out(exam)
    assert r["zpp"]["sensory"] == {"right": S("T8*", "T12*"), "left": S("T8", "L3")}


def test_motor_zpp_key_muscle_with_not_normal_zero_is_starred():
    exam = paraplegia("T9")
    exam["right"]["motor"]["L3"] = "0*"
    r = out(exam)
    assert r["ais"] == S("A")
    assert r["zpp"]["motor"]["right"] == S("T8", "L3*")


def test_motor_zpp_reaches_down_to_s3_with_the_motor_level():
    exam = make_exam("No", "No")
    sensory(exam, "S4_5", "0")
    r = out(exam)
    assert r["motorLevel"]["right"] == S("S3")
    assert r["ais"] == S("A")
    assert r["zpp"]["motor"]["right"] == S("S3")
    assert r["zpp"]["sensory"]["right"] == S("S3")


def test_motor_zpp_skips_the_non_key_muscle_unless_c_is_possible():
    exam = non_key(paraplegia("T9"), "right", "L4")
    r = out(exam)
    assert r["ais"] == S("A")
    assert r["zpp"]["motor"]["right"] == S("T8")


def test_motor_zpp_with_a_weak_top_level_stops_at_function():
    exam = paraplegia("C8")
    motor(exam, "C7-S1", "0")
    motor(exam, "C7", "3", sides=("right",))
    motor(exam, "L3", "0*", sides=("right",))
    r = out(exam)
    assert r["motorLevel"]["right"] == S("C7")
    assert r["zpp"]["motor"]["right"] == S("C7", "L3*")


def test_legacy_non_key_muscle_enters_motor_zpp_when_c_is_possible():
    exam = paraplegia("T2", vac="NT")
    non_key(exam, "left", "T9")
    result = classify(exam, legacy_non_key_muscle=True)
    assert "C" in result.ais
    assert set(result.motor_zpp.left) == {"NA", "T9"}
    assert result.motor_zpp.right == ("NA", "T1")


def exam_from_lines(right_motor, right_lt, right_pp, left_motor, left_lt, left_pp, vac, dap):
    exam = make_exam(vac, dap)
    rows = (("right", right_motor, right_lt, right_pp), ("left", left_motor, left_lt, left_pp))
    for side, m, lt, pp in rows:
        exam[side]["motor"] = dict(zip(KEY_MUSCLES, m.split(), strict=True))
        exam[side]["lightTouch"] = dict(zip(SENSORY_LEVELS, lt.split(), strict=True))
        exam[side]["pinPrick"] = dict(zip(SENSORY_LEVELS, pp.split(), strict=True))
    return exam


def test_nt_deciding_the_nli_can_add_a_grade_no_substitution_gives():
    """Section 10 works per step (13.8): with right T8 LT NT the NLI is T7 (T8 abnormal, MI from
    L2 = 5, so D) or L3 (T8 normal, B); counting below L3 with MI taken from the T7 world also
    allows C, which no substitution gives. Kept as written for comparability."""
    exam = exam_from_lines(
        "5 5 5 5 5 5 5 5 0 1",
        "2 2 2 2 2 2 2 2 2 2 2 2 2 2 NT 2 2 2 2 2 2 2 2 1 0 0 1 0",
        "2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 0 1 0 1",
        "5 5 5 5 5 5 5 2 0 0",
        "2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 1 0 1 2 1 0",
        "2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 0 1 0 0 2 0",
        "No", "Yes",
    )
    assert set(classify(exam).ais) == {"B", "C", "D"}
    narrowed = [classify({**exam, "right": {**exam["right"], "lightTouch": {
        **exam["right"]["lightTouch"], "T8": value}}}).ais for value in "012"]
    assert narrowed == [("D",), ("D",), ("B",)]


def test_not_testable_cells_are_listed_as_missing_items():
    exam = paraplegia("T9", vac="NT")
    sensory(exam, "T4-T5", "NT", sides=("right",), kinds=("pinPrick",))
    exam["left"]["motor"]["C5"] = "NT**"
    result = classify(exam)
    assert result.missing_items == ("right.pinPrick.T4", "right.pinPrick.T5", "left.motor.C5", "vac")
    assert set(result.missing_items) <= {item.id for item in INSTRUMENT.items}
    assert classify(paraplegia("T9")).missing_items == ()


def test_fast_result_constructor_gives_the_same_frozen_result():
    result = classify(paraplegia("T9", dap="NT"))
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    assert set(fields) == set(result.__dict__)
    assert type(result)(**fields) == result
    assert dataclasses.replace(result, ais=("B",)).ais == ("B",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ais = ("E",)
