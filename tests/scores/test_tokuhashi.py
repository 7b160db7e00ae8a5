"""Revised Tokuhashi score (Tokuhashi Y, et al. Spine 2005;30(19):2186-2191; classifications.md §1.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import tokuhashi

WORST = {"general_condition": "poor", "extraspinal_bone_foci": 5, "vertebral_metastases": 4,
         "visceral_metastases": "unremovable", "primary_site": "lung", "palsy": "A"}


def make(**overrides):
    return {**WORST, **overrides}


def test_tokuhashi_worst_is_zero_under_6_months_tokuhashi2005():
    """All worst values give 0, predicted survival < 6 months (Tokuhashi 2005)."""
    result = tokuhashi.classify(make())
    assert (result.value, result.category) == (0, "under_6_months")
    assert result.details["strategy"] == "conservative_or_palliative_surgery"


def test_tokuhashi_best_is_15_tokuhashi2005():
    """All best values give the maximum 15 (Tokuhashi 2005)."""
    best = {"general_condition": "good", "extraspinal_bone_foci": 0, "vertebral_metastases": 1,
            "visceral_metastases": "none", "primary_site": "thyroid", "palsy": "E"}
    assert tokuhashi.classify(best).value == 15


@pytest.mark.parametrize(("foci", "points"), [(0, 2), (1, 1), (2, 1), (3, 0), (10, 0)])
def test_tokuhashi_extraspinal_foci_steps_tokuhashi2005(foci, points):
    """Extraspinal bone foci: >=3 -> 0, 1-2 -> 1, 0 -> 2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(extraspinal_bone_foci=foci)).subscores["extraspinal_bone_foci"] == points


@pytest.mark.parametrize(("count", "points"), [(1, 2), (2, 1), (3, 0), (7, 0)])
def test_tokuhashi_vertebral_metastases_steps_tokuhashi2005(count, points):
    """Vertebral body metastases: >=3 -> 0, 2 -> 1, 1 -> 2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(vertebral_metastases=count)).subscores["vertebral_metastases"] == points


@pytest.mark.parametrize(("site", "points"), sorted(tokuhashi.PRIMARY_POINTS.items()))
def test_tokuhashi_primary_site_points_tokuhashi2005(site, points):
    """Primary site points 0-5 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(primary_site=site)).value == points


@pytest.mark.parametrize(("grade", "points"), [("A", 0), ("B", 0), ("C", 1), ("D", 1), ("E", 2)])
def test_tokuhashi_frankel_palsy_points_tokuhashi2005(grade, points):
    """Palsy: complete (A, B) 0, incomplete (C, D) 1, none (E) 2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(palsy=grade)).value == points


@pytest.mark.parametrize(("field", "table"), [("general_condition", tokuhashi.CONDITION_POINTS),
                                             ("visceral_metastases", tokuhashi.VISCERAL_POINTS)])
def test_tokuhashi_condition_and_visceral_points_tokuhashi2005(field, table):
    """KPS poor/moderate/good 0/1/2; organ metastases unremovable/removable/none 0/1/2 (Tokuhashi 2005)."""
    for value, points in table.items():
        assert tokuhashi.classify(make(**{field: value})).value == points


def test_tokuhashi_8_is_under_6_months_and_9_is_6_months_or_more_tokuhashi2005():
    """Band edge 8 | 9 (Tokuhashi 2005)."""
    eight = make(primary_site="thyroid", palsy="E", general_condition="moderate")
    assert (tokuhashi.classify(eight).value, tokuhashi.classify(eight).category) == (8, "under_6_months")
    nine = make(primary_site="thyroid", palsy="E", general_condition="good")
    assert (tokuhashi.classify(nine).value, tokuhashi.classify(nine).category) == (9, "6_months_or_more")


def test_tokuhashi_11_is_6_months_or_more_and_12_is_1_year_or_more_tokuhashi2005():
    """Band edge 11 | 12 (Tokuhashi 2005)."""
    eleven = make(primary_site="thyroid", palsy="E", general_condition="good", visceral_metastases="none")
    assert (tokuhashi.classify(eleven).value, tokuhashi.classify(eleven).category) == (11, "6_months_or_more")
    twelve = {**eleven, "extraspinal_bone_foci": 2}
    result = tokuhashi.classify(twelve)
    assert (result.value, result.category) == (12, "1_year_or_more")
    assert result.details["strategy"] == "excisional_surgery"


@pytest.mark.parametrize(("item_id", "value"), [
    ("extraspinal_bone_foci", -1), ("extraspinal_bone_foci", 1.5), ("extraspinal_bone_foci", True),
    ("vertebral_metastases", 0), ("vertebral_metastases", None), ("primary_site", "colon"),
    ("palsy", "F"), ("general_condition", 80), ("extraspinal_bone_foci", float("nan")),
])
def test_tokuhashi_rejects_bad_value_naming_item(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        tokuhashi.classify(make(**{item_id: value}))
    assert error.value.item == item_id


def test_tokuhashi_rejects_missing_unknown_and_options():
    inputs = make()
    del inputs["palsy"]
    with pytest.raises(ScoreInputError, match="palsy"):
        tokuhashi.classify(inputs)
    with pytest.raises(ScoreInputError, match="kps"):
        tokuhashi.classify(make(kps=80))
    with pytest.raises(ScoreInputError, match="option"):
        tokuhashi.classify(make(), version="1990")


valid = st.fixed_dictionaries({
    "general_condition": st.sampled_from(sorted(tokuhashi.CONDITION_POINTS)),
    "extraspinal_bone_foci": st.integers(0, 50),
    "vertebral_metastases": st.integers(1, 24),
    "visceral_metastases": st.sampled_from(sorted(tokuhashi.VISCERAL_POINTS)),
    "primary_site": st.sampled_from(sorted(tokuhashi.PRIMARY_POINTS)),
    "palsy": st.sampled_from("ABCDE"),
})


@given(valid)
def test_tokuhashi_total_in_range(inputs):
    result = tokuhashi.classify(inputs)
    assert 0 <= result.value <= 15
    assert result.category == tokuhashi.band_of(result.value)


@given(valid, st.integers(max_value=-1))
def test_tokuhashi_negative_counts_always_raise(inputs, bad):
    with pytest.raises(ScoreInputError):
        tokuhashi.classify({**inputs, "extraspinal_bone_foci": bad})
