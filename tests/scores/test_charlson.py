"""Charlson Comorbidity Index: Charlson ME et al. J Chronic Dis 1987;40(5):373-383; age-combined version
Charlson M et al. J Clin Epidemiol 1994;47(11):1245-1251 (classifications.md §8.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import charlson

NONE = dict.fromkeys(charlson.CONDITIONS, False)


def cci(*present, age=None):
    responses = {**NONE, **dict.fromkeys(present, True)}
    if age is not None:
        responses["age_years"] = age
    return charlson.score(responses)


def test_charlson_no_condition_is_0_charlson1987():
    result = cci()
    assert result.value == 0 and result.missing_items == ("age_years",)
    assert result.subscores["age_adjusted_cci"] is None


@pytest.mark.parametrize(
    ("condition", "weight"), [(key, w) for key, (w, _, _) in charlson.CONDITIONS.items()]
)
def test_charlson_condition_weights_charlson1987(condition, weight):
    """Weights 1, 2, 3, 6 per condition (Charlson 1987)."""
    assert cci(condition).value == weight


@pytest.mark.parametrize(
    ("mild", "severe", "expected"),
    [
        ("mild_liver_disease", "liver_disease_moderate_severe", 3),
        ("diabetes_uncomplicated", "diabetes_end_organ_damage", 2),
        ("solid_tumour", "metastatic_solid_tumour", 6),
    ],
)
def test_charlson_hierarchy_counts_only_the_more_severe_charlson1987(mild, severe, expected):
    """Of each hierarchical pair only the more severe condition counts (classifications.md §8.2)."""
    result = cci(mild, severe)
    assert result.value == expected
    assert result.details["counted"] == (severe,)


@pytest.mark.parametrize(
    ("age", "points"),
    [(0, 0), (49, 0), (50, 1), (59, 1), (60, 2), (69, 2), (70, 3), (79, 3), (80, 4), (110, 4)],
)
def test_charlson_age_points_50_60_70_80_charlson1994(age, points):
    """Age < 50 → 0; 50-59 → 1; 60-69 → 2; 70-79 → 3; ≥ 80 → 4 (Charlson 1994, §8.2)."""
    result = cci("dementia", age=age)
    assert result.subscores["age_points"] == points
    assert result.subscores["age_adjusted_cci"] == 1 + points
    assert result.value == 1 and result.missing_items == ()


def test_charlson_combined_example_reports_both_indices_charlson1994():
    """Report both unadjusted and age-adjusted CCI (§8.2)."""
    result = cci("congestive_heart_failure", "hemiplegia", "aids", age=65)
    assert dict(result.subscores) == {"cci": 9, "age_points": 2, "age_adjusted_cci": 11}


def test_charlson_is_reachable_through_the_registry():
    assert registry.score("charlson", {**NONE, "aids": True}).value == 6
    assert charlson.classify({**NONE, "aids": True}).value == 6


@pytest.mark.parametrize(
    ("responses", "item"),
    [
        ({k: v for k, v in NONE.items() if k != "dementia"}, "dementia"),
        ({**NONE, "aids": 1}, "aids"),
        ({**NONE, "aids": None}, "aids"),
        ({**NONE, "age_years": -1}, "age_years"),
        ({**NONE, "age_years": 131}, "age_years"),
        ({**NONE, "age_years": 65.5}, "age_years"),
        ({**NONE, "age_years": True}, "age_years"),
        ({**NONE, "age_years": "65"}, "age_years"),
        ({**NONE, "hiv": True}, "item"),
    ],
)
def test_bad_input_names_the_item(responses, item):
    with pytest.raises(ScoreInputError) as excinfo:
        charlson.score(responses)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        charlson.score(["aids"])
    with pytest.raises(ScoreInputError):
        charlson.score(NONE, version="quan")


conditions = st.fixed_dictionaries({key: st.booleans() for key in charlson.CONDITIONS})
ages = st.integers(0, 130)


@given(conditions, ages)
def test_index_in_range(data, age):
    result = charlson.score({**data, "age_years": age})
    assert 0 <= result.value <= 33
    assert 0 <= result.subscores["age_adjusted_cci"] <= 37


@given(conditions, st.sampled_from(sorted(charlson.CONDITIONS)), ages)
def test_index_never_falls_when_a_condition_is_added(data, key, age):
    before = charlson.score({**data, "age_years": age})
    after = charlson.score({**data, key: True, "age_years": age})
    assert after.value >= before.value
    assert after.subscores["age_adjusted_cci"] >= before.subscores["age_adjusted_cci"]


@given(conditions, ages, ages)
def test_age_adjusted_index_never_falls_as_age_rises(data, a, b):
    younger, older = sorted((a, b))
    assert (
        charlson.score({**data, "age_years": older}).subscores["age_adjusted_cci"]
        >= charlson.score({**data, "age_years": younger}).subscores["age_adjusted_cci"]
    )


@given(
    conditions, st.sampled_from(sorted(charlson.CONDITIONS)), st.one_of(st.none(), st.integers(), st.text())
)
def test_non_boolean_condition_always_raises(data, key, value):
    with pytest.raises(ScoreInputError):
        charlson.score({**data, key: value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in charlson.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*charlson.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = charlson.classify(data)
    except ScoreInputError:
        return
    assert result.code == charlson.INSTRUMENT.code
