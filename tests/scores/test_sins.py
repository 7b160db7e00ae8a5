"""SINS (Fisher CG, et al. Spine 2010;35(22):E1221-E1229; classifications.md §1.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import sins

STABLE_ZERO = {"location": "rigid", "pain": "pain_free", "bone_lesion": "blastic", "alignment": "normal",
               "collapse": "none", "posterolateral": "none"}


def make(**overrides):
    return {**STABLE_ZERO, **overrides}


@pytest.mark.parametrize(("item_id", "value", "points"), [
    (item_id, value, points) for item_id, table in sins.POINTS.items() for value, points in table.items()
])
def test_sins_component_points_fisher2010(item_id, value, points):
    """Each allowed component value scores its Fisher 2010 points (table in §1.1)."""
    result = sins.classify(make(**{item_id: value}))
    assert result.subscores[item_id] == points
    assert result.value == points


def test_sins_all_worst_is_18_unstable_fisher2010():
    """Maximum total 18 (Fisher 2010)."""
    worst = {item_id: max(table, key=table.get) for item_id, table in sins.POINTS.items()}
    result = sins.classify(worst)
    assert (result.value, result.category) == (18, "unstable")


def test_sins_0_to_6_is_stable_fisher2010():
    """Totals 0-6 are stable (Fisher 2010): 6 = junctional 3 + mechanical pain 3."""
    result = sins.classify(make(location="junctional", pain="mechanical"))
    assert (result.value, result.category, result.interpretation) == (6, "stable", "stable")
    assert result.details["refer_to_surgeon"] is False
    assert sins.classify(make()).category == "stable"


def test_sins_7_to_12_is_potentially_unstable_fisher2010():
    """Totals 7-12 are potentially unstable / indeterminate; 7 triggers referral (Fisher 2010)."""
    result = sins.classify(make(location="junctional", pain="mechanical", posterolateral="unilateral"))
    assert (result.value, result.category) == (7, "potentially_unstable")
    assert result.details["refer_to_surgeon"] is True
    twelve = make(location="junctional", pain="mechanical", alignment="subluxation_translation",
                  bone_lesion="lytic")
    assert (sins.classify(twelve).value, sins.classify(twelve).category) == (12, "potentially_unstable")


def test_sins_13_to_18_is_unstable_fisher2010():
    """Totals 13-18 are unstable (Fisher 2010)."""
    inputs = make(location="junctional", pain="mechanical", alignment="subluxation_translation",
                  bone_lesion="lytic", posterolateral="unilateral")
    result = sins.classify(inputs)
    assert (result.value, result.category) == (13, "unstable")


def test_sins_result_metadata_and_registry():
    result = registry.classify("sins", make())
    assert result.code == "sins" and result.version == "sins@fisher2010"
    assert result.to_dict()["subscores"]["location"] == 0
    assert sins.INSTRUMENT.confidence == "C"


@pytest.mark.parametrize("bad", [None, [], "junctional", 3])
def test_sins_rejects_non_mapping(bad):
    with pytest.raises(ScoreInputError, match="inputs"):
        sins.classify(bad)


@pytest.mark.parametrize(("item_id", "value"), [
    ("location", None), ("location", "cervical"), ("pain", True), ("collapse", 0.5), ("collapse", 50),
    ("bone_lesion", ""),
])
def test_sins_rejects_bad_value_naming_item(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        sins.classify(make(**{item_id: value}))
    assert error.value.item == item_id
    assert repr(value) in str(error.value)


def test_sins_rejects_missing_component():
    inputs = make()
    del inputs["pain"]
    with pytest.raises(ScoreInputError, match="pain.*required"):
        sins.classify(inputs)


def test_sins_rejects_unknown_key():
    with pytest.raises(ScoreInputError, match="level"):
        sins.classify(make(level="T5"))


def test_sins_rejects_unknown_option():
    with pytest.raises(ScoreInputError, match="option"):
        sins.classify(make(), strict=True)


valid_inputs = st.fixed_dictionaries({k: st.sampled_from(sorted(v)) for k, v in sins.POINTS.items()})


@given(valid_inputs)
def test_sins_total_in_range_and_band_consistent(inputs):
    result = sins.classify(inputs)
    assert 0 <= result.value <= 18
    assert result.value == sum(result.subscores.values())
    assert result.category == sins.band_of(result.value)


@given(valid_inputs, st.sampled_from(sorted(sins.POINTS)),
       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)))
def test_sins_invalid_value_always_raises_score_input_error(inputs, item_id, bad):
    if bad in sins.POINTS[item_id] and not isinstance(bad, bool):
        return
    with pytest.raises(ScoreInputError):
        sins.classify({**inputs, item_id: bad})
