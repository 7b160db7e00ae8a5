"""Helpers shared by the PROM and clinician-score modules (no ``INSTRUMENT``: not in the catalogue).

Conventions used by every module built on these helpers:

* an item that is absent from ``responses`` or given as ``None`` is **missing** (not answered);
* the string :data:`NOT_APPLICABLE` (``"na"``) marks an item as **not applicable**, which is only
  allowed where the reference says so (ODI sex life, NDI driving); it is reported apart from
  missing items (proms.md §0.2);
* a list or tuple of several values means that several answers were marked on paper for one
  single-choice item; each module states what it does with that (proms.md §0.5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from spinescores.base import Instrument, Item, Option, reject_unknown, require_mapping
from spinescores.errors import ScoreInputError

NOT_APPLICABLE = "na"

# Flag for a rule that is a registry choice because the reference found no official one.
LOCAL_POLICY = "local_policy"

# What to do with several answers marked for one single-choice item.
MULTIPLE_AS_MISSING = "missing"
MULTIPLE_TAKE_WORST = "worst"


def graded_options(
    values: Iterable[Any],
    low: tuple[str, str] = ("", ""),
    high: tuple[str, str] = ("", ""),
) -> tuple[Option, ...]:
    """Return options labelled by their value, with a topic label on the first and the last."""
    values = tuple(values)
    options = []
    for index, value in enumerate(values):
        label_en = label_zh = f"{value:g}" if isinstance(value, float) else str(value)
        anchor = low if index == 0 else high if index == len(values) - 1 else ("", "")
        if anchor[0]:
            label_en = f"{label_en} – {anchor[0]}"
            label_zh = f"{label_zh} – {anchor[1]}"
        options.append(Option(value, label_en, label_zh))
    return tuple(options)


def labelled_options(labels: Iterable[tuple[Any, str, str]]) -> tuple[Option, ...]:
    """Return options from ``(value, label_en, label_zh)`` triples."""
    return tuple(Option(value, en, zh) for value, en, zh in labels)


def choice_item(
    item_id: str,
    topic_en: str,
    topic_zh: str,
    options: tuple[Option, ...],
    *,
    not_applicable: bool = False,
    required: bool = True,
) -> Item:
    """Return a single-choice item."""
    return Item(
        id=item_id,
        topic_en=topic_en,
        topic_zh=topic_zh,
        kind="choice",
        options=options,
        required=required,
        not_applicable_allowed=not_applicable,
    )


@dataclass(frozen=True)
class Collected:
    """The validated responses of one questionnaire, sorted into answered, missing and n/a."""

    answers: dict[str, Any]
    missing: tuple[str, ...]
    not_applicable: tuple[str, ...]
    multiple_marked: tuple[str, ...]


def collect(
    instrument: Instrument,
    responses: Any,
    *,
    multiple: str = MULTIPLE_AS_MISSING,
    worst: Callable[[Iterable[Any]], Any] = max,
) -> Collected:
    """Validate ``responses`` against ``instrument`` and sort the items.

    Raises :class:`ScoreInputError` for a non-mapping, an unknown item id, a value that is not
    allowed, or ``"na"`` on an item that may not be not-applicable.
    """
    responses = require_mapping(responses)
    reject_unknown(instrument, responses)
    answers: dict[str, Any] = {}
    missing: list[str] = []
    not_applicable: list[str] = []
    multiple_marked: list[str] = []
    fast = _int_choices(instrument)
    for item in instrument.items:
        value = responses.get(item.id)
        if value is None:
            missing.append(item.id)
        elif isinstance(value, str) and value == NOT_APPLICABLE:
            _check_not_applicable(item, value)
            not_applicable.append(item.id)
        elif isinstance(value, (list, tuple)):
            marked = _validate_marked(item, value)
            if len(marked) == 1:
                answers[item.id] = marked[0]
            elif multiple == MULTIPLE_TAKE_WORST:
                answers[item.id] = worst(marked)
                multiple_marked.append(item.id)
            else:
                missing.append(item.id)
                multiple_marked.append(item.id)
        elif type(value) is int and value in fast.get(item.id, ()):
            answers[item.id] = value  # the common case, already known to be allowed
        else:
            answers[item.id] = item.validate(value)
    return Collected(answers, tuple(missing), tuple(not_applicable), tuple(multiple_marked))


# Allowed plain-int answers per choice item, per instrument: Item.validate rebuilds its tuple of
# allowed values on every call, which dominates the cost of scoring a million CSV rows. The
# instrument is kept in the entry so that its id() cannot be reused by another object.
_INT_CHOICES: dict[int, tuple[Instrument, dict[str, frozenset[int]]]] = {}


def _int_choices(instrument: Instrument) -> dict[str, frozenset[int]]:
    entry = _INT_CHOICES.get(id(instrument))
    if entry is None or entry[0] is not instrument:
        choices = {
            item.id: frozenset(v for v in item.allowed_values if type(v) is int)
            for item in instrument.items
            if item.kind == "choice"
        }
        entry = _INT_CHOICES[id(instrument)] = (instrument, choices)
    return entry[1]


def _check_not_applicable(item: Item, value: str) -> None:
    if not item.not_applicable_allowed:
        raise ScoreInputError(item.id, value, item.allowed_values, hint="this item cannot be not-applicable")


def _validate_marked(item: Item, values: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    if not values:
        raise ScoreInputError(item.id, values, item.allowed_values, hint="an empty list of marked answers")
    return tuple(sorted({item.validate(value) for value in values}))


def validate_int_option(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` if it is a whole number from ``low`` to ``high``, else raise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScoreInputError(name, value, f"a whole number from {low} to {high}")
    return value


def validate_choice_option(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ScoreInputError(name, value, allowed)
    return value


def mean(values: Iterable[float]) -> float:
    """Return the arithmetic mean of a non-empty iterable of numbers."""
    values = tuple(values)
    return sum(values) / len(values)


def require_all(collected: Collected) -> bool:
    """Return True when every item is answered (for clinician scales without imputation)."""
    return not collected.missing and not collected.not_applicable and not collected.multiple_marked


def total_or_none(collected: Collected) -> float | None:
    """Return the plain sum of all items, or ``None`` when any item is not answered."""
    if not require_all(collected):
        return None
    return sum(collected.answers.values())

