"""Questionnaire metadata for forms: items and options from spinescores, answers parsed from a POST.

Shared by the coordinator's entry form and the patient portal. Only topic labels written by the
library appear here; licensed item wording comes from the site's instrument text file.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

import spinescores
from openspine.core.errors import DomainError

NOT_APPLICABLE = "na"


@dataclass(frozen=True)
class FormOption:
    value: str
    label: str


@dataclass(frozen=True)
class FormItem:
    """One question as a form shows it: id, label in the wanted language, options or a number range."""

    id: str
    label: str
    kind: str
    options: tuple[FormOption, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    not_applicable_allowed: bool = False


def is_chinese(language: str) -> bool:
    return (language or "").lower().startswith("zh")


def instrument_name(code: str, language: str) -> str:
    """Return the instrument's display name in ``language``."""
    instrument = spinescores.get(code).INSTRUMENT
    return (instrument.name_zh or instrument.name) if is_chinese(language) else instrument.name


def form_items(code: str, language: str) -> list[FormItem]:
    """Return the items of instrument ``code`` with labels in ``language`` (zh-hans or en)."""
    zh = is_chinese(language)
    items = []
    for item in spinescores.get(code).INSTRUMENT.items:
        options = tuple(
            FormOption(str(o.value), (o.label_zh or o.label_en) if zh else (o.label_en or str(o.value)))
            for o in item.options
        )
        label = (item.topic_zh or item.topic_en) if zh else item.topic_en
        items.append(
            FormItem(
                item.id, label, item.kind, options, item.minimum, item.maximum, item.not_applicable_allowed
            )
        )
    return items


def parse_answers(code: str, data) -> dict:
    """Turn submitted strings (``data[item_id]``) into the typed answers spinescores expects.

    Blank fields are left out (missing); ``na`` is kept where the item allows it. Raises DomainError
    naming the item and its allowed values for anything else that does not fit.
    """
    answers = {}
    for item in spinescores.get(code).INSTRUMENT.items:
        raw = (data.get(item.id) or "").strip()
        if not raw:
            continue
        if raw == NOT_APPLICABLE and item.not_applicable_allowed:
            answers[item.id] = NOT_APPLICABLE
            continue
        answers[item.id] = _typed(item, raw)
    return answers


def _typed(item, raw: str):
    if item.kind == "choice":
        for option in item.options:
            if str(option.value) == raw:
                return option.value
        allowed = ", ".join(str(o.value) for o in item.options)
    else:
        try:
            number = float(raw)
            value = int(number) if item.kind == "integer" and number.is_integer() else number
            item.validate(value)
            return value
        except (ValueError, spinescores.ScoreInputError):
            allowed = f"{item.minimum:g}–{item.maximum:g}"
    raise DomainError(
        _("%(item)s: %(value)s is not allowed; use one of: %(allowed)s.")
        % {"item": item.id, "value": raw, "allowed": allowed}
    )
