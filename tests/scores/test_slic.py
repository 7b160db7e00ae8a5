"""SLIC (Vaccaro AR, et al. Spine 2007;32(21):2365-2374; classifications.md §2.3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import slic
from tests.scores._published import inputs_with_total, offered, rows, totals

#: Vaccaro 2007 (classifications.md section 2.3), typed in: category -> value -> points.
VACCARO_2007 = {
    "morphology": {"none": 0, "compression": 1, "burst": 2, "distraction": 3, "rotation_translation": 4},
    "dlc": {"intact": 0, "indeterminate": 1, "disrupted": 2},
    "neurology": {"intact": 0, "root": 1, "cord_complete": 2, "cord_incomplete": 3},
}


def published_band(total):
    """Total < 4 non-operative, 4 either, >= 5 operative (section 2.3)."""
    return "nonoperative" if total < 4 else "surgeon_choice" if total == 4 else "operative"


def make(**overrides):
    return {"morphology": "none", "dlc": "intact", "neurology": "intact", **overrides}


@pytest.mark.parametrize(("category", "value", "points"), rows(VACCARO_2007))
def test_slic_category_points_vaccaro2007(category, value, points):
    """Morphology 0-4, DLC 0-2, neurology 0-3 (Vaccaro 2007, one case per table row)."""
    result = slic.classify(make(**{category: value}))
    assert result.value == points
    assert result.subscores[category] == points


def test_slic_offers_exactly_the_published_values():
    assert offered(slic.INSTRUMENT) == {item: set(table) for item, table in VACCARO_2007.items()}


@pytest.mark.parametrize("total", totals(VACCARO_2007))
def test_slic_total_cut_offs_vaccaro2007(total):
    """Every total 0-9 without the modifier against the published cut-offs (section 2.3)."""
    result = slic.classify(inputs_with_total(VACCARO_2007, total))
    assert (result.value, result.category, result.interpretation) == (
        total,
        published_band(total),
        published_band(total),
    )


def test_slic_modifier_moves_a_total_of_4_to_operative_vaccaro2007():
    """Burst (2), DLC intact (0), root injury (1) = 3 non-operative; with continuous cord
    compression and the deficit +1 = 4, surgeon's choice; disrupted DLC then 6, operative."""
    inputs = make(morphology="burst", neurology="root")
    assert (slic.classify(inputs).value, slic.classify(inputs).category) == (3, "nonoperative")
    result = slic.classify({**inputs, "continuous_cord_compression": True})
    assert (result.value, result.category) == (4, "surgeon_choice")
    result = slic.classify({**inputs, "dlc": "disrupted", "continuous_cord_compression": True})
    assert (result.value, result.category) == (6, "operative")


def test_slic_worked_example_bilateral_facet_dislocation_with_incomplete_cord_injury():
    """Facet dislocation (rotation/translation 4), DLC disrupted (2), incomplete cord (3) and
    continuous compression (+1): 10, operative (section 2.3)."""
    result = slic.classify(
        {
            "morphology": "rotation_translation",
            "dlc": "disrupted",
            "neurology": "cord_incomplete",
            "continuous_cord_compression": True,
        }
    )
    assert (result.value, result.category) == (10, "operative")
    assert dict(result.subscores) == {
        "morphology": 4,
        "dlc": 2,
        "neurology": 3,
        "continuous_cord_compression": 1,
    }


def test_slic_cord_compression_with_deficit_adds_one_vaccaro2007():
    """Continuous cord compression with a neurological deficit: +1 (Vaccaro 2007)."""
    result = slic.classify(make(neurology="root", continuous_cord_compression=True))
    assert result.value == 2 and result.subscores["continuous_cord_compression"] == 1
    assert slic.classify(make(neurology="root", continuous_cord_compression=False)).value == 1


def test_slic_cord_compression_without_deficit_is_rejected_vaccaro2007():
    """The +1 modifier is only valid when neurology > 0 (§2.3)."""
    with pytest.raises(ScoreInputError, match="continuous_cord_compression"):
        slic.classify(make(continuous_cord_compression=True))


def test_slic_under_4_is_nonoperative_vaccaro2007():
    """Total < 4 -> non-operative (Vaccaro 2007)."""
    result = slic.classify(make(morphology="distraction"))
    assert (result.value, result.category) == (3, "nonoperative")


def test_slic_4_is_surgeon_choice_vaccaro2007():
    """Total 4 -> either (Vaccaro 2007)."""
    result = slic.classify(make(morphology="distraction", dlc="indeterminate"))
    assert (result.value, result.category) == (4, "surgeon_choice")


def test_slic_5_or_more_is_operative_vaccaro2007():
    """Total >= 5 -> operative; maximum 10 (Vaccaro 2007)."""
    assert slic.classify(make(morphology="distraction", dlc="disrupted")).category == "operative"
    worst = slic.classify(
        make(
            morphology="rotation_translation",
            dlc="disrupted",
            neurology="cord_incomplete",
            continuous_cord_compression=True,
        )
    )
    assert (worst.value, worst.category) == (10, "operative")


def test_slic_scores_the_worst_value_of_a_list():
    result = slic.classify(make(morphology=["compression", "burst"], dlc=["indeterminate", "intact"]))
    assert result.value == 3


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("morphology", "wedge"),
        ("dlc", None),
        ("neurology", 1),
        ("continuous_cord_compression", "yes"),
        ("continuous_cord_compression", None),
        ("morphology", []),
    ],
)
def test_slic_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        slic.classify({**make(neurology="root"), item_id: value})
    assert error.value.item == item_id


def test_slic_rejects_missing_unknown_and_options():
    with pytest.raises(ScoreInputError, match="dlc"):
        slic.classify({"morphology": "none", "neurology": "intact"})
    with pytest.raises(ScoreInputError, match="level"):
        slic.classify(make(level="C5"))
    with pytest.raises(ScoreInputError, match="option"):
        slic.classify(make(), strict=True)


@given(st.fixed_dictionaries({c: st.sampled_from(sorted(t)) for c, t in VACCARO_2007.items()}), st.booleans())
def test_slic_total_in_range(inputs, compression):
    if compression and inputs["neurology"] == "intact":
        with pytest.raises(ScoreInputError):
            slic.classify({**inputs, "continuous_cord_compression": compression})
        return
    result = slic.classify({**inputs, "continuous_cord_compression": compression})
    assert 0 <= result.value <= 10
    assert result.value == sum(VACCARO_2007[c][v] for c, v in inputs.items()) + compression
    assert result.category == published_band(result.value)
