"""Roussouly types (Roussouly P, et al. Spine 2005;30(3):346-353; classifications.md §3.6)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import roussouly


@pytest.mark.parametrize(("ss", "expected"), [(45.1, "4"), (60, "4"), (45, "3"), (40, "3"), (35, "3")])
def test_roussouly_ss_decides_types_3_and_4_roussouly2005(ss, expected):
    """SS > 45° type 4; 35-45° (inclusive) type 3 (Roussouly 2005, §3.6)."""
    result = roussouly.classify({"ss": ss})
    assert result.category == expected and result.flags == ()


@pytest.mark.parametrize(("apex", "expected"), [("l5_centre", "1"), ("l4_base", "2")])
def test_roussouly_below_35_apex_separates_types_1_and_2_roussouly2005(apex, expected):
    """SS < 35°: apex low (centre L5) -> 1, apex at base of L4 -> 2 (Roussouly 2005)."""
    assert roussouly.classify({"ss": 34.9, "lordosis_apex": apex}).category == expected


def test_roussouly_below_35_without_apex_needs_review_section_3_6():
    """SS alone cannot separate types 1 and 2 (§3.6)."""
    result = roussouly.classify({"ss": 30})
    assert result.category is None and result.flags == (NEEDS_REVIEW,)
    assert result.missing_items == ("lordosis_apex",)


@pytest.mark.parametrize("apex", ["l4_centre", "l3_base_or_higher"])
def test_roussouly_below_35_with_another_apex_needs_review_section_3_6(apex):
    """A low SS with an apex of types 3/4 is not in the table: needs_review, no guess."""
    result = roussouly.classify({"ss": 30, "lordosis_apex": apex})
    assert result.category is None and result.flags == (NEEDS_REVIEW,) and result.missing_items == ()


def test_roussouly_anteverted_pelvis_is_recorded_as_a_flag_only_laouissat2018():
    """Type 3 anteverted has no confirmed cut-offs: flag only (§3.6, §9)."""
    result = roussouly.classify({"ss": 40, "anteverted_pelvis": True})
    assert result.category == "3" and result.flags == ("anteverted_pelvis",)
    assert roussouly.classify({"ss": 40, "anteverted_pelvis": False}).flags == ()


def test_roussouly_anteverted_pelvis_requires_ss_above_35_laouissat2018():
    with pytest.raises(ScoreInputError, match="anteverted_pelvis"):
        roussouly.classify({"ss": 35, "anteverted_pelvis": True})


@pytest.mark.parametrize(("item_id", "value"), [("ss", None), ("ss", 91), ("ss", "40"), ("ss", True),
                                                 ("lordosis_apex", "l2"), ("anteverted_pelvis", "yes")])
def test_roussouly_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        roussouly.classify({"ss": 40, item_id: value})
    assert error.value.item == item_id


def test_roussouly_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="ss"):
        roussouly.classify({"lordosis_apex": "l4_base"})
    with pytest.raises(ScoreInputError, match="pi"):
        roussouly.classify({"ss": 40, "pi": 50})
    with pytest.raises(ScoreInputError, match="option"):
        roussouly.classify({"ss": 40}, anteverted_cutoff=5)


@given(st.floats(-90, 90), st.one_of(st.none(), st.sampled_from(["l5_centre", "l4_base", "l4_centre"])))
def test_roussouly_type_known_or_flagged(ss, apex):
    inputs = {"ss": ss} if apex is None else {"ss": ss, "lordosis_apex": apex}
    result = roussouly.classify(inputs)
    assert result.category in {"1", "2", "3", "4"} or NEEDS_REVIEW in result.flags
    if ss >= 35:
        assert result.category == ("4" if ss > 45 else "3")
