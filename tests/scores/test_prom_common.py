"""Catalogue-wide checks of every PROM and clinician score written for proms.md (not EQ-5D)."""

from __future__ import annotations

import dataclasses
import doctest
import math

import pytest
from _promtools import invalid_values, responses
from hypothesis import given, settings
from hypothesis import strategies as st

import spinescores
from spinescores.base import HIGHER_IS_BETTER, HIGHER_IS_WORSE, Result
from spinescores.errors import ScoreInputError

CODES = (
    "odi",
    "ndi",
    "nrs_back",
    "nrs_leg",
    "nrs_neck",
    "nrs_arm",
    "joa_cervical_1975",
    "joa_cervical_1994",
    "mjoa",
    "joa_lbp",
    "srs22r",
    "comi_back",
    "comi_neck",
    "zcq",
    "nass",
    "gpe",
    "gto",
    "rtw",
    "joabpeq",
)
SCORED_RANGE = tuple(code for code in CODES if code not in ("rtw", "joabpeq", "zcq"))


def module(code):
    return spinescores.get(code)


@pytest.mark.parametrize("code", CODES)
def test_every_code_is_in_the_catalogue_with_complete_metadata(code):
    """STYLE.md §3: INSTRUMENT has code, name, version, items, range, direction, references."""
    instrument = module(code).INSTRUMENT
    assert instrument.code == code
    assert instrument.name and instrument.name_zh
    assert "@" in instrument.version
    assert instrument.kind in ("prom", "clinician")
    assert instrument.licence and instrument.confidence
    for item in instrument.items:
        assert item.topic_en and item.topic_zh, item.id
        for option in item.options:
            assert option.label_en and option.label_zh, (item.id, option.value)
    if code != "rtw":
        assert instrument.direction in (HIGHER_IS_BETTER, HIGHER_IS_WORSE)
        assert instrument.score_range is not None
    if not code.startswith("nrs_"):
        assert instrument.references


@pytest.mark.parametrize("code", CODES)
def test_docstring_examples_run(code):
    """Every numpydoc Examples section is a doctest and passes."""
    mod = module(code)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for name in ("score", "recovery_rate", "effectiveness", "severity", "band"):
        function = getattr(mod, name, None)
        if function is None:
            continue
        assert "Parameters" in function.__doc__ or name in ("severity", "band")
        for test in finder.find(function, name, globs=vars(mod)):
            runner.run(test)
    assert runner.failures == 0


@pytest.mark.parametrize("code", CODES)
def test_result_is_a_frozen_result_subclass(code):
    mod = module(code)
    result = mod.score({})
    assert isinstance(result, Result)
    assert type(result).__name__.endswith("Result") and type(result) is not Result
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 1
    assert result.code == code and result.version == mod.INSTRUMENT.version
    assert result.to_dict()["code"] == code


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("bad", [None, [], "odi", 3, ("pain", 1)])
def test_non_mapping_responses_raise_score_input_error(code, bad):
    with pytest.raises(ScoreInputError, match="responses"):
        module(code).score(bad)


@pytest.mark.parametrize("code", CODES)
def test_unknown_item_id_raises_naming_the_known_ids(code):
    instrument = module(code).INSTRUMENT
    with pytest.raises(ScoreInputError) as error:
        module(code).score({"no_such_item": 1})
    assert error.value.item == "item" and instrument.item_ids[0] in error.value.allowed


@pytest.mark.parametrize("code", CODES)
def test_empty_responses_list_every_required_item_missing(code):
    result = module(code).score({})
    assert result.value is None
    assert result.missing_items


@pytest.mark.parametrize("code", [c for c in CODES if c != "rtw"])
def test_not_applicable_is_refused_where_the_reference_does_not_allow_it(code):
    instrument = module(code).INSTRUMENT
    item = next(i for i in instrument.items if not i.not_applicable_allowed)
    with pytest.raises(ScoreInputError, match="cannot be not-applicable"):
        module(code).score({item.id: "na"})


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_invalid_values_always_raise_score_input_error(code, data):
    instrument = module(code).INSTRUMENT
    item = data.draw(st.sampled_from([i for i in instrument.items if i.kind != "text"]))
    value = data.draw(invalid_values(item))
    with pytest.raises(ScoreInputError) as error:
        module(code).score({item.id: value})
    assert error.value.item == item.id


@pytest.mark.parametrize("code", SCORED_RANGE)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_complete_valid_answers_always_score_within_range(code, data):
    instrument = module(code).INSTRUMENT
    answers = data.draw(responses(instrument))
    result = module(code).score(answers)
    low, high = instrument.score_range
    assert result.value is not None
    assert low - 1e-9 <= result.value <= high + 1e-9
    assert not result.missing_items


@pytest.mark.parametrize("code", SCORED_RANGE)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_answers_with_gaps_score_within_range_or_not_at_all(code, data):
    instrument = module(code).INSTRUMENT
    answers = data.draw(responses(instrument, missing=True))
    result = module(code).score(answers)
    low, high = instrument.score_range
    assert result.value is None or low - 1e-9 <= result.value <= high + 1e-9
    for value in result.subscores.values():
        assert value is None or isinstance(value, float) and not math.isnan(value)
