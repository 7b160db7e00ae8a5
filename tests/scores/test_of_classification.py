"""OF classification: Schnake KJ et al. Global Spine J 2018;8(2 Suppl):46S-49S (classifications.md §5.3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import of_classification

NONE = {"tension_band_failure": False, "both_endplates_or_collapse": False, "one_endplate_deformed": False,
        "posterior_wall": "none_or_minor", "stir_oedema_only": False}


def findings(**changes):
    return {**NONE, **changes}


def test_of_tension_band_failure_is_of5_schnake2018():
    """Step 1: tension-band failure → OF 5 (Schnake 2018)."""
    result = of_classification.classify({"tension_band_failure": True})
    assert (result.category, result.value) == ("OF5", 5)


def test_of_both_endplates_or_collapse_is_of4_schnake2018():
    """Step 2: both endplates / frame lost / collapse / pincer → OF 4 (Schnake 2018)."""
    assert of_classification.classify(findings(both_endplates_or_collapse=True)).category == "OF4"


def test_of_one_endplate_distinct_posterior_wall_is_of3_schnake2018():
    """Step 3: one endplate with > 1/5 posterior-wall involvement → OF 3 (Schnake 2018)."""
    result = of_classification.classify(findings(one_endplate_deformed=True, posterior_wall="distinct"))
    assert result.category == "OF3"


def test_of_one_endplate_minor_posterior_wall_is_of2_schnake2018():
    """Step 4: one endplate, no or minor (< 1/5) posterior-wall involvement → OF 2 (Schnake 2018)."""
    assert of_classification.classify(findings(one_endplate_deformed=True)).category == "OF2"


def test_of_stir_oedema_only_is_of1_schnake2018():
    """Step 5: no deformation, oedema on MRI-STIR only → OF 1 (Schnake 2018)."""
    assert of_classification.classify(findings(stir_oedema_only=True)).category == "OF1"


def test_of_none_of_the_findings_is_no_fracture_schnake2018():
    """None of the findings → no fracture (classifications.md §5.3)."""
    result = of_classification.classify(NONE)
    assert (result.category, result.value) == ("no_fracture", None)


def test_of_first_match_wins_schnake2018():
    """Apply top-down, first match wins (classifications.md §5.3)."""
    everything = findings(tension_band_failure=True, both_endplates_or_collapse=True, stir_oedema_only=True)
    assert of_classification.classify(everything).category == "OF5"


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({}, "tension_band_failure"),
        ({"tension_band_failure": False}, "both_endplates_or_collapse"),
        ({"tension_band_failure": False, "both_endplates_or_collapse": False}, "one_endplate_deformed"),
        ({"tension_band_failure": False, "both_endplates_or_collapse": False, "one_endplate_deformed": True},
         "posterior_wall"),
        ({"tension_band_failure": False, "both_endplates_or_collapse": False, "one_endplate_deformed": False},
         "stir_oedema_only"),
        (findings(one_endplate_deformed=True, posterior_wall="one_fifth"), "posterior_wall"),
        (findings(tension_band_failure=None), "tension_band_failure"),
        (findings(tension_band_failure=0), "tension_band_failure"),
        (findings(level="L1"), "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        of_classification.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        of_classification.classify("OF1")
    with pytest.raises(ScoreInputError):
        of_classification.classify(NONE, version=2)


full = st.fixed_dictionaries({
    "tension_band_failure": st.booleans(), "both_endplates_or_collapse": st.booleans(),
    "one_endplate_deformed": st.booleans(), "posterior_wall": st.sampled_from(["none_or_minor", "distinct"]),
    "stir_oedema_only": st.booleans(),
})


@given(full)
def test_any_findings_give_a_type(data):
    result = of_classification.classify(data)
    assert result.category in ("OF1", "OF2", "OF3", "OF4", "OF5", "no_fracture")


@given(full, st.sampled_from(sorted(NONE)), st.one_of(st.none(), st.integers(), st.text(max_size=2)))
def test_invalid_finding_on_the_path_raises(data, key, value):
    data = {**data, key: value}
    data.update({k: False for k in ("tension_band_failure", "both_endplates_or_collapse") if k != key})
    if key == "posterior_wall":
        data["one_endplate_deformed"] = True
    elif key == "stir_oedema_only":
        data["one_endplate_deformed"] = False
    with pytest.raises(ScoreInputError):
        of_classification.classify(data)


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in of_classification.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*of_classification.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = of_classification.classify(data)
    except ScoreInputError:
        return
    assert result.code == of_classification.INSTRUMENT.code
