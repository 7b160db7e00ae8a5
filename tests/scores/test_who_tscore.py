"""WHO T-score categories: WHO Technical Report Series 843, 1994 (classifications.md §5.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import UNVALIDATED
from spinescores.classification import who_tscore

WOMAN = {"population": "postmenopausal_woman"}


def spine(t, **extra):
    return {**WOMAN, "t_score_lumbar_spine": t, **extra}


@pytest.mark.parametrize("t", [-1.0, 0.0, 2.5])
def test_who_tscore_minus_1_or_above_is_normal_who1994(t):
    """T ≥ -1.0 → normal (WHO 1994)."""
    assert who_tscore.classify(spine(t)).category == "normal"


@pytest.mark.parametrize("t", [-1.01, -1.5, -2.49])
def test_who_tscore_between_minus_2_5_and_minus_1_is_low_bone_mass_who1994(t):
    """-2.5 < T < -1.0 → low bone mass (WHO 1994)."""
    assert who_tscore.classify(spine(t)).category == "low_bone_mass"


@pytest.mark.parametrize("t", [-2.5, -2.51, -4.0])
def test_who_tscore_minus_2_5_is_osteoporosis_who1994(t):
    """T ≤ -2.5 → osteoporosis (WHO 1994)."""
    result = who_tscore.classify(spine(t, fragility_fracture=False))
    assert (result.category, result.value, result.flags) == ("osteoporosis", t, ())


def test_who_tscore_minus_2_5_with_fragility_fracture_is_severe_who1994():
    """T ≤ -2.5 and ≥ 1 fragility fracture → severe (established) osteoporosis (WHO 1994)."""
    assert who_tscore.classify(spine(-2.5, fragility_fracture=True)).category == "severe_osteoporosis"


def test_who_tscore_fracture_above_minus_2_5_is_not_severe_who1994():
    """A fracture does not change a T-score above -2.5 (WHO 1994)."""
    assert who_tscore.classify(spine(-2.4, fragility_fracture=True)).category == "low_bone_mass"


def test_who_tscore_men_50_or_older_use_the_categories_who1994():
    result = who_tscore.classify({"population": "man_50_or_older", "t_score_total_hip": -1.2})
    assert result.category == "low_bone_mass" and result.details["diagnostic_site"] == "total_hip"


@pytest.mark.parametrize("population", ["premenopausal_woman", "man_under_50"])
def test_who_tscore_younger_people_use_z_score_who1994(population):
    """Premenopausal women and younger men: use the Z-score, not the categories (§5.1)."""
    result = who_tscore.classify({"population": population, "t_score_lumbar_spine": -3.0})
    assert (result.category, result.interpretation, result.value) == (None, "use_z_score", None)


def test_who_tscore_lowest_site_is_diagnostic_and_flagged_when_it_decides():
    """Lowest site is diagnostic: a convention, flagged unvalidated when sites disagree (§5.1, §9)."""
    result = who_tscore.classify(spine(-0.5, t_score_femoral_neck=-1.8))
    assert (result.category, result.value, result.details["diagnostic_site"]) == ("low_bone_mass", -1.8,
                                                                                  "femoral_neck")
    assert result.flags == (UNVALIDATED,)
    assert dict(result.subscores) == {"lumbar_spine": -0.5, "femoral_neck": -1.8}


def test_who_tscore_sites_in_the_same_category_are_not_flagged():
    result = who_tscore.classify(spine(-1.2, t_score_forearm=-2.0))
    assert result.flags == () and result.value == -2.0


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({"t_score_lumbar_spine": -1}, "population"),
        (WOMAN, "t_score"),
        (spine(-2.6), "fragility_fracture"),
        (spine(-11), "t_score_lumbar_spine"),
        (spine(10.5), "t_score_lumbar_spine"),
        (spine(True), "t_score_lumbar_spine"),
        (spine(None), "t_score_lumbar_spine"),
        (spine("-2"), "t_score_lumbar_spine"),
        (spine(-3, fragility_fracture="no"), "fragility_fracture"),
        ({"population": "woman", "t_score_lumbar_spine": -1}, "population"),
        (spine(-1, t_score_wrist=-1), "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        who_tscore.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        who_tscore.classify(-2.5)
    with pytest.raises(ScoreInputError):
        who_tscore.classify(spine(-1), site="lowest")


ORDER = ("normal", "low_bone_mass", "osteoporosis", "severe_osteoporosis")
t_scores = st.floats(min_value=-10, max_value=10, allow_nan=False)


@given(t_scores, st.booleans())
def test_any_valid_t_score_gets_a_category(t, fracture):
    assert who_tscore.classify(spine(t, fragility_fracture=fracture)).category in ORDER


@given(t_scores, t_scores, st.booleans())
def test_category_never_improves_as_t_score_falls(a, b, fracture):
    high, low = max(a, b), min(a, b)
    worse = who_tscore.classify(spine(low, fragility_fracture=fracture)).category
    better = who_tscore.classify(spine(high, fragility_fracture=fracture)).category
    assert ORDER.index(worse) >= ORDER.index(better)


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(min_value=10.001),
                 st.floats(max_value=-10.001), st.just(float("nan"))))
def test_invalid_t_score_always_raises(value):
    with pytest.raises(ScoreInputError):
        who_tscore.classify(spine(value, fragility_fracture=False))


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in who_tscore.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*who_tscore.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = who_tscore.classify(data)
    except ScoreInputError:
        return
    assert result.code == who_tscore.INSTRUMENT.code
