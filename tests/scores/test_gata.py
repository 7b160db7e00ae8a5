"""GATA spinal TB classification: Oguz E et al. Int Orthop 2008;32(1):127-133 (classifications.md §6.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import UNVALIDATED
from spinescores.classification import gata


@pytest.mark.parametrize("gata_type", ["IA", "IB", "II", "III"])
def test_gata_type_is_stored_and_flagged_unvalidated_oguz2008(gata_type):
    """Type definitions are from recall (⚠): store the clinician's type, flag unvalidated (§6.1, §9)."""
    result = gata.classify({"type": gata_type})
    assert (result.category, result.interpretation) == (gata_type, f"type_{gata_type}")
    assert result.flags == (UNVALIDATED,) and result.value is None


def test_gata_offers_no_treatment_suggestion():
    """Suggested treatments are unconfirmed (⚠) and therefore not returned."""
    assert gata.classify({"type": "II"}).details == {}


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "type"),
        ({"type": "IC"}, "type"),
        ({"type": 2}, "type"),
        ({"type": None}, "type"),
        ({"type": "II", "abscess": True}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        gata.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        gata.classify("II")
    with pytest.raises(ScoreInputError):
        gata.classify({"type": "II"}, derive=True)


@given(
    st.one_of(
        st.none(), st.integers(), st.text(max_size=4).filter(lambda s: s not in ("IA", "IB", "II", "III"))
    )
)
def test_invalid_type_always_raises(value):
    with pytest.raises(ScoreInputError):
        gata.classify({"type": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in gata.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*gata.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = gata.classify(data)
    except ScoreInputError:
        return
    assert result.code == gata.INSTRUMENT.code
