"""NESMS components (Ghori AK, et al. Spine J 2015;15(11):2345-2350; classifications.md §1.6, §9)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import nesms

VALID = {"modified_bauer": 3, "ambulation_independent": True, "albumin_g_dl": 3.5}


def test_nesms_stores_components_without_score_ghori2015():
    """Combination rule and cut-offs are ⚠ in §1.6: no score, needs_review."""
    result = nesms.classify(VALID)
    assert result.value is None and result.category is None
    assert result.flags == (NEEDS_REVIEW,)
    assert result.details["modified_bauer"] == 3 and result.details["albumin_g_dl"] == 3.5


@pytest.mark.parametrize(("item_id", "value"), [("modified_bauer", 5), ("modified_bauer", -1),
                                                 ("modified_bauer", 2.5), ("ambulation_independent", 1),
                                                 ("albumin_g_dl", None), ("albumin_g_dl", 12),
                                                 ("albumin_g_dl", True), ("albumin_g_dl", "3.5")])
def test_nesms_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        nesms.classify({**VALID, item_id: value})
    assert error.value.item == item_id


def test_nesms_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="albumin_g_dl"):
        nesms.classify({"modified_bauer": 3, "ambulation_independent": True})
    with pytest.raises(ScoreInputError, match="score"):
        nesms.classify({**VALID, "score": 3})
    with pytest.raises(ScoreInputError, match="option"):
        nesms.classify(VALID, rule="ceiling")


@given(st.integers(0, 4), st.booleans(), st.floats(0, 10))
def test_nesms_never_scores_valid_input(bauer, ambulation, albumin):
    result = nesms.classify({"modified_bauer": bauer, "ambulation_independent": ambulation,
                             "albumin_g_dl": albumin})
    assert result.value is None and NEEDS_REVIEW in result.flags
