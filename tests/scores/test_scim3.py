"""SCIM III totals: Itzkovich M et al. Disabil Rehabil 2007;29(24):1926-1933 (classifications.md §7.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import scim3


def test_scim3_total_is_the_sum_of_the_three_subscales_itzkovich2007():
    """Total 0-100 = self-care + respiration/sphincter + mobility (Itzkovich 2007)."""
    result = scim3.score({"self_care": 12, "respiration_sphincter": 25, "mobility": 18})
    assert result.value == 55
    assert dict(result.subscores) == {"self_care": 12, "respiration_sphincter": 25, "mobility": 18}


@pytest.mark.parametrize(("values", "total"), [((0, 0, 0), 0), ((20, 40, 40), 100)])
def test_scim3_range_0_to_100_itzkovich2007(values, total):
    """Subscale ranges 0-20, 0-40, 0-40; total 0-100 (Itzkovich 2007)."""
    assert scim3.score(dict(zip(scim3.SUBSCALES, values, strict=True))).value == total


def test_scim3_matching_stored_total_is_accepted():
    assert scim3.score({"self_care": 1, "respiration_sphincter": 2, "mobility": 3, "total": 6}).value == 6


def test_scim3_is_reachable_through_the_registry():
    assert registry.score("scim3", {"self_care": 1, "respiration_sphincter": 2, "mobility": 3}).value == 6
    assert scim3.classify({"self_care": 1, "respiration_sphincter": 2, "mobility": 3}).value == 6


@pytest.mark.parametrize(
    ("responses", "item"),
    [
        ({"respiration_sphincter": 2, "mobility": 3}, "self_care"),
        ({"self_care": 1, "mobility": 3}, "respiration_sphincter"),
        ({"self_care": 1, "respiration_sphincter": 2}, "mobility"),
        ({"self_care": 21, "respiration_sphincter": 2, "mobility": 3}, "self_care"),
        ({"self_care": -1, "respiration_sphincter": 2, "mobility": 3}, "self_care"),
        ({"self_care": 1, "respiration_sphincter": 41, "mobility": 3}, "respiration_sphincter"),
        ({"self_care": 1, "respiration_sphincter": 2, "mobility": 41}, "mobility"),
        ({"self_care": 1.5, "respiration_sphincter": 2, "mobility": 3}, "self_care"),
        ({"self_care": True, "respiration_sphincter": 2, "mobility": 3}, "self_care"),
        ({"self_care": None, "respiration_sphincter": 2, "mobility": 3}, "self_care"),
        ({"self_care": 1, "respiration_sphincter": 2, "mobility": 3, "total": 7}, "total"),
        ({"self_care": 1, "respiration_sphincter": 2, "mobility": 3, "total": 101}, "total"),
        ({"self_care": 1, "respiration_sphincter": 2, "mobility": 3, "feeding": 3}, "item"),
    ],
)
def test_bad_input_names_the_item(responses, item):
    with pytest.raises(ScoreInputError) as excinfo:
        scim3.score(responses)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        scim3.score([1, 2, 3])
    with pytest.raises(ScoreInputError):
        scim3.score({"self_care": 1, "respiration_sphincter": 2, "mobility": 3}, items=True)


subscales = st.fixed_dictionaries(
    {
        "self_care": st.integers(0, 20),
        "respiration_sphincter": st.integers(0, 40),
        "mobility": st.integers(0, 40),
    }
)


@given(subscales)
def test_total_in_range_and_equal_to_the_sum(data):
    result = scim3.score(data)
    assert 0 <= result.value <= 100 and result.value == sum(data.values())


@given(subscales, st.sampled_from(scim3.SUBSCALES))
def test_total_never_falls_when_a_subscale_rises(data, key):
    higher = {**data, key: min(data[key] + 1, 20 if key == "self_care" else 40)}
    assert scim3.score(higher).value >= scim3.score(data).value


@given(
    subscales,
    st.sampled_from(scim3.SUBSCALES),
    st.one_of(
        st.none(), st.booleans(), st.text(max_size=2), st.integers(max_value=-1), st.integers(min_value=41)
    ),
)
def test_invalid_subscale_always_raises(data, key, value):
    with pytest.raises(ScoreInputError):
        scim3.score({**data, key: value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in scim3.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*scim3.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = scim3.classify(data)
    except ScoreInputError:
        return
    assert result.code == scim3.INSTRUMENT.code
