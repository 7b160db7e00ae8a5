"""Every motor and sensory value, grouped by the value classes of reference section 2.4.

A single abnormal cell in an otherwise normal exam shows how each class expands into the set of
possible levels (NT: several; `*`: flagged possibilities; `**`: normal, flagged).
"""

from __future__ import annotations

import pytest

from spinescores.isncsci import classify
from spinescores.isncsci.exam import MOTOR_VALUES, SENSORY_VALUES
from tests.isncsci.builders import make_exam

MOTOR_AT_C7 = {
    "M5": (("5",), ("INT",)),
    "M34": (("3", "4", "3*", "4*"), ("C7",)),
    "M012": (("0", "1", "2"), ("C6",)),
    "MX": (("0*", "1*", "2*", "NT*"), ("C6", "C7*")),
    "MNT": (("NT",), ("C6", "C7", "INT")),
    "MNL": (("0**", "1**", "2**"), ("INT*",)),
    "MNH": (("3**", "4**", "NT**"), ("INT*",)),
}
SENSORY_AT_T4 = {
    "S2": (("2",), ("INT",)),
    "SABN": (("0", "1", "0*", "1*"), ("T3",)),
    "SNTX": (("NT*",), ("T3*",)),
    "SNT": (("NT",), ("T3", "INT")),
    "SNL": (("0**", "1**"), ("INT*",)),
    "SNH": (("NT**",), ("INT*",)),
}


def test_the_classes_cover_every_allowed_value():
    assert sorted(v for values, _ in MOTOR_AT_C7.values() for v in values) == sorted(MOTOR_VALUES)
    assert sorted(v for values, _ in SENSORY_AT_T4.values() for v in values) == sorted(SENSORY_VALUES)


@pytest.mark.parametrize(("value", "expected"), [(v, e) for vs, e in MOTOR_AT_C7.values() for v in vs])
def test_motor_value_class_at_c7_gives_the_motor_levels(value, expected):
    exam = make_exam("Yes", "Yes")
    exam["right"]["motor"]["C7"] = value
    result = classify(exam)
    assert set(result.motor_level.right) == set(expected)
    assert result.motor_level.left == ("INT",)
    assert result.sensory_level.right == ("INT",)


@pytest.mark.parametrize(("value", "expected"), [(v, e) for vs, e in SENSORY_AT_T4.values() for v in vs])
@pytest.mark.parametrize("kind", ["lightTouch", "pinPrick"])
def test_sensory_value_class_at_t4_gives_the_sensory_levels(kind, value, expected):
    exam = make_exam("Yes", "Yes")
    exam["left"][kind]["T4"] = value
    result = classify(exam)
    assert set(result.sensory_level.left) == set(expected)
    assert set(result.motor_level.left) == set(expected)  # the thorax follows sensation
    assert result.sensory_level.right == ("INT",)


def test_result_dict_has_exactly_the_interchange_keys():
    result = classify(make_exam("Yes", "Yes")).to_dict()
    assert list(result) == ["sensoryLevel", "motorLevel", "neurologicalLevelOfInjury", "injuryComplete",
                            "ais", "zpp", "totals"]
    assert list(result["zpp"]) == ["sensory", "motor"]
    assert list(result["totals"]) == ["right", "left", "uems", "lems", "lightTouch", "pinPrick"]
    assert list(result["totals"]["right"]) == ["uems", "lems", "motor", "lightTouch", "pinPrick"]
