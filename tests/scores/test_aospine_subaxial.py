"""AO Spine subaxial cervical classification and cervical AOSIS (Vaccaro 2016; Canseco 2020; §2.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import aospine_subaxial as ao

#: Cervical AOSIS points (Canseco 2020; classifications.md §2.4), typed in.
MORPHOLOGY = {"A0": 0, "A1": 1, "A2": 2, "A3": 4, "A4": 5, "B1": 5, "B2": 6, "B3": 6, "C": 7}
FACET = {"F1": 2, "F2": 4, "F3": 5, "F4": 7}
NEUROLOGY = {"N0": 0, "N1": 1, "N2": 2, "N3": 4, "N4": 4}
MODIFIERS = {"m1": 1, "m2": 4, "m3": 4}


@pytest.mark.parametrize(("morphology", "points"), sorted(MORPHOLOGY.items()))
def test_cervical_aosis_morphology_points_canseco2020(morphology, points):
    """A0 0, A1 1, A2 2, A3 4, A4 5, B1 5, B2 6, B3 6, C 7 (Canseco 2020)."""
    result = ao.classify({"morphology": morphology, "neurology": "N0"})
    assert result.value == points and result.interpretation is None


@pytest.mark.parametrize(("facet", "points"), sorted(FACET.items()))
@pytest.mark.parametrize("side", ["facet_left", "facet_right"])
def test_cervical_aosis_single_facet_points_canseco2020(facet, points, side):
    """F1 2, F2 4, F3 5, F4 7 (Canseco 2020)."""
    result = ao.classify({"morphology": "A0", side: facet, "neurology": "N0"})
    assert result.value == points
    assert result.category == f"A0 {facet} ({side.split('_')[1]}) N0"


@pytest.mark.parametrize(("neurology", "points"), [("N0", 0), ("N1", 1), ("N2", 2), ("N3", 4), ("N4", 4)])
def test_cervical_aosis_neurology_points_canseco2020(neurology, points):
    """N0 0, N1 1, N2 2, N3 4, N4 4 (Canseco 2020)."""
    assert ao.classify({"morphology": "A0", "neurology": neurology}).value == points


@pytest.mark.parametrize(("modifier", "points"), [("m1", 1), ("m2", 4), ("m3", 4)])
def test_cervical_aosis_modifier_points_canseco2020(modifier, points):
    """M1 1, M2 4, M3 4 (Canseco 2020)."""
    result = ao.classify({"morphology": "A1", "neurology": "N0", modifier: True})
    assert result.value == 1 + points and result.category == f"A1 N0 {modifier.upper()}"


def test_cervical_aosis_sums_all_elements_canseco2020():
    """The score is the sum of the element points (§2.4)."""
    result = ao.classify({"morphology": "C", "facet_right": "F4", "neurology": "N3", "m2": True, "m3": True})
    assert result.value == 7 + 7 + 4 + 4 + 4


@pytest.mark.parametrize(
    ("inputs", "unscored"),
    [
        ({"morphology": "A1", "neurology": "NX"}, ("neurology",)),
        ({"morphology": "A1", "neurology": "N3", "cord_compression": True}, ("cord_compression",)),
        ({"morphology": "A1", "neurology": "N0", "m4": True}, ("m4",)),
        ({"morphology": "A1", "neurology": "N0", "facet_left": "F2", "facet_right": "F4"}, ("facet",)),
        ({"morphology": "A1", "neurology": "N0", "facet_left": "F4", "facet_right": "F4"}, ("facet",)),
    ],
)
def test_cervical_aosis_parts_without_points_withhold_the_score(inputs, unscored):
    """NX, '+', M4 and two-sided facet injuries have no points in §2.4: no score, needs_review."""
    result = ao.classify(inputs)
    assert result.value is None and result.flags == (NEEDS_REVIEW,)
    assert result.details["unscored"] == unscored
    assert result.details["confirmed_points"] >= 1


def test_cervical_code_string_marks_bilateral_and_plus():
    result = ao.classify(
        {
            "morphology": "B2",
            "facet_left": "F4",
            "facet_right": "F4",
            "neurology": "N3",
            "cord_compression": True,
            "m3": True,
        }
    )
    assert result.category == "B2 F4 BL N3+ M3"
    mixed = ao.classify({"morphology": "A0", "facet_left": "F1", "facet_right": "F3", "neurology": "N0"})
    assert mixed.category == "A0 F1 (left) F3 (right) N0"


@pytest.mark.parametrize("neurology", ["N0", "NX"])
def test_cervical_plus_requires_a_deficit(neurology):
    """'+' = ongoing cord compression *with* a deficit (§2.4)."""
    with pytest.raises(ScoreInputError, match="cord_compression"):
        ao.classify({"morphology": "A1", "neurology": neurology, "cord_compression": True})


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("morphology", "A5"),
        ("facet_left", "F5"),
        ("facet_right", None),
        ("neurology", "N5"),
        ("m4", 0),
        ("cord_compression", "+"),
    ],
)
def test_cervical_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        ao.classify({"morphology": "A1", "neurology": "N1", item_id: value})
    assert error.value.item == item_id


def test_cervical_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="morphology"):
        ao.classify({"neurology": "N0"})
    with pytest.raises(ScoreInputError, match="facet"):
        ao.classify({"morphology": "A1", "neurology": "N0", "facet": "F1"})
    with pytest.raises(ScoreInputError, match="option"):
        ao.classify({"morphology": "A1", "neurology": "N0"}, bands=True)


facets = st.one_of(st.none(), st.sampled_from(sorted(FACET)))


@given(
    st.sampled_from(sorted(MORPHOLOGY)),
    facets,
    facets,
    st.sampled_from(["N0", "N1", "N2", "N3", "N4"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_cervical_aosis_is_sum_of_confirmed_parts_or_flagged(morphology, left, right, neurology, m1, m2, m3):
    inputs = {"morphology": morphology, "neurology": neurology, "m1": m1, "m2": m2, "m3": m3}
    inputs.update({key: value for key, value in (("facet_left", left), ("facet_right", right)) if value})
    result = ao.classify(inputs)
    if left and right:
        assert result.value is None and NEEDS_REVIEW in result.flags
    else:
        assert result.value == sum(result.subscores.values())
        flags = {"m1": m1, "m2": m2, "m3": m3}
        expected = (
            MORPHOLOGY[morphology]
            + FACET.get(left or right, 0)
            + NEUROLOGY[neurology]
            + sum(points for modifier, points in MODIFIERS.items() if flags[modifier])
        )
        assert result.value == expected
