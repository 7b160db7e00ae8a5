"""Load the site-provided wording of an instrument, or fall back to our topic labels.

Licensed questionnaire wording (ODI, EQ-5D, …) is never committed (proms.md §0.7, §16). A site
that holds a licence keeps the wording in a JSON file of its own and points :func:`load_text` at
it; without a file, forms show the topic labels of ``INSTRUMENT``. The files under
``spinescores/data/text/`` are **demo wording** written by us, marked ``"demo": true``, for
development and screenshots only.

File format (UTF-8 JSON, one instrument and one language per file)::

    {
      "format": "spinescores-wording/1",
      "code": "odi",                      # instrument code in the catalogue
      "version": "odi@2.1a",              # must equal INSTRUMENT.version
      "language": "zh-hans",              # "zh-hans" or "en"
      "demo": false,                      # true only for made-up wording
      "notice": "",                       # shown with the form; required when demo is true
      "source": "Mapi Research Trust, licence 1234, translation SCODI",
      "title": "…", "instructions": "…",  # optional
      "items": {
        "pain_intensity": {
          "text": "…",                    # the question
          "options": {"0": "…", "1": "…"} # keyed by option value; for number items: anchors
        }
      }
    }

Option keys are the option values written as in :func:`option_key` (``"0"``, ``"-0.5"``,
``"working"``). Items or options left out fall back to the topic labels and are listed in
``fallback_items``/``fallback_options``; unknown codes, items, options, languages or a version
mismatch raise :class:`TextFileError`, a :class:`~spinescores.errors.ScoreInputError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from spinescores import registry
from spinescores.base import Instrument, Item, frozen_mapping
from spinescores.errors import ScoreInputError, UnknownInstrumentError

__all__ = [
    "DEMO_NOTICE",
    "FORMAT",
    "LANGUAGES",
    "InstrumentText",
    "ItemText",
    "TextFileError",
    "load_demo_text",
    "load_text",
    "option_key",
    "parse_text",
    "topic_text",
]

FORMAT = "spinescores-wording/1"
LANGUAGES = ("zh-hans", "en")
DEMO_NOTICE = "DEMO WORDING – replace with the licensed version"
_FIELDS = {
    "format", "code", "version", "language", "demo", "notice", "source", "title", "instructions", "items"
}


class TextFileError(ScoreInputError):
    """Reject a wording file, naming the field, the value found and what is allowed."""


@dataclass(frozen=True)
class ItemText:
    """The wording of one item: question text and option texts keyed by :func:`option_key`."""

    id: str
    text: str
    options: Mapping[str, str] = field(default_factory=frozen_mapping)


@dataclass(frozen=True)
class InstrumentText:
    """The wording of one instrument in one language, from a file or from the topic labels."""

    code: str
    version: str
    language: str
    demo: bool
    items: Mapping[str, ItemText]
    notice: str = ""
    title: str = ""
    instructions: str = ""
    source: str = ""
    from_file: bool = False
    fallback_items: tuple[str, ...] = ()
    fallback_options: tuple[str, ...] = ()


def option_key(value: Any) -> str:
    """Return the key of an option value in a wording file: ``0 → "0"``, ``-0.5 → "-0.5"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_text(code: str, language: str = "en", path: str | Path | None = None) -> InstrumentText:
    """Return the wording of ``code`` from the file at ``path``, or the topic labels without one.

    Parameters
    ----------
    code : str
        Instrument code in the catalogue.
    language : str, default "en"
        ``"zh-hans"`` or ``"en"``; a file must declare the same language.
    path : str or Path, optional
        The site-provided wording file. ``None``: build the text from the topic labels.

    Returns
    -------
    InstrumentText

    Examples
    --------
    >>> load_text("odi", "en").items["lifting"].text
    'Lifting'
    """
    instrument = _instrument(code)
    language = _check_language(language)
    if path is None:
        return topic_text(instrument, language)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TextFileError("file", str(path), "a readable UTF-8 JSON wording file", hint=str(error))
    text = parse_text(data, instrument=instrument, source=str(path))
    if text.language != language:
        raise TextFileError("language", text.language, [language], hint=f"{path} is in another language")
    return text


def load_demo_text(code: str, language: str = "en") -> InstrumentText:
    """Return the demo wording shipped in ``spinescores/data/text`` (``demo`` is always true)."""
    language = _check_language(language)
    resource = resources.files("spinescores") / "data" / "text" / f"{code}.{language}.json"
    if not resource.is_file():
        raise TextFileError("code", code, _demo_codes(), hint="no demo wording for this code")
    with resources.as_file(resource) as path:
        return load_text(code, language, path)


def parse_text(data: Any, *, instrument: Instrument | None = None, source: str = "") -> InstrumentText:
    """Validate decoded wording ``data`` against its instrument and return it."""
    if not isinstance(data, Mapping):
        raise TextFileError("file", type(data).__name__, "a JSON object")
    unknown = set(data) - _FIELDS
    if unknown:
        raise TextFileError("field", sorted(unknown)[0], sorted(_FIELDS))
    if data.get("format") != FORMAT:
        raise TextFileError("format", data.get("format"), [FORMAT])
    if instrument is None:
        instrument = _instrument(data.get("code"))
    if data.get("code") != instrument.code:
        raise TextFileError("code", data.get("code"), [instrument.code])
    if data.get("version") != instrument.version:
        hint = "wording of another version"
        raise TextFileError("version", data.get("version"), [instrument.version], hint=hint)
    language = _check_language(data.get("language"))
    demo = data.get("demo")
    if not isinstance(demo, bool):
        raise TextFileError("demo", demo, "true or false")
    notice = _optional_text(data, "notice")
    if demo and not notice:
        raise TextFileError("notice", notice, [DEMO_NOTICE], hint="demo wording must say so")
    items, fallback_items, fallback_options = _parse_items(instrument, data.get("items"), language)
    return InstrumentText(
        code=instrument.code,
        version=instrument.version,
        language=language,
        demo=demo,
        items=frozen_mapping(items),
        notice=notice,
        title=_optional_text(data, "title"),
        instructions=_optional_text(data, "instructions"),
        source=_optional_text(data, "source") or source,
        from_file=True,
        fallback_items=fallback_items,
        fallback_options=fallback_options,
    )


def topic_text(instrument: Instrument | str, language: str = "en") -> InstrumentText:
    """Return text built from the topic and option labels of ``instrument`` (no wording file)."""
    if isinstance(instrument, str):
        instrument = _instrument(instrument)
    language = _check_language(language)
    items = {item.id: _topic_item(item, language) for item in instrument.items}
    title = instrument.name_zh if language == "zh-hans" and instrument.name_zh else instrument.name
    return InstrumentText(
        code=instrument.code,
        version=instrument.version,
        language=language,
        demo=False,
        items=frozen_mapping(items),
        title=title,
        source="topic labels",
    )


def _parse_items(instrument: Instrument, items: Any, language: str):
    if not isinstance(items, Mapping):
        raise TextFileError("items", type(items).__name__, "a JSON object of item id to wording")
    parsed: dict[str, ItemText] = {}
    fallback_items: list[str] = []
    fallback_options: list[str] = []
    for item_id in items:
        if item_id not in instrument.item_ids:
            hint = f"not an item of {instrument.code}"
            raise TextFileError("item", item_id, instrument.item_ids, hint=hint)
    for item in instrument.items:
        if item.id not in items:
            parsed[item.id] = _topic_item(item, language)
            fallback_items.append(item.id)
            continue
        parsed[item.id], missing = _parse_item(item, items[item.id], language)
        fallback_options += [f"{item.id}:{key}" for key in missing]
    return parsed, tuple(fallback_items), tuple(fallback_options)


def _parse_item(item: Item, entry: Any, language: str) -> tuple[ItemText, list[str]]:
    if not isinstance(entry, Mapping) or set(entry) - {"text", "options"}:
        raise TextFileError(item.id, entry, 'an object with "text" and optional "options"')
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        raise TextFileError(f"{item.id}.text", text, "a non-empty string")
    options = entry.get("options", {})
    if not isinstance(options, Mapping):
        raise TextFileError(f"{item.id}.options", options, "a JSON object of option value to text")
    for key, value in options.items():
        _check_option(item, key)
        if not isinstance(value, str) or not value.strip():
            raise TextFileError(f"{item.id}.options.{key}", value, "a non-empty string")
    merged = dict(options)
    missing = []
    for option in item.options:
        key = option_key(option.value)
        if key not in merged:
            merged[key] = _label(option.label_en, option.label_zh, language) or key
            missing.append(key)
    return ItemText(item.id, text, frozen_mapping(merged)), missing


def _check_option(item: Item, key: str) -> None:
    if item.kind == "choice":
        allowed = [option_key(option.value) for option in item.options]
        if key not in allowed:
            raise TextFileError(f"{item.id}.options", key, allowed)
        return
    if item.kind not in ("integer", "number"):
        raise TextFileError(f"{item.id}.options", key, "no options for this item")
    try:
        number = float(key)
    except ValueError:
        raise TextFileError(f"{item.id}.options", key, item._range_text())
    try:
        item.validate(int(number) if number.is_integer() else number)
    except ScoreInputError:
        raise TextFileError(f"{item.id}.options", key, item._range_text())


def _topic_item(item: Item, language: str) -> ItemText:
    options = {}
    for option in item.options:
        key = option_key(option.value)
        options[key] = _label(option.label_en, option.label_zh, language) or key
    return ItemText(item.id, _label(item.topic_en, item.topic_zh, language), frozen_mapping(options))


def _label(english: str, chinese: str, language: str) -> str:
    return chinese if language == "zh-hans" and chinese else english


def _optional_text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise TextFileError(name, value, "a string")
    return value


def _check_language(language: Any) -> str:
    if not isinstance(language, str) or language not in LANGUAGES:
        raise TextFileError("language", language, LANGUAGES)
    return language


def _instrument(code: Any) -> Instrument:
    if not isinstance(code, str):
        raise TextFileError("code", code, "an instrument code")
    try:
        return registry.get(code).INSTRUMENT
    except UnknownInstrumentError:
        raise TextFileError("code", code, sorted(i.code for i in registry.catalog()))


def _demo_codes() -> list[str]:
    folder = resources.files("spinescores") / "data" / "text"
    return sorted({entry.name.split(".")[0] for entry in folder.iterdir() if entry.name.endswith(".json")})
