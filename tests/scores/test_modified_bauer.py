"""Modified Bauer score (Leithner A, et al. Eur Spine J 2008;17(11):1488-1495; classifications.md §1.6)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import modified_bauer

PRIMARIES = [option.value for option in modified_bauer.INSTRUMENT.item("primary").options]


def score(visceral, primary, solitary):
    return modified_bauer.classify({"visceral_metastases": visceral, "primary": primary,
                                    "solitary_skeletal": solitary})


@pytest.mark.parametrize(("primary", "points"), [("lung", 0), ("other", 1), ("breast", 2), ("kidney", 2),
                                                 ("lymphoma", 2), ("myeloma", 2)])
def test_modified_bauer_primary_points_leithner2008(primary, points):
    """Not lung +1; breast/kidney/lymphoma/myeloma +1 more (Leithner 2008)."""
    assert score(True, primary, False).value == points


def test_modified_bauer_no_visceral_and_solitary_each_add_one_leithner2008():
    """No visceral metastases +1; solitary skeletal metastasis +1 (Leithner 2008)."""
    assert score(False, "lung", False).value == 1
    assert score(True, "lung", True).value == 1
    assert score(False, "breast", True).subscores == {"no_visceral_metastases": 1, "primary_not_lung": 1,
                                                     "favourable_primary": 1, "solitary_skeletal": 1}


def test_modified_bauer_0_to_1_is_supportive_care_leithner2008():
    """0-1: supportive care (Leithner 2008)."""
    assert score(True, "lung", False).category == "supportive_care"
    assert score(True, "other", False).category == "supportive_care"


def test_modified_bauer_2_is_short_term_palliation_leithner2008():
    """2: short-term palliation (Leithner 2008)."""
    assert score(True, "breast", False).category == "short_term_palliation"


def test_modified_bauer_3_to_4_is_middle_term_local_control_leithner2008():
    """3-4: middle-term local control (Leithner 2008)."""
    assert score(False, "breast", False).category == "middle_term_local_control"
    result = score(False, "breast", True)
    assert (result.value, result.category) == (4, "middle_term_local_control")


@pytest.mark.parametrize(("item_id", "value"), [("visceral_metastases", 1), ("visceral_metastases", None),
                                                 ("primary", "prostate"), ("solitary_skeletal", "no")])
def test_modified_bauer_rejects_bad_value(item_id, value):
    inputs = {"visceral_metastases": False, "primary": "lung", "solitary_skeletal": False, item_id: value}
    with pytest.raises(ScoreInputError) as error:
        modified_bauer.classify(inputs)
    assert error.value.item == item_id


def test_modified_bauer_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="solitary_skeletal"):
        modified_bauer.classify({"visceral_metastases": False, "primary": "lung"})
    with pytest.raises(ScoreInputError, match="kps"):
        modified_bauer.classify({"visceral_metastases": False, "primary": "lung", "solitary_skeletal": True,
                                 "kps": 1})
    with pytest.raises(ScoreInputError, match="option"):
        score_inputs = {"visceral_metastases": False, "primary": "lung", "solitary_skeletal": True}
        modified_bauer.classify(score_inputs, original=True)


@given(st.booleans(), st.sampled_from(PRIMARIES), st.booleans())
def test_modified_bauer_total_in_range(visceral, primary, solitary):
    result = score(visceral, primary, solitary)
    assert 0 <= result.value <= 4
    assert result.category == modified_bauer.band_of(result.value)
