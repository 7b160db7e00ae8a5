"""Wording files (spinescores.text): format, validation, topic-label fallback, demo files."""

from __future__ import annotations

import json

import pytest

import spinescores
from spinescores import text
from spinescores.errors import ScoreInputError

DEMO_CODES = ("odi", "ndi", "nrs_back", "nrs_leg", "nrs_neck", "nrs_arm", "eq5d5l", "eq_vas")


def codes_in_catalogue():
    return {instrument.code for instrument in spinescores.catalog()}


def wording(**overrides):
    data = {
        "format": text.FORMAT,
        "code": "odi",
        "version": "odi@2.1a",
        "language": "en",
        "demo": False,
        "source": "site licence 42",
        "items": {"pain_intensity": {"text": "Q1", "options": {"0": "none", "5": "worst"}}},
    }
    data.update(overrides)
    return data


def write(tmp_path, data, name="odi.en.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("code", DEMO_CODES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_wording_is_complete_and_marked_demo(code, language):
    if code not in codes_in_catalogue():
        pytest.skip(f"{code} is not in the catalogue yet")
    loaded = text.load_demo_text(code, language)
    assert loaded.demo is True and loaded.notice == text.DEMO_NOTICE
    assert loaded.language == language and loaded.from_file
    assert loaded.fallback_items == () and loaded.fallback_options == ()
    instrument = spinescores.get(code).INSTRUMENT
    assert set(loaded.items) == set(instrument.item_ids)


def test_no_file_falls_back_to_topic_labels_in_each_language():
    english = text.load_text("odi", "en")
    chinese = text.load_text("odi", "zh-hans")
    assert english.items["sex_life"].text == "Sex life (if applicable)"
    assert chinese.items["sex_life"].text == "性生活（如适用）"
    assert english.items["walking"].options["5"].startswith("5")
    assert not english.from_file and not english.demo and english.source == "topic labels"
    assert chinese.title == "Oswestry功能障碍指数"


def test_topic_text_accepts_an_instrument():
    instrument = spinescores.get("joa_cervical_1994").INSTRUMENT
    loaded = text.topic_text(instrument, "en")
    assert loaded.items["shoulder_elbow"].options["-0.5"].startswith("−0.5")


def test_site_file_is_loaded_and_gaps_fall_back(tmp_path):
    loaded = text.load_text("odi", "en", write(tmp_path, wording()))
    assert loaded.items["pain_intensity"].text == "Q1"
    assert loaded.items["pain_intensity"].options["0"] == "none"
    assert "pain_intensity:1" in loaded.fallback_options
    assert "lifting" in loaded.fallback_items
    assert loaded.items["lifting"].text == "Lifting"
    assert loaded.source == "site licence 42" and loaded.demo is False


def test_number_items_take_anchor_options(tmp_path):
    data = wording(
        code="nrs_back", version="nrs@0-10", items={"pain": {"text": "Pain?", "options": {"10": "max"}}}
    )
    loaded = text.load_text("nrs_back", "en", write(tmp_path, data))
    assert loaded.items["pain"].options["10"] == "max"


def test_vas_anchor_options_are_checked_against_the_range(tmp_path):
    data = wording(
        code="joabpeq",
        version="joabpeq@2007",
        items={"vas_leg_pain": {"text": "Leg?", "options": {"0": "none", "10": "worst"}}},
    )
    assert (
        text.load_text("joabpeq", "en", write(tmp_path, data)).items["vas_leg_pain"].options["10"] == "worst"
    )
    for bad in ("11", "ten"):
        data["items"]["vas_leg_pain"]["options"] = {bad: "x"}
        with pytest.raises(text.TextFileError, match="vas_leg_pain.options"):
            text.load_text("joabpeq", "en", write(tmp_path, data))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"format": "v0"}, "format"),
        ({"code": "ndi"}, "code"),
        ({"version": "odi@2.0"}, "version"),
        ({"language": "zh"}, "language"),
        ({"demo": "yes"}, "demo"),
        ({"demo": True}, "notice"),
        ({"title": 3}, "title"),
        ({"colour": "red"}, "field"),
        ({"items": []}, "items"),
        ({"items": {"q1": {"text": "x"}}}, "item"),
        ({"items": {"lifting": "x"}}, "lifting"),
        ({"items": {"lifting": {"text": ""}}}, "lifting.text"),
        ({"items": {"lifting": {"text": "x", "hint": "y"}}}, "lifting"),
        ({"items": {"lifting": {"text": "x", "options": []}}}, "lifting.options"),
        ({"items": {"lifting": {"text": "x", "options": {"6": "y"}}}}, "lifting.options"),
        ({"items": {"lifting": {"text": "x", "options": {"1": ""}}}}, "lifting.options.1"),
    ],
)
def test_invalid_files_raise_text_file_error_naming_the_field(tmp_path, overrides, field):
    with pytest.raises(text.TextFileError) as error:
        text.load_text("odi", "en", write(tmp_path, wording(**overrides)))
    assert error.value.item == field
    assert isinstance(error.value, ScoreInputError)


def test_file_in_another_language_than_asked_is_refused(tmp_path):
    with pytest.raises(text.TextFileError, match="language"):
        text.load_text("odi", "zh-hans", write(tmp_path, wording()))


def test_options_of_boolean_and_text_items_are_refused(tmp_path):
    data = wording(
        code="rtw", version="rtw@qod", items={"returned": {"text": "Back at work?", "options": {"1": "y"}}}
    )
    with pytest.raises(text.TextFileError, match="no options"):
        text.load_text("rtw", "en", write(tmp_path, data))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", b"\xff\xfe"])
def test_unreadable_files_raise_text_file_error(tmp_path, content):
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(text.TextFileError):
        text.load_text("odi", "en", path)


def test_missing_file_raises_text_file_error(tmp_path):
    with pytest.raises(text.TextFileError, match="file"):
        text.load_text("odi", "en", tmp_path / "nope.json")


@pytest.mark.parametrize("code", ["nope", None, 3])
def test_unknown_code_raises_text_file_error(code):
    with pytest.raises(text.TextFileError, match="code"):
        text.load_text(code, "en")


def test_parse_text_finds_the_instrument_from_the_code():
    assert text.parse_text(wording()).code == "odi"
    with pytest.raises(text.TextFileError, match="JSON object"):
        text.parse_text(["odi"])


def test_demo_wording_for_an_unknown_code_lists_the_shipped_ones():
    with pytest.raises(text.TextFileError) as error:
        text.load_demo_text("joa_lbp", "en")
    assert "odi" in error.value.allowed


@pytest.mark.parametrize(
    ("value", "key"), [(0, "0"), (1.0, "1"), (-0.5, "-0.5"), (2.5, "2.5"), ("working", "working")]
)
def test_option_keys(value, key):
    assert text.option_key(value) == key


def test_topic_text_accepts_a_code():
    assert text.topic_text("mjoa", "zh-hans").items["sphincter"].text == "括约肌功能（排尿）"
