"""OSTA: Koh LK et al. Osteoporos Int 2001;12(8):699-705 (classifications.md §5.5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.base import NEEDS_REVIEW, UNVALIDATED
from spinescores.classification import osta


def osta_of(weight, age, rounding=None):
    return osta.score({"weight_kg": weight, "age_years": age}, rounding=rounding)


def test_osta_index_is_0_2_times_weight_minus_age_koh2001():
    """Index = 0.2 × (weight kg - age years), unrounded value stored (Koh 2001, §5.5)."""
    assert osta_of(61, 65).value == pytest.approx(-0.8)
    assert osta_of(70, 50).value == 4.0


@pytest.mark.parametrize(
    ("weight", "age", "category"),
    [
        (65, 65, "low"),  # index 0
        (60, 65, "moderate"),  # index -1 (inclusive)
        (50, 70, "moderate"),  # index -4 (inclusive)
        (45, 70, "high"),  # index -5
        (58, 65, "moderate"),  # -1.4: -1 under both rules
        (63.5, 65, "low"),  # -0.3: 0 under both rules
    ],
)
def test_osta_low_above_minus_1_moderate_minus_4_to_minus_1_high_below_minus_4_koh2001(weight, age, category):
    """low > -1; moderate -4 to -1 inclusive; high < -4 (Koh 2001, §5.5)."""
    result = osta_of(weight, age)
    assert (result.category, result.flags) == (category, ())


@pytest.mark.parametrize(("weight", "age"), [(61, 65), (47, 70), (45.5, 70)])
def test_osta_rule_dependent_category_needs_review_without_a_rule(weight, age):
    """Truncation vs rounding is unconfirmed: flag indices whose category depends on it (§5.5, §9)."""
    result = osta_of(weight, age)
    assert result.category is None
    assert result.flags == (NEEDS_REVIEW, UNVALIDATED)


@pytest.mark.parametrize(
    ("weight", "age", "truncated", "rounded"),
    [(61, 65, "low", "moderate"), (47, 70, "moderate", "high"), (46, 70, "moderate", "high")],
)
def test_osta_chosen_rule_decides_and_is_flagged_unvalidated(weight, age, truncated, rounded):
    assert osta_of(weight, age, "truncate").category == truncated
    assert osta_of(weight, age, "round").category == rounded
    assert osta_of(weight, age, "round").flags == (UNVALIDATED,)
    assert osta_of(weight, age, "round").details["rounding"] == "round"


def test_osta_exact_half_is_ambiguous_under_rounding():
    """-0.5 rounds to -1 (half down) or 0 (half up): both neighbours are considered."""
    result = osta_of(62.5, 65, "round")
    assert result.subscores["index_rounded"] == (-1, 0)
    assert result.category is None and result.flags == (NEEDS_REVIEW, UNVALIDATED)
    assert osta_of(62.5, 65, "truncate").category == "low"


def test_osta_is_reachable_through_the_registry():
    assert registry.score("osta", {"weight_kg": 45, "age_years": 70}).category == "high"
    assert osta.classify({"weight_kg": 45, "age_years": 70}).category == "high"


@pytest.mark.parametrize(
    ("responses", "item"),
    [
        ({"age_years": 60}, "weight_kg"),
        ({"weight_kg": 60}, "age_years"),
        ({"weight_kg": 0, "age_years": 60}, "weight_kg"),
        ({"weight_kg": 501, "age_years": 60}, "weight_kg"),
        ({"weight_kg": 60, "age_years": -1}, "age_years"),
        ({"weight_kg": 60, "age_years": 131}, "age_years"),
        ({"weight_kg": True, "age_years": 60}, "weight_kg"),
        ({"weight_kg": None, "age_years": 60}, "weight_kg"),
        ({"weight_kg": "60", "age_years": 60}, "weight_kg"),
        ({"weight_kg": 60, "age_years": 60, "sex": "F"}, "item"),
    ],
)
def test_bad_input_names_the_item(responses, item):
    with pytest.raises(ScoreInputError) as excinfo:
        osta.score(responses)
    assert excinfo.value.item == item


def test_bad_rounding_and_unknown_option_are_rejected():
    with pytest.raises(ScoreInputError) as excinfo:
        osta_of(60, 60, "floor")
    assert excinfo.value.item == "rounding"
    with pytest.raises(ScoreInputError) as excinfo:
        osta.score({"weight_kg": 60, "age_years": 60}, population="CN")
    assert excinfo.value.item == "option"
    with pytest.raises(ScoreInputError):
        osta.score((60, 60))


weights = st.floats(min_value=1, max_value=500)
ages = st.floats(min_value=0, max_value=130)
ORDER = ("low", "moderate", "high")


@given(weights, ages, st.sampled_from([None, "truncate", "round"]))
def test_category_is_a_band_or_flagged(weight, age, rounding):
    result = osta_of(weight, age, rounding)
    assert result.category in (*ORDER, None)
    if result.category is None:
        assert NEEDS_REVIEW in result.flags


@given(st.integers(1, 500), st.integers(0, 130), st.integers(0, 20), st.sampled_from(["truncate", "round"]))
def test_risk_never_falls_as_age_rises(weight, age, extra, rounding):
    younger = osta_of(weight, age, rounding).category
    older = osta_of(weight, min(age + extra, 130), rounding).category
    if younger and older:
        assert ORDER.index(older) >= ORDER.index(younger)


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(max_value=0.999),
                 st.floats(min_value=500.001)))
def test_invalid_weight_always_raises(weight):
    with pytest.raises(ScoreInputError):
        osta.score({"weight_kg": weight, "age_years": 60})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in osta.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*osta.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = osta.classify(data)
    except ScoreInputError:
        return
    assert result.code == osta.INSTRUMENT.code
