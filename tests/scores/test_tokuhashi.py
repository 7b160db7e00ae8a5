"""Revised Tokuhashi score (Tokuhashi Y, et al. Spine 2005;30(19):2186-2191; classifications.md §1.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.classification import tokuhashi

#: Tokuhashi 2005 rows (classifications.md section 1.2), typed in.
GENERAL_CONDITION = {"poor": 0, "moderate": 1, "good": 2}  # KPS 10-40 / 50-70 / 80-100 %
VISCERAL = {"unremovable": 0, "removable": 1, "none": 2}
PRIMARY_SITE = {
    "lung": 0,
    "osteosarcoma": 0,
    "stomach": 0,
    "bladder": 0,
    "oesophagus": 0,
    "pancreas": 0,
    "liver": 1,
    "gallbladder": 1,
    "unidentified": 1,
    "other": 2,
    "kidney": 3,
    "uterus": 3,
    "rectum": 4,
    "thyroid": 5,
    "breast": 5,
    "prostate": 5,
    "carcinoid": 5,
}
#: Total bands: 0-8 < 6 months, 9-11 >= 6 months, 12-15 >= 1 year (section 1.2).
BANDS = {
    **dict.fromkeys(range(0, 9), "under_6_months"),
    **dict.fromkeys(range(9, 12), "6_months_or_more"),
    **dict.fromkeys(range(12, 16), "1_year_or_more"),
}

WORST = {
    "general_condition": "poor",
    "extraspinal_bone_foci": 5,
    "vertebral_metastases": 4,
    "visceral_metastases": "unremovable",
    "primary_site": "lung",
    "palsy": "A",
}


def make(**overrides):
    return {**WORST, **overrides}


def test_tokuhashi_worst_is_zero_under_6_months_tokuhashi2005():
    """All worst values give 0, predicted survival < 6 months (Tokuhashi 2005)."""
    result = tokuhashi.classify(make())
    assert (result.value, result.category) == (0, "under_6_months")
    assert result.details["strategy"] == "conservative_or_palliative_surgery"


def test_tokuhashi_best_is_15_tokuhashi2005():
    """All best values give the maximum 15 (Tokuhashi 2005)."""
    best = {
        "general_condition": "good",
        "extraspinal_bone_foci": 0,
        "vertebral_metastases": 1,
        "visceral_metastases": "none",
        "primary_site": "thyroid",
        "palsy": "E",
    }
    assert tokuhashi.classify(best).value == 15


@pytest.mark.parametrize(("foci", "points"), [(0, 2), (1, 1), (2, 1), (3, 0), (10, 0)])
def test_tokuhashi_extraspinal_foci_steps_tokuhashi2005(foci, points):
    """Extraspinal bone foci: >=3 -> 0, 1-2 -> 1, 0 -> 2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(extraspinal_bone_foci=foci)).subscores["extraspinal_bone_foci"] == points


@pytest.mark.parametrize(("count", "points"), [(1, 2), (2, 1), (3, 0), (7, 0)])
def test_tokuhashi_vertebral_metastases_steps_tokuhashi2005(count, points):
    """Vertebral body metastases: >=3 -> 0, 2 -> 1, 1 -> 2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(vertebral_metastases=count)).subscores["vertebral_metastases"] == points


@pytest.mark.parametrize(("site", "points"), sorted(PRIMARY_SITE.items()))
def test_tokuhashi_primary_site_points_tokuhashi2005(site, points):
    """Primary site points 0-5 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(primary_site=site)).value == points


@pytest.mark.parametrize(("grade", "points"), [("A", 0), ("B", 0), ("C", 1), ("D", 1), ("E", 2)])
def test_tokuhashi_frankel_palsy_points_tokuhashi2005(grade, points):
    """Palsy: complete (A, B) 0, incomplete (C, D) 1, none (E) 2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(palsy=grade)).value == points


@pytest.mark.parametrize(
    ("field", "value", "points"),
    [("general_condition", v, p) for v, p in GENERAL_CONDITION.items()]
    + [("visceral_metastases", v, p) for v, p in VISCERAL.items()],
)
def test_tokuhashi_condition_and_visceral_points_tokuhashi2005(field, value, points):
    """KPS poor/moderate/good 0/1/2; organ metastases unremovable/removable/none 0/1/2 (Tokuhashi 2005)."""
    assert tokuhashi.classify(make(**{field: value})).value == points


def test_tokuhashi_offers_exactly_the_published_categories():
    offered = {
        item.id: set(item.allowed_values) for item in tokuhashi.INSTRUMENT.items if item.kind == "choice"
    }
    assert offered == {
        "general_condition": set(GENERAL_CONDITION),
        "visceral_metastases": set(VISCERAL),
        "primary_site": set(PRIMARY_SITE),
        "palsy": set("ABCDE"),
    }


@pytest.mark.parametrize("total", range(16))
def test_tokuhashi_every_total_in_its_published_band_tokuhashi2005(total):
    """Totals 0-15 built from the rows above: primary site 0-5 then KPS, palsy, organs, foci, bodies."""
    remaining = total
    inputs = make()
    for field, steps in (
        (
            "primary_site",
            [("lung", 0), ("liver", 1), ("other", 2), ("kidney", 3), ("rectum", 4), ("thyroid", 5)],
        ),
        ("general_condition", [("poor", 0), ("moderate", 1), ("good", 2)]),
        ("palsy", [("A", 0), ("C", 1), ("E", 2)]),
        ("visceral_metastases", [("unremovable", 0), ("removable", 1), ("none", 2)]),
        ("extraspinal_bone_foci", [(3, 0), (1, 1), (0, 2)]),
        ("vertebral_metastases", [(3, 0), (2, 1), (1, 2)]),
    ):
        value, points = [(v, p) for v, p in steps if p <= remaining][-1]
        inputs[field] = value
        remaining -= points
    assert remaining == 0
    result = tokuhashi.classify(inputs)
    assert (result.value, result.category) == (total, BANDS[total])


def test_tokuhashi_8_is_under_6_months_and_9_is_6_months_or_more_tokuhashi2005():
    """Band edge 8 | 9 (Tokuhashi 2005)."""
    eight = make(primary_site="thyroid", palsy="E", general_condition="moderate")
    assert (tokuhashi.classify(eight).value, tokuhashi.classify(eight).category) == (8, "under_6_months")
    nine = make(primary_site="thyroid", palsy="E", general_condition="good")
    assert (tokuhashi.classify(nine).value, tokuhashi.classify(nine).category) == (9, "6_months_or_more")


def test_tokuhashi_11_is_6_months_or_more_and_12_is_1_year_or_more_tokuhashi2005():
    """Band edge 11 | 12 (Tokuhashi 2005)."""
    eleven = make(primary_site="thyroid", palsy="E", general_condition="good", visceral_metastases="none")
    assert (tokuhashi.classify(eleven).value, tokuhashi.classify(eleven).category) == (11, "6_months_or_more")
    twelve = {**eleven, "extraspinal_bone_foci": 2}
    result = tokuhashi.classify(twelve)
    assert (result.value, result.category) == (12, "1_year_or_more")
    assert result.details["strategy"] == "excisional_surgery"


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("extraspinal_bone_foci", -1),
        ("extraspinal_bone_foci", 1.5),
        ("extraspinal_bone_foci", True),
        ("vertebral_metastases", 0),
        ("vertebral_metastases", None),
        ("primary_site", "colon"),
        ("palsy", "F"),
        ("general_condition", 80),
        ("extraspinal_bone_foci", float("nan")),
    ],
)
def test_tokuhashi_rejects_bad_value_naming_item(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        tokuhashi.classify(make(**{item_id: value}))
    assert error.value.item == item_id


def test_tokuhashi_rejects_missing_unknown_and_options():
    inputs = make()
    del inputs["palsy"]
    with pytest.raises(ScoreInputError, match="palsy"):
        tokuhashi.classify(inputs)
    with pytest.raises(ScoreInputError, match="kps"):
        tokuhashi.classify(make(kps=80))
    with pytest.raises(ScoreInputError, match="option"):
        tokuhashi.classify(make(), version="1990")


valid = st.fixed_dictionaries(
    {
        "general_condition": st.sampled_from(sorted(GENERAL_CONDITION)),
        "extraspinal_bone_foci": st.integers(0, 50),
        "vertebral_metastases": st.integers(1, 24),
        "visceral_metastases": st.sampled_from(sorted(VISCERAL)),
        "primary_site": st.sampled_from(sorted(PRIMARY_SITE)),
        "palsy": st.sampled_from("ABCDE"),
    }
)


@given(valid)
def test_tokuhashi_total_in_range(inputs):
    result = tokuhashi.classify(inputs)
    assert 0 <= result.value <= 15
    assert result.category == BANDS[result.value]


@given(valid, st.integers(max_value=-1))
def test_tokuhashi_negative_counts_always_raise(inputs, bad):
    with pytest.raises(ScoreInputError):
        tokuhashi.classify({**inputs, "extraspinal_bone_foci": bad})
