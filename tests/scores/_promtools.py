"""Hypothesis strategies and helpers shared by the PROM tests (not a test module)."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from spinescores.base import Instrument, Item

NOT_APPLICABLE = "na"


def item_values(item: Item, *, missing: bool = False) -> st.SearchStrategy:
    """Return a strategy of valid values of ``item`` (plus None / "na" when asked)."""
    if item.kind == "choice":
        values = st.sampled_from(item.allowed_values)
    elif item.kind == "integer":
        high = item.maximum if item.maximum is not None else 1000
        values = st.integers(int(item.minimum), int(high))
    elif item.kind == "number":
        values = st.floats(item.minimum, item.maximum, allow_nan=False)
    elif item.kind == "boolean":
        values = st.booleans()
    else:
        values = st.text(min_size=1, max_size=5)
    extra = []
    if missing:
        extra.append(st.none())
        if item.not_applicable_allowed:
            extra.append(st.just(NOT_APPLICABLE))
    return st.one_of(values, *extra)


def responses(instrument: Instrument, *, missing: bool = False, items=None) -> st.SearchStrategy:
    """Return a strategy of response mappings for ``instrument`` (complete unless ``missing``)."""
    chosen = [i for i in instrument.items if items is None or i.id in items]
    return st.fixed_dictionaries({item.id: item_values(item, missing=missing) for item in chosen})


def invalid_values(item: Item) -> st.SearchStrategy:
    """Return a strategy of values ``item`` must reject."""
    junk = st.one_of(
        st.booleans() if item.kind != "boolean" else st.just(2),
        st.text(max_size=4).filter(lambda text: text != NOT_APPLICABLE),
        st.lists(st.integers(), max_size=0),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
        st.just(math.nan),
        st.just(math.inf),
    )
    if item.kind == "choice":
        numbers = st.one_of(st.integers(), st.floats(allow_nan=False)).filter(
            lambda v: v not in item.allowed_values
        )
        return st.one_of(junk, numbers)
    return junk


def complete(instrument: Instrument, value) -> dict:
    """Return responses with every item answered ``value``."""
    return dict.fromkeys(instrument.item_ids, value)
