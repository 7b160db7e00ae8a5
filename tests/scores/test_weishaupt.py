"""Weishaupt facet grade: Weishaupt D et al. Skeletal Radiol 1999;28:215-219 (classifications.md §4.5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import weishaupt

NORMAL = {"joint_space": "normal", "osteophytes": "none", "hypertrophy": "none", "erosions": "none",
          "subchondral_cysts": False}


def findings(**changes):
    return {**NORMAL, **changes}


def test_weishaupt_normal_joint_is_grade_0_weishaupt1999():
    """Normal joint space (2-4 mm), no other finding → 0 (Weishaupt 1999)."""
    result = weishaupt.classify(NORMAL)
    assert (result.value, result.category, result.flags) == (0, "0", ())


@pytest.mark.parametrize(
    ("changes", "grade"),
    [
        ({"osteophytes": "small"}, 1),
        ({"hypertrophy": "mild"}, 1),
        ({"osteophytes": "moderate"}, 2),
        ({"hypertrophy": "moderate"}, 2),
        ({"erosions": "mild"}, 2),
        ({"osteophytes": "large"}, 3),
        ({"hypertrophy": "severe"}, 3),
        ({"erosions": "severe"}, 3),
        ({"subchondral_cysts": True}, 3),
    ],
)
def test_weishaupt_each_finding_sets_its_grade_weishaupt1999(changes, grade):
    """Each listed finding implies its grade (Weishaupt 1999)."""
    assert weishaupt.classify(findings(**changes)).value == grade


def test_weishaupt_highest_grade_with_any_matching_finding_wins_weishaupt1999():
    """"and/or": the highest grade with any matching finding wins (classifications.md §4.5)."""
    result = weishaupt.classify(findings(joint_space="narrowed", osteophytes="small", erosions="mild",
                                         subchondral_cysts=True))
    assert result.value == 3 and result.flags == ()
    assert result.subscores["osteophytes"] == 1 and result.subscores["joint_space"] == 1


def test_weishaupt_narrowing_with_grade_2_finding_is_grade_2():
    assert weishaupt.classify(findings(joint_space="narrowed", hypertrophy="moderate")).value == 2


def test_weishaupt_narrowing_alone_is_grade_1_and_needs_review():
    """Narrowing is listed under grades 1-3; alone it is read as 1 (< 2 mm) and flagged for review."""
    result = weishaupt.classify(findings(joint_space="narrowed"))
    assert result.value == 1 and result.flags == (NEEDS_REVIEW,)


@pytest.mark.parametrize(
    ("inputs", "item"),
    [
        ({k: v for k, v in NORMAL.items() if k != "joint_space"}, "joint_space"),
        ({k: v for k, v in NORMAL.items() if k != "subchondral_cysts"}, "subchondral_cysts"),
        (findings(osteophytes="huge"), "osteophytes"),
        (findings(erosions="moderate"), "erosions"),
        (findings(subchondral_cysts="yes"), "subchondral_cysts"),
        (findings(hypertrophy=None), "hypertrophy"),
        (findings(effusion=True), "item"),
    ],
)
def test_bad_input_names_the_item(inputs, item):
    with pytest.raises(ScoreInputError) as excinfo:
        weishaupt.classify(inputs)
    assert excinfo.value.item == item


def test_non_mapping_and_option_are_rejected():
    with pytest.raises(ScoreInputError):
        weishaupt.classify(None)
    with pytest.raises(ScoreInputError):
        weishaupt.classify(NORMAL, modality="CT")


finding_sets = st.fixed_dictionaries({
    "joint_space": st.sampled_from(["normal", "narrowed"]),
    "osteophytes": st.sampled_from(["none", "small", "moderate", "large"]),
    "hypertrophy": st.sampled_from(["none", "mild", "moderate", "severe"]),
    "erosions": st.sampled_from(["none", "mild", "severe"]),
    "subchondral_cysts": st.booleans(),
})


@given(finding_sets)
def test_grade_in_range_for_any_findings(data):
    assert 0 <= weishaupt.classify(data).value <= 3


@given(finding_sets, st.sampled_from(["osteophytes", "hypertrophy"]))
def test_grade_never_falls_when_a_finding_worsens(data, key):
    scale = ["none", "small", "moderate", "large"]
    if key == "hypertrophy":
        scale = ["none", "mild", "moderate", "severe"]
    worse = {**data, key: scale[min(scale.index(data[key]) + 1, 3)]}
    assert weishaupt.classify(worse).value >= weishaupt.classify(data).value


@given(finding_sets, st.sampled_from(sorted(NORMAL)),
       st.one_of(st.none(), st.integers(), st.text(max_size=2)))
def test_invalid_finding_always_raises(data, key, value):
    with pytest.raises(ScoreInputError):
        weishaupt.classify({**data, key: value})


FUZZ_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.sampled_from([o.value for i in weishaupt.INSTRUMENT.items for o in i.options] or [0]),
)


@given(st.dictionaries(st.sampled_from([*weishaupt.INSTRUMENT.item_ids, "unknown"]), FUZZ_VALUES))
def test_any_input_gives_a_result_or_a_score_input_error(data):
    try:
        result = weishaupt.classify(data)
    except ScoreInputError:
        return
    assert result.code == weishaupt.INSTRUMENT.code
