"""AO Spine TL classification and TL AOSIS (Vaccaro 2013; Kepler 2016; Vaccaro 2016; §2.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import aospine_tl

CONFIRMED_MORPHOLOGY = {"A1": 1, "A2": 2, "A3": 3, "A4": 5, "B1": 5}
CONFIRMED_NEUROLOGY = {"N0": 0, "N1": 1, "N2": 2, "N3": 4, "N4": 4}
#: §2.2 codes whose points are marked ⚠ (not confirmed): no score is given for them.
UNCONFIRMED_MORPHOLOGY = ("A0", "B2", "B3", "C")
UNCONFIRMED_NEUROLOGY = ("NX",)


@pytest.mark.parametrize(("morphology", "points"), sorted(CONFIRMED_MORPHOLOGY.items()))
def test_tl_aosis_confirmed_morphology_points_kepler2016(morphology, points):
    """A1 1, A2 2, A3 3, A4 5, B1 5 (Kepler 2016, confirmed in §2.2)."""
    result = aospine_tl.classify({"morphology": morphology, "neurology": "N0"})
    assert result.value == points and result.flags == ()


@pytest.mark.parametrize(("neurology", "points"), sorted(CONFIRMED_NEUROLOGY.items()))
def test_tl_aosis_confirmed_neurology_points_kepler2016(neurology, points):
    """N0 0, N1 1, N2 2, N3 4, N4 4 (Kepler 2016; N4 via the cervical AOSIS paper)."""
    assert aospine_tl.classify({"morphology": "A1", "neurology": neurology}).value == 1 + points


def test_tl_aosis_m1_adds_one_kepler2016():
    """M1 indeterminate tension-band injury +1 (Kepler 2016)."""
    result = aospine_tl.classify({"morphology": "A3", "neurology": "N0", "m1": True})
    assert (result.value, result.category) == (4, "A3 N0 M1")
    assert aospine_tl.classify({"morphology": "A3", "neurology": "N0", "m1": False}).value == 3


@pytest.mark.parametrize(
    ("inputs", "unconfirmed"),
    [
        ({"morphology": "A0", "neurology": "N0"}, ("morphology",)),
        ({"morphology": "B2", "neurology": "N1"}, ("morphology",)),
        ({"morphology": "B3", "neurology": "N1"}, ("morphology",)),
        ({"morphology": "C", "neurology": "N4", "c_subtype": "B2"}, ("morphology",)),
        ({"morphology": "A1", "neurology": "NX"}, ("neurology",)),
        ({"morphology": "A1", "neurology": "N0", "m2": True}, ("m2",)),
    ],
)
def test_tl_aosis_unconfirmed_values_withhold_the_score_kepler2016(inputs, unconfirmed):
    """A0, B2, B3, C, NX, M2 are ⚠ (§2.2, §9): no score, needs_review, class still given."""
    result = aospine_tl.classify(inputs)
    assert result.value is None and result.interpretation is None
    assert result.flags == (NEEDS_REVIEW,)
    assert result.details["unconfirmed"] == unconfirmed
    assert result.category.startswith(inputs["morphology"])


def test_tl_aosis_confirmed_points_are_kept_in_details():
    result = aospine_tl.classify({"morphology": "A3", "neurology": "NX", "m1": True})
    assert result.details["confirmed_points"] == 4
    assert result.category == "A3 NX M1"


def test_tl_aosis_3_or_less_is_nonoperative_trial_vaccaro2016():
    """TL AOSIS <= 3 -> trial of non-operative care (Vaccaro 2016 algorithm)."""
    assert aospine_tl.classify({"morphology": "A3", "neurology": "N0"}).interpretation == "nonoperative_trial"


def test_tl_aosis_4_to_5_is_either_vaccaro2016():
    """4-5 -> either (Vaccaro 2016)."""
    assert aospine_tl.classify({"morphology": "A3", "neurology": "N1"}).interpretation == "either"
    assert aospine_tl.classify({"morphology": "B1", "neurology": "N0"}).interpretation == "either"


def test_tl_aosis_over_5_is_operative_vaccaro2016():
    """> 5 -> operative (Vaccaro 2016)."""
    result = aospine_tl.classify({"morphology": "A4", "neurology": "N1"})
    assert (result.value, result.interpretation) == (6, "operative")


def test_tl_c_subtype_is_kept_and_only_allowed_with_c():
    result = aospine_tl.classify({"morphology": "C", "neurology": "N0", "c_subtype": "A4"})
    assert result.details["c_subtype"] == "A4"
    with pytest.raises(ScoreInputError, match="c_subtype"):
        aospine_tl.classify({"morphology": "B1", "neurology": "N0", "c_subtype": "A4"})
    with pytest.raises(ScoreInputError, match="c_subtype"):
        aospine_tl.classify({"morphology": "C", "neurology": "N0", "c_subtype": "C"})


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("morphology", "A5"),
        ("morphology", None),
        ("neurology", 0),
        ("neurology", "n0"),
        ("m1", 1),
        ("m2", None),
    ],
)
def test_tl_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        aospine_tl.classify({"morphology": "A1", "neurology": "N0", item_id: value})
    assert error.value.item == item_id


def test_tl_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="neurology"):
        aospine_tl.classify({"morphology": "A1"})
    with pytest.raises(ScoreInputError, match="m3"):
        aospine_tl.classify({"morphology": "A1", "neurology": "N0", "m3": True})
    with pytest.raises(ScoreInputError, match="option"):
        aospine_tl.classify({"morphology": "A1", "neurology": "N0"}, infer=True)


@given(
    st.sampled_from(sorted([*CONFIRMED_MORPHOLOGY, *UNCONFIRMED_MORPHOLOGY])),
    st.sampled_from(sorted([*CONFIRMED_NEUROLOGY, *UNCONFIRMED_NEUROLOGY])),
    st.booleans(),
    st.booleans(),
)
def test_tl_aosis_is_confirmed_sum_or_flagged(morphology, neurology, m1, m2):
    result = aospine_tl.classify({"morphology": morphology, "neurology": neurology, "m1": m1, "m2": m2})
    if result.value is None:
        assert NEEDS_REVIEW in result.flags and result.details["unconfirmed"]
    else:
        assert 1 <= result.value <= 10 and result.flags == ()
        assert result.value == CONFIRMED_MORPHOLOGY[morphology] + CONFIRMED_NEUROLOGY[neurology] + m1
        assert result.interpretation == published_band(result.value)


def published_band(total):
    """Vaccaro 2016 algorithm (§2.2): <= 3 trial of non-operative care, 4-5 either, > 5 operative."""
    return "nonoperative_trial" if total <= 3 else "either" if total <= 5 else "operative"


@pytest.mark.parametrize("total", range(1, 11))
def test_tl_aosis_every_confirmed_total_in_its_band_vaccaro2016(total):
    """Totals 1-10 from confirmed rows only: morphology (1-5) + neurology (0-4) + M1 (0-1)."""
    combos = [
        (m, n, m1)
        for m, mp in CONFIRMED_MORPHOLOGY.items()
        for n, np_ in CONFIRMED_NEUROLOGY.items()
        for m1 in (False, True)
        if mp + np_ + m1 == total
    ]
    morphology, neurology, m1 = combos[0]
    result = aospine_tl.classify({"morphology": morphology, "neurology": neurology, "m1": m1})
    assert (result.value, result.interpretation) == (total, published_band(total))
