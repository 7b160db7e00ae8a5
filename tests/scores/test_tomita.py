"""Tomita score, parameters only (Tomita K, et al. Spine 2001;26(3):298-306; classifications.md §1.3, §9)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import tomita

VALID = {"primary_growth": "rapid", "visceral_metastases": "untreatable", "bone_metastases": "multiple"}


def test_tomita_returns_no_total_because_weights_are_unconfirmed_tomita2001():
    """Point weights and bands are ⚠ in §1.3: parameters are stored, no value, needs_review."""
    result = tomita.classify(VALID)
    assert result.value is None and result.category is None
    assert result.flags == (NEEDS_REVIEW,)
    assert result.details["primary_growth"] == "rapid"
    assert tomita.INSTRUMENT.confidence == "P"


@pytest.mark.parametrize(("item_id", "value"), [("primary_growth", "fast"), ("bone_metastases", None),
                                                 ("visceral_metastases", False), ("bone_metastases", 2)])
def test_tomita_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        tomita.classify({**VALID, item_id: value})
    assert error.value.item == item_id


def test_tomita_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="bone_metastases"):
        tomita.classify({"primary_growth": "slow", "visceral_metastases": "none"})
    with pytest.raises(ScoreInputError, match="score"):
        tomita.classify({**VALID, "score": 5})
    with pytest.raises(ScoreInputError, match="option"):
        tomita.classify(VALID, weights="recall")


@given(st.fixed_dictionaries({item.id: st.sampled_from(item.allowed_values)
                              for item in tomita.INSTRUMENT.items}))
def test_tomita_never_scores_any_valid_input(inputs):
    result = tomita.classify(inputs)
    assert result.value is None and NEEDS_REVIEW in result.flags
