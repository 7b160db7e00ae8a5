"""Bad input raises ScoreInputError naming the side, the level and the value (section 2.3)."""

from __future__ import annotations

import pytest

import spinescores
from spinescores.errors import ScoreInputError
from spinescores.isncsci import INSTRUMENT, classify, normal_exam


def error_of(exam, **options):
    with pytest.raises(ScoreInputError) as caught:
        classify(exam, **options)
    return str(caught.value)


@pytest.mark.parametrize(
    ("side", "key", "level", "value"),
    [
        ("right", "motor", "C5", "5*"),
        ("left", "motor", "S1", "6"),
        ("left", "motor", "L3", "nt"),
        ("right", "motor", "T1", ""),
        ("right", "lightTouch", "T4", "2*"),
        ("left", "pinPrick", "S4_5", "3"),
        ("left", "lightTouch", "C2", "!"),
        ("right", "pinPrick", "L1", " 2"),
        ("right", "motor", "C6", 5),
        ("left", "lightTouch", "T12", None),
        ("left", "pinPrick", "T2", ["2"]),
    ],
)
def test_value_outside_the_allowed_set_is_refused(side, key, level, value):
    exam = normal_exam()
    exam[side][key][level] = value
    message = error_of(exam)
    assert message.startswith(f"{side} {key} {level}: got {value!r}")
    assert "allowed:" in message


@pytest.mark.parametrize(("side", "key", "level"), [("right", "motor", "L4"), ("left", "pinPrick", "S4_5")])
def test_missing_level_is_refused(side, key, level):
    exam = normal_exam()
    del exam[side][key][level]
    assert error_of(exam).startswith(f"{side} {key} {level}: got '<missing>'")


def test_unknown_level_key_is_refused():
    exam = normal_exam()
    exam["left"]["motor"]["C4"] = "5"
    message = error_of(exam)
    assert message.startswith("left motor: got 'C4'")
    assert "not a level of this score" in message


@pytest.mark.parametrize("level", ["T5", "L1", "C4", "S2", "c5", 5, "C1"])
def test_non_key_muscle_level_that_does_not_exist_is_refused(level):
    exam = normal_exam()
    exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = level
    message = error_of(exam)
    assert message.startswith(f"right lowestNonKeyMuscleWithMotorFunction: got {level!r}")


def test_legacy_non_key_muscle_is_accepted_on_request_with_a_warning():
    exam = normal_exam(vac="No", dap="No")
    exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = "T5"
    result = classify(exam, legacy_non_key_muscle=True)
    assert result.warnings and "T5" in result.warnings[0]
    assert "needs_review" in result.flags


def test_legacy_option_still_refuses_levels_that_are_no_segment():
    exam = normal_exam()
    exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = "S4_5"
    assert "left lowestNonKeyMuscleWithMotorFunction" in error_of(exam, legacy_non_key_muscle=True)


def test_missing_non_key_muscle_key_means_none():
    exam = normal_exam()
    del exam["right"]["lowestNonKeyMuscleWithMotorFunction"]
    assert classify(exam).ais == ("E",)


@pytest.mark.parametrize("key", ["vac", "dap"])
@pytest.mark.parametrize("value", ["yes", "", None, True, "Unknown"])
def test_bad_anorectal_value_is_refused(key, value):
    exam = normal_exam()
    exam[key] = value
    assert error_of(exam).startswith(f"{key}: got {value!r}")


@pytest.mark.parametrize("key", ["vac", "dap"])
def test_missing_anorectal_value_is_refused(key):
    exam = normal_exam()
    del exam[key]
    assert error_of(exam).startswith(f"{key}: got '<missing>'")


def test_exam_must_be_a_mapping():
    assert error_of(["right", "left"]).startswith("exam: got 'list'")


@pytest.mark.parametrize("side", ["right", "left"])
def test_missing_side_is_refused(side):
    exam = normal_exam()
    del exam[side]
    assert error_of(exam).startswith(f"{side}: got '<missing>'")


def test_side_must_be_a_mapping():
    exam = normal_exam()
    exam["left"] = "normal"
    assert error_of(exam).startswith("left: got 'str'")


@pytest.mark.parametrize("key", ["motor", "lightTouch", "pinPrick"])
def test_missing_score_block_is_refused(key):
    exam = normal_exam()
    del exam["right"][key]
    assert error_of(exam).startswith(f"right {key}: got '<missing>'")
    exam["right"][key] = ["5"] * 10
    assert error_of(exam).startswith(f"right {key}: got 'list'")


def test_extra_top_level_and_side_keys_are_ignored():
    exam = normal_exam()
    exam["comments"] = "left C7 2*: wrist fracture"
    exam["right"]["examiner"] = "A"
    assert classify(exam).ais == ("E",)


def test_instrument_is_in_the_catalogue():
    assert INSTRUMENT.code == "isncsci"
    assert INSTRUMENT.kind == "classification"
    assert INSTRUMENT.version == "isncsci@2019"
    assert INSTRUMENT in spinescores.catalog()
    assert spinescores.classify("isncsci", normal_exam()).ais == ("E",)
    assert len(INSTRUMENT.items) == 2 * (10 + 28 + 28 + 1) + 2


def test_level_keys_may_come_in_any_order():
    exam = normal_exam(vac="No", dap="No")
    exam["left"]["lightTouch"] = dict(reversed(list(exam["left"]["lightTouch"].items())))
    exam["left"]["lightTouch"]["S4_5"] = "0"
    assert classify(exam).sensory_level.left == ("S3",)
