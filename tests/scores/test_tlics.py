"""TLICS (Vaccaro AR, et al. Spine 2005;30(20):2325-2333; classifications.md §2.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import tlics
from tests.scores._published import inputs_with_total, offered, rows, totals

#: Vaccaro 2005 (classifications.md section 2.1), typed in: category -> value -> points.
VACCARO_2005 = {
    "morphology": {"compression": 1, "burst": 2, "translation_rotation": 3, "distraction": 4},
    "plc": {"intact": 0, "indeterminate": 2, "injured": 3},
    "neurology": {"intact": 0, "nerve_root": 2, "cord_complete": 2, "cord_incomplete": 3, "cauda_equina": 3},
}


def published_band(total):
    """Total <= 3 non-operative, 4 either (surgeon choice), >= 5 operative (section 2.1)."""
    return "nonoperative" if total <= 3 else "surgeon_choice" if total == 4 else "operative"


def make(**overrides):
    return {"morphology": "compression", "plc": "intact", "neurology": "intact", **overrides}


@pytest.mark.parametrize(("category", "value", "points"), rows(VACCARO_2005))
def test_tlics_category_points_vaccaro2005(category, value, points):
    """Morphology 1-4, PLC 0/2/3, neurology 0/2/2/3/3 (Vaccaro 2005, one case per table row)."""
    assert tlics.classify(make(**{category: value})).subscores[category] == points


def test_tlics_offers_exactly_the_published_values():
    assert offered(tlics.INSTRUMENT) == {item: set(table) for item, table in VACCARO_2005.items()}


@pytest.mark.parametrize("total", totals(VACCARO_2005))
def test_tlics_total_cut_offs_vaccaro2005(total):
    """Every reachable total 1-10 against the published treatment cut-offs (section 2.1)."""
    result = tlics.classify(inputs_with_total(VACCARO_2005, total))
    assert (result.value, result.category, result.interpretation) == (
        total,
        published_band(total),
        published_band(total),
    )


def test_tlics_worked_example_burst_with_incomplete_cord_injury():
    """L1 burst (2), PLC injured (3), incomplete conus injury (3): 8, operative (section 2.1)."""
    result = tlics.classify({"morphology": "burst", "plc": "injured", "neurology": "cord_incomplete"})
    assert (result.value, result.category) == (8, "operative")
    assert dict(result.subscores) == {"morphology": 2, "plc": 3, "neurology": 3}


def test_tlics_incomplete_cord_scores_above_complete_vaccaro2005():
    """Incomplete cord/conus 3 > complete 2, by design (Vaccaro 2005)."""
    assert tlics.classify(make(neurology="cord_incomplete")).value == 4
    assert tlics.classify(make(neurology="cord_complete")).value == 3


def test_tlics_3_or_less_is_nonoperative_vaccaro2005():
    """Total <= 3 -> non-operative (Vaccaro 2005)."""
    result = tlics.classify(make(neurology="cord_complete"))
    assert (result.value, result.category) == (3, "nonoperative")
    assert tlics.classify(make()).category == "nonoperative"


def test_tlics_4_is_surgeon_choice_vaccaro2005():
    """Total 4 -> either (surgeon choice) (Vaccaro 2005)."""
    result = tlics.classify(make(morphology="burst", plc="indeterminate"))
    assert (result.value, result.category) == (4, "surgeon_choice")


def test_tlics_5_or_more_is_operative_vaccaro2005():
    """Total >= 5 -> operative (Vaccaro 2005)."""
    result = tlics.classify(make(morphology="burst", plc="injured"))
    assert (result.value, result.category) == (5, "operative")
    worst = tlics.classify(make(morphology="distraction", plc="injured", neurology="cauda_equina"))
    assert (worst.value, worst.category) == (10, "operative")


def test_tlics_scores_the_single_worst_value_per_category_vaccaro2005():
    """A list of findings per category scores its worst one (Vaccaro 2005)."""
    result = tlics.classify(
        make(morphology=["compression", "distraction", "burst"], neurology=("nerve_root", "cord_incomplete"))
    )
    assert result.subscores["morphology"] == 4 and result.subscores["neurology"] == 3
    assert result.details["morphology"] == "distraction"


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("morphology", "none"),
        ("morphology", []),
        ("morphology", ["burst", "wedge"]),
        ("plc", None),
        ("neurology", True),
        ("plc", 2),
        ("neurology", ["intact", None]),
    ],
)
def test_tlics_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        tlics.classify(make(**{item_id: value}))
    assert error.value.item == item_id


def test_tlics_rejects_missing_unknown_options_and_non_mapping():
    with pytest.raises(ScoreInputError, match="plc"):
        tlics.classify({"morphology": "burst", "neurology": "intact"})
    with pytest.raises(ScoreInputError, match="level"):
        tlics.classify(make(level="L1"))
    with pytest.raises(ScoreInputError, match="option"):
        tlics.classify(make(), worst=False)
    with pytest.raises(ScoreInputError, match="inputs"):
        tlics.classify(("burst",))


values = {category: st.sampled_from(sorted(table)) for category, table in VACCARO_2005.items()}


@given(st.fixed_dictionaries(values))
def test_tlics_total_in_range(inputs):
    result = tlics.classify(inputs)
    assert 1 <= result.value <= 10
    assert result.value == sum(VACCARO_2005[category][value] for category, value in inputs.items())
    assert result.category == published_band(result.value)


@given(
    st.fixed_dictionaries(values),
    st.sampled_from(sorted(VACCARO_2005)),
    st.one_of(st.none(), st.integers(), st.text(max_size=4), st.booleans()),
)
def test_tlics_invalid_value_always_raises(inputs, category, bad):
    if bad in VACCARO_2005[category]:
        return
    with pytest.raises(ScoreInputError):
        tlics.classify({**inputs, category: bad})
