"""mFI-5: Subramaniam S et al. J Am Coll Surg 2018;226(2):173-181.e8 (classifications.md §8.3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import mfi5

ITEMS = mfi5.INSTRUMENT.item_ids
NONE = dict.fromkeys(ITEMS, False)


def test_mfi5_no_item_is_0_subramaniam2018():
    result = mfi5.score(NONE)
    assert (result.value, result.category, result.interpretation) == (0, None, None)
    assert result.details["spine_study_group"] == "0"


@pytest.mark.parametrize("item", ITEMS)
def test_mfi5_each_item_scores_one_point_subramaniam2018(item):
    """One point each (Subramaniam 2018)."""
    assert mfi5.score({**NONE, item: True}).value == 1


@pytest.mark.parametrize(("count", "group"), [(0, "0"), (1, "1"), (2, "2_or_more"), (5, "2_or_more")])
def test_mfi5_spine_study_grouping_0_1_2_or_more(count, group):
    """Common spine-study groupings 0, 1, ≥ 2; no universal cut-off (classifications.md §8.3)."""
    result = mfi5.score({**NONE, **dict.fromkeys(ITEMS[:count], True)})
    assert result.value == count and result.details["spine_study_group"] == group


def test_mfi5_is_reachable_through_the_registry():
    assert registry.score("mfi5", dict.fromkeys(ITEMS, True)).value == 5
    assert mfi5.classify(dict.fromkeys(ITEMS, True)).value == 5


@pytest.mark.parametrize(
    ("responses", "item"),
    [
        ({k: v for k, v in NONE.items() if k != "copd_or_pneumonia"}, "copd_or_pneumonia"),
        ({**NONE, "diabetes_mellitus": 1}, "diabetes_mellitus"),
        ({**NONE, "diabetes_mellitus": None}, "diabetes_mellitus"),
        ({**NONE, "diabetes_mellitus": "yes"}, "diabetes_mellitus"),
        ({**NONE, "smoking": True}, "item"),
    ],
)
def test_bad_input_names_the_item(responses, item):
    with pytest.raises(ScoreInputError) as excinfo:
        mfi5.score(responses)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        mfi5.score(3)
    with pytest.raises(ScoreInputError):
        mfi5.score(NONE, cut_off=2)


answers = st.fixed_dictionaries({key: st.booleans() for key in ITEMS})


@given(answers)
def test_count_in_range(data):
    assert 0 <= mfi5.score(data).value <= 5


@given(answers, st.sampled_from(ITEMS))
def test_count_never_falls_when_an_item_is_added(data, key):
    assert mfi5.score({**data, key: True}).value >= mfi5.score(data).value


@given(answers, st.sampled_from(ITEMS), st.one_of(st.none(), st.integers(), st.text()))
def test_non_boolean_item_always_raises(data, key, value):
    with pytest.raises(ScoreInputError):
        mfi5.score({**data, key: value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in mfi5.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*mfi5.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = mfi5.classify(data)
    except ScoreInputError:
        return
    assert result.code == mfi5.INSTRUMENT.code
