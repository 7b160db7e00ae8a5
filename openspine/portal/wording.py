"""The questions a patient sees: spinescores item metadata plus the site's wording file.

Licensed wording is never in the repository. A site keeps its files in
``settings.INSTRUMENT_TEXT_DIR`` as ``<code>.<language>.json`` (spinescores' wording format). Without
a site file, development uses the demo wording shipped with spinescores (marked as demo on the
page) and production falls back to the topic labels.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

import spinescores
from spinescores import text as wording
from spinescores.prom.odi import NOT_APPLICABLE  # "na", shared by every instrument

LANGUAGES = wording.LANGUAGES


@dataclass(frozen=True)
class Choice:
    """One answer a patient can tap."""

    key: str
    label: str


@dataclass(frozen=True)
class Question:
    """One screen of the questionnaire: an item of an instrument, worded in one language."""

    code: str
    item_id: str
    kind: str
    required: bool
    text: str
    choices: tuple[Choice, ...]
    minimum: float | None
    maximum: float | None
    title: str
    instructions: str
    notice: str
    anchors: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.code}.{self.item_id}"

    @property
    def low(self) -> str:
        return f"{self.minimum:g}" if self.minimum is not None else ""

    @property
    def high(self) -> str:
        return f"{self.maximum:g}" if self.maximum is not None else ""

    @property
    def is_scale(self) -> bool:
        """Return True for a 0-10 rating, shown as a row of numbers rather than a list."""
        return self.kind == "choice" and len(self.choices) == 11 and self.choices[0].key == "0"


def instrument_text(code: str, language: str) -> wording.InstrumentText:
    """Return the wording of ``code`` in ``language``: site file, else demo (not production), else topics."""
    return _load(code, language, settings.INSTRUMENT_TEXT_DIR or "", settings.PRODUCTION)


@lru_cache(maxsize=64)
def _load(code: str, language: str, site_dir: str, production: bool) -> wording.InstrumentText:
    if site_dir:
        path = Path(site_dir) / f"{code}.{language}.json"
        if path.is_file():
            return wording.load_text(code, language, path)
    if not production:
        try:
            return wording.load_demo_text(code, language)
        except wording.TextFileError:
            pass
    return wording.topic_text(code, language)


def questions(codes, language: str) -> list[Question]:
    """Return every question of the instruments ``codes``, in order, worded in ``language``."""
    result = []
    for code in codes:
        instrument = spinescores.get(code).INSTRUMENT
        text = instrument_text(code, language)
        for item in instrument.items:
            result.append(_question(instrument, item, text, language))
    return result


def _question(instrument, item, text, language) -> Question:
    item_text = text.items[item.id]
    choices = (
        [Choice(key, label) for key, label in item_text.options.items()] if item.kind == "choice" else []
    )
    if item.kind == "boolean":
        choices = [Choice("true", _YES_NO[language][0]), Choice("false", _YES_NO[language][1])]
    if item.not_applicable_allowed:
        choices.append(Choice(NOT_APPLICABLE, _NOT_APPLICABLE_LABEL[language]))
    return Question(
        code=instrument.code,
        item_id=item.id,
        kind=item.kind,
        required=item.required,
        text=item_text.text,
        choices=tuple(choices),
        minimum=item.minimum,
        maximum=item.maximum,
        title=text.title or instrument.name,
        instructions=text.instructions,
        notice=text.notice if text.demo else "",
        # Number items (EQ VAS) may carry anchor wording for their ends, keyed by value.
        anchors=tuple(item_text.options.values()) if item.kind in ("integer", "number") else (),
    )


# Instrument data in both languages rather than a UI string: the answer is part of the item.
_NOT_APPLICABLE_LABEL = {"zh-hans": "不适用", "en": "Not applicable"}
_YES_NO = {"zh-hans": ("是", "否"), "en": ("Yes", "No")}
TEXT_MAX_LENGTH = 500


def parse_answer(question: Question, raw: str):
    """Return the stored value of the answer ``raw`` to ``question``, or raise ValueError."""
    raw = (raw or "").strip()
    if not raw and not question.required:
        return None
    if question.kind == "choice":
        return _parse_choice(question, raw)
    if question.kind in ("integer", "number"):
        return _parse_number(question, raw)
    if question.kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if question.kind == "text" and raw and len(raw) <= TEXT_MAX_LENGTH:
        return raw
    raise ValueError(question.key)


def _parse_choice(question: Question, raw: str):
    if raw == NOT_APPLICABLE and any(c.key == NOT_APPLICABLE for c in question.choices):
        return NOT_APPLICABLE
    item = spinescores.get(question.code).INSTRUMENT.item(question.item_id)
    for value in item.allowed_values:
        if wording.option_key(value) == raw:
            return value
    raise ValueError(question.key)


def _parse_number(question: Question, raw: str):
    item = spinescores.get(question.code).INSTRUMENT.item(question.item_id)
    try:
        value = int(raw) if question.kind == "integer" else float(raw)
        return item.validate(value)
    except (ValueError, spinescores.ScoreInputError):
        raise ValueError(question.key) from None


def answer_key(value) -> str:
    """Return the form value of a stored answer (inverse of :func:`parse_answer`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return wording.option_key(value)
