"""ASA physical status: ASA classification system (amended 2020); Saklad 1941 (classifications.md §8.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import UNVALIDATED
from spinescores.classification import asa


@pytest.mark.parametrize(
    ("asa_class", "number", "meaning"),
    [
        ("I", 1, "healthy"),
        ("II", 2, "mild_systemic_disease"),
        ("III", 3, "severe_systemic_disease"),
        ("IV", 4, "threat_to_life"),
        ("V", 5, "moribund"),
        ("VI", 6, "brain_dead_donor"),
    ],
)
def test_asa_classes_are_stored_and_flagged_unvalidated_asa2020(asa_class, number, meaning):
    """ASA I-VI, stored not computed; tagged [U] in the reference → unvalidated (§8.1)."""
    result = asa.classify({"asa_class": asa_class, "emergency": False})
    assert (result.value, result.category, result.interpretation) == (number, asa_class, meaning)
    assert result.flags == (UNVALIDATED,) and result.missing_items == ()


def test_asa_emergency_adds_suffix_e_asa2020():
    """Suffix E marks emergency surgery, e.g. IIIE (§8.1)."""
    result = asa.classify({"asa_class": "III", "emergency": True})
    assert (result.category, result.value) == ("IIIE", 3)


def test_asa_emergency_not_given_is_listed_as_missing():
    result = asa.classify({"asa_class": "II"})
    assert result.category == "II" and result.missing_items == ("emergency",)
    assert result.details["emergency"] is None


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "asa_class"),
        ({"asa_class": "VII"}, "asa_class"),
        ({"asa_class": 3}, "asa_class"),
        ({"asa_class": "IIIE"}, "asa_class"),
        ({"asa_class": "II", "emergency": "E"}, "emergency"),
        ({"asa_class": "II", "emergency": None}, "emergency"),
        ({"asa_class": "II", "grade": 2}, "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        asa.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        asa.classify("II")
    with pytest.raises(ScoreInputError):
        asa.classify({"asa_class": "II"}, year=2014)


@given(st.sampled_from(asa.CLASSES), st.booleans())
def test_every_class_is_flagged_unvalidated(asa_class, emergency):
    result = asa.classify({"asa_class": asa_class, "emergency": emergency})
    assert 1 <= result.value <= 6 and UNVALIDATED in result.flags


@given(st.one_of(st.none(), st.integers(), st.text(max_size=4).filter(lambda s: s not in asa.CLASSES)))
def test_invalid_class_always_raises(value):
    with pytest.raises(ScoreInputError):
        asa.classify({"asa_class": value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in asa.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*asa.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = asa.classify(data)
    except ScoreInputError:
        return
    assert result.code == asa.INSTRUMENT.code
