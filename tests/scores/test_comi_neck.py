"""COMI neck (proms.md §10): same scoring with neck and arm pain items."""

import pytest

from spinescores.prom import comi_neck


def test_comi_neck_uses_neck_and_arm_pain():
    answers = {
        "neck_pain": 3,
        "arm_pain": 7,
        "function": 2,
        "well_being": 2,
        "quality_of_life": 2,
        "social_disability": 1,
        "work_disability": 1,
    }
    result = comi_neck.score(answers)
    assert result.subscores["pain"] == 7
    assert result.value == pytest.approx((7 + 2.5 + 2.5 + 2.5 + 0) / 5)
    assert comi_neck.INSTRUMENT.item_ids[:2] == ("neck_pain", "arm_pain")
    assert any(ref.first_author == "White P" for ref in comi_neck.INSTRUMENT.references)
