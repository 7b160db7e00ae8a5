"""OF score: Blattert TR et al. Global Spine J 2018;8(2 Suppl):50S-55S and the AO Spine-DGOU pocket card
(classifications.md §5.3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError, registry
from spinescores.base import NEEDS_REVIEW, UNVALIDATED
from spinescores.classification import of_score


def total(**responses):
    return of_score.score(responses)


@pytest.mark.parametrize(("of_type", "points"), [("OF1", 2), ("OF2", 4), ("OF3", 6), ("OF4", 8), ("OF5", 10)])
def test_of_score_morphology_is_twice_the_type_blattert2018(of_type, points):
    """Morphology OF 1-5 → 2, 4, 6, 8, 10 points (pocket card)."""
    result = total(of_type=of_type)
    assert result.subscores["morphology"] == points and result.value == points


@pytest.mark.parametrize(("t_score", "points"), [(-3.01, 1), (-3.0, 0), (-2.0, 0)])
def test_of_score_t_score_below_minus_3_adds_1_blattert2018(t_score, points):
    """Osteoporosis severity: T-score < -3 → +1 (pocket card)."""
    assert total(of_type="OF2", t_score=t_score).subscores["osteoporosis"] == points


@pytest.mark.parametrize(("hu", "points"), [(90, 1), (89.9, 1), (90.1, 0)])
def test_of_score_qct_90_hu_or_less_adds_1_blattert2018(hu, points):
    """Osteoporosis severity: QCT ≤ 90 HU → +1 (pocket card)."""
    assert total(of_type="OF2", qct_hu=hu).subscores["osteoporosis"] == points


def test_of_score_either_osteoporosis_criterion_is_enough_blattert2018():
    assert total(of_type="OF2", t_score=-1.0, qct_hu=80).subscores["osteoporosis"] == 1


@pytest.mark.parametrize(("progression", "points"), [(True, 1), (False, -1)])
def test_of_score_deformity_progression_plus_or_minus_1_blattert2018(progression, points):
    """Deformity progression yes/no → +1/-1 (pocket card)."""
    result = total(of_type="OF2", deformity_progression=progression)
    assert result.subscores["deformity_progression"] == points


@pytest.mark.parametrize(("vas", "points"), [(5, 1), (4.9, -1), (10, 1), (0, -1)])
def test_of_score_pain_vas_5_or_more_adds_1_blattert2018(vas, points):
    """Pain under analgesia VAS ≥ 5 / < 5 → +1/-1 (pocket card)."""
    assert total(of_type="OF2", pain_vas=vas).subscores["pain"] == points


@pytest.mark.parametrize(("neurology", "points"), [("N0", 0), ("N1", 0), ("N2", 2), ("N3", 2), ("N4", 2),
                                                    ("NX", 0)])
def test_of_score_neurological_deficit_n2_to_n4_adds_2_blattert2018(neurology, points):
    """Neurological deficit N2-N4 → +2; NX is not assessable → 0 (pocket card)."""
    assert total(of_type="OF2", neurology=neurology).subscores["neurology"] == points


@pytest.mark.parametrize(("possible", "points"), [(False, 1), (True, -1)])
def test_of_score_mobilisation_not_possible_adds_1_blattert2018(possible, points):
    """Mobilisation under analgesia not possible/possible → +1/-1 (pocket card)."""
    assert total(of_type="OF2", mobilisation_possible=possible).subscores["mobilisation"] == points


@pytest.mark.parametrize(
    ("health", "points"),
    [
        ({"asa_class": 3}, 0),
        ({"asa_class": 4}, -1),
        ({"mfi5": 2}, 0),
        ({"mfi5": 3}, -1),
        ({"anticoagulation": False}, 0),
        ({"anticoagulation": True}, -1),
        ({"asa_class": 4, "mfi5": 3}, -2),
        ({"asa_class": 5, "mfi5": 5, "anticoagulation": True}, -2),
    ],
)
def test_of_score_health_status_minus_1_each_at_most_minus_2_blattert2018(health, points):
    """ASA > 3, mFI-5 > 2, anticoagulation → -1 each, at most -2 in total (pocket card)."""
    assert total(of_type="OF2", **health).subscores["health_status"] == points


def test_of_score_unknown_parameters_score_0_and_are_listed_blattert2018():
    """Unknown / not assessable parameter → 0 points (pocket card)."""
    result = total(of_type="OF3")
    assert result.value == 6
    assert set(result.missing_items) == {"t_score", "qct_hu", "deformity_progression", "pain_vas",
                                         "neurology", "mobilisation_possible", "asa_class", "mfi5",
                                         "anticoagulation"}
    assert "qct_hu" not in total(of_type="OF3", t_score=-1).missing_items


@pytest.mark.parametrize(
    ("responses", "value", "interpretation"),
    [
        ({"of_type": "OF1"}, 2, "conservative"),
        ({"of_type": "OF1", "deformity_progression": False, "pain_vas": 2, "mobilisation_possible": True,
          "asa_class": 2}, -1, None),
        ({"of_type": "OF1", "deformity_progression": False, "pain_vas": 8}, 2, "conservative"),
        ({"of_type": "OF2", "t_score": -3.5}, 5, "conservative"),
        ({"of_type": "OF3"}, 6, "conservative_or_surgery"),
        ({"of_type": "OF3", "deformity_progression": True}, 7, "surgery"),
        ({"of_type": "OF2", "deformity_progression": False, "pain_vas": 2, "mobilisation_possible": True,
          "asa_class": 5}, 0, "conservative"),
    ],
)
def test_of_score_0_5_conservative_6_either_above_6_surgery_blattert2018(responses, value, interpretation):
    """Total 0-5 conservative, 6 either, > 6 surgery; below 0 is outside the bands → needs_review."""
    result = of_score.score(responses)
    assert (result.value, result.interpretation) == (value, interpretation)
    assert UNVALIDATED in result.flags
    assert (NEEDS_REVIEW in result.flags) is (interpretation is None)


def test_of_score_is_reachable_through_the_registry_as_a_clinician_score():
    assert registry.score("of_score", {"of_type": "OF4"}).value == 8
    assert of_score.classify({"of_type": "OF4"}).value == 8


@pytest.mark.parametrize(
    ("responses", "item"),
    [
        ({}, "of_type"),
        ({"of_type": "OF6"}, "of_type"),
        ({"of_type": 3}, "of_type"),
        ({"of_type": "OF2", "pain_vas": 11}, "pain_vas"),
        ({"of_type": "OF2", "pain_vas": True}, "pain_vas"),
        ({"of_type": "OF2", "t_score": None}, "t_score"),
        ({"of_type": "OF2", "asa_class": 3.5}, "asa_class"),
        ({"of_type": "OF2", "mfi5": 6}, "mfi5"),
        ({"of_type": "OF2", "neurology": "N5"}, "neurology"),
        ({"of_type": "OF2", "anticoagulation": "yes"}, "anticoagulation"),
        ({"of_type": "OF2", "age": 80}, "item"),
    ],
)
def test_bad_input_names_the_item(responses, item):
    with pytest.raises(ScoreInputError) as excinfo:
        of_score.score(responses)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        of_score.score(["OF1"])
    with pytest.raises(ScoreInputError):
        of_score.score({"of_type": "OF1"}, validated=True)


responses = st.fixed_dictionaries(
    {"of_type": st.sampled_from(["OF1", "OF2", "OF3", "OF4", "OF5"])},
    optional={
        "t_score": st.floats(min_value=-10, max_value=10),
        "qct_hu": st.floats(min_value=-1000, max_value=3000),
        "deformity_progression": st.booleans(), "pain_vas": st.floats(min_value=0, max_value=10),
        "neurology": st.sampled_from(["N0", "N1", "N2", "N3", "N4", "NX"]),
        "mobilisation_possible": st.booleans(), "asa_class": st.integers(1, 6), "mfi5": st.integers(0, 5),
        "anticoagulation": st.booleans(),
    },
)


@given(responses)
def test_total_in_range_and_equal_to_the_sum_of_points(data):
    result = of_score.score(data)
    assert -3 <= result.value <= 16
    assert result.value == sum(result.subscores.values())


@given(responses)
def test_a_worse_morphology_never_lowers_the_total(data):
    worse = {**data, "of_type": "OF5"}
    assert of_score.score(worse).value >= of_score.score(data).value


@given(responses, st.sampled_from(["t_score", "pain_vas", "asa_class", "mfi5", "deformity_progression"]),
       st.one_of(st.none(), st.text(max_size=2), st.just(float("inf"))))
def test_invalid_parameter_always_raises(data, key, value):
    with pytest.raises(ScoreInputError):
        of_score.score({**data, key: value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in of_score.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*of_score.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = of_score.classify(data)
    except ScoreInputError:
        return
    assert result.code == of_score.INSTRUMENT.code
