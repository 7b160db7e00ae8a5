"""SINS (Fisher CG, et al. Spine 2010;35(22):E1221-E1229; classifications.md §1.1)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.classification import sins

#: Fisher 2010 Table (classifications.md section 1.1), typed in: component -> category -> points.
FISHER_2010 = {
    "location": {"junctional": 3, "mobile": 2, "semi_rigid": 1, "rigid": 0},
    "pain": {"mechanical": 3, "occasional": 1, "pain_free": 0},
    "bone_lesion": {"lytic": 2, "mixed": 1, "blastic": 0},
    "alignment": {"subluxation_translation": 4, "de_novo_deformity": 2, "normal": 0},
    "collapse": {"over_50": 3, "under_50": 2, "none_over_50_involved": 1, "none": 0},
    "posterolateral": {"bilateral": 3, "unilateral": 1, "none": 0},
}
#: Fisher 2010 total bands (classifications.md section 1.1): 0-6, 7-12, 13-18.
BANDS = [(range(0, 7), "stable"), (range(7, 13), "potentially_unstable"), (range(13, 19), "unstable")]
PUBLISHED_ROWS = [
    (item, value, points) for item, table in FISHER_2010.items() for value, points in table.items()
]

STABLE_ZERO = {
    "location": "rigid",
    "pain": "pain_free",
    "bone_lesion": "blastic",
    "alignment": "normal",
    "collapse": "none",
    "posterolateral": "none",
}


def published_band(total):
    return next(band for totals, band in BANDS if total in totals)


def inputs_with_total(total):
    """Return the first combination of published categories (in table order) summing to ``total``."""
    rows = [list(table.items()) for table in FISHER_2010.values()]
    for combo in itertools.product(*rows):
        if sum(points for _, points in combo) == total:
            return {item: value for item, (value, _) in zip(FISHER_2010, combo, strict=True)}
    raise AssertionError(f"no combination totals {total}")


def make(**overrides):
    return {**STABLE_ZERO, **overrides}


@pytest.mark.parametrize(("item_id", "value", "points"), PUBLISHED_ROWS)
def test_sins_component_points_fisher2010(item_id, value, points):
    """Each published component category scores its Fisher 2010 points (table in §1.1)."""
    result = sins.classify(make(**{item_id: value}))
    assert result.subscores[item_id] == points
    assert result.value == points


def test_sins_accepts_no_category_outside_the_published_table():
    """The module's choices are exactly the published categories (INSTRUMENT items, §1.1)."""
    offered = {item.id: set(item.allowed_values) for item in sins.INSTRUMENT.items}
    assert offered == {item: set(table) for item, table in FISHER_2010.items()}


@pytest.mark.parametrize("total", range(19))
def test_sins_total_bands_fisher2010(total):
    """Every total 0-18 falls in its published band; 7 or more means refer to a surgeon (§1.1)."""
    result = sins.classify(inputs_with_total(total))
    assert (result.value, result.category, result.interpretation) == (
        total,
        published_band(total),
        published_band(total),
    )
    assert result.details["refer_to_surgeon"] is (total >= 7)


def test_sins_all_worst_is_18_unstable_fisher2010():
    """Maximum total 18 (Fisher 2010)."""
    worst = {
        "location": "junctional",
        "pain": "mechanical",
        "bone_lesion": "lytic",
        "alignment": "subluxation_translation",
        "collapse": "over_50",
        "posterolateral": "bilateral",
    }
    result = sins.classify(worst)
    assert (result.value, result.category) == (18, "unstable")


def test_sins_worked_example_lytic_t7_lesion_with_collapse():
    """A worked example from the §1.1 rows: semi-rigid T3-T10 (1), occasional pain (1), lytic (2),
    de novo kyphosis (2), < 50 % collapse (2), unilateral posterolateral (1) = 9, potentially
    unstable: surgical consultation recommended."""
    inputs = {
        "location": "semi_rigid",
        "pain": "occasional",
        "bone_lesion": "lytic",
        "alignment": "de_novo_deformity",
        "collapse": "under_50",
        "posterolateral": "unilateral",
    }
    result = sins.classify(inputs)
    assert (result.value, result.category) == (9, "potentially_unstable")
    assert dict(result.subscores) == {
        "location": 1,
        "pain": 1,
        "bone_lesion": 2,
        "alignment": 2,
        "collapse": 2,
        "posterolateral": 1,
    }
    assert result.details["refer_to_surgeon"] is True


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
    twelve = make(
        location="junctional", pain="mechanical", alignment="subluxation_translation", bone_lesion="lytic"
    )
    assert (sins.classify(twelve).value, sins.classify(twelve).category) == (12, "potentially_unstable")


def test_sins_13_to_18_is_unstable_fisher2010():
    """Totals 13-18 are unstable (Fisher 2010)."""
    inputs = make(
        location="junctional",
        pain="mechanical",
        alignment="subluxation_translation",
        bone_lesion="lytic",
        posterolateral="unilateral",
    )
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


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("location", None),
        ("location", "cervical"),
        ("pain", True),
        ("collapse", 0.5),
        ("collapse", 50),
        ("bone_lesion", ""),
    ],
)
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


valid_inputs = st.fixed_dictionaries({k: st.sampled_from(sorted(v)) for k, v in FISHER_2010.items()})


@given(valid_inputs)
def test_sins_total_in_range_and_band_consistent(inputs):
    result = sins.classify(inputs)
    assert 0 <= result.value <= 18
    assert result.value == sum(FISHER_2010[item][value] for item, value in inputs.items())
    assert result.value == sum(result.subscores.values())
    assert result.category == published_band(result.value)


@given(
    valid_inputs,
    st.sampled_from(sorted(FISHER_2010)),
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
)
def test_sins_invalid_value_always_raises_score_input_error(inputs, item_id, bad):
    if bad in FISHER_2010[item_id] and not isinstance(bad, bool):
        return
    with pytest.raises(ScoreInputError):
        sins.classify({**inputs, item_id: bad})
