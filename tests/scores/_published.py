"""Helpers for tests that pin a published points table typed into the test module.

The table under test is always a literal in the test file (never imported from ``spinescores``), so
a changed row in the module fails its case instead of moving the expected value with it.
"""

import itertools


def rows(table):
    """Return (component, category, points) for every row of a published table, in table order."""
    return [(item, value, points) for item, options in table.items() for value, points in options.items()]


def inputs_with_total(table, total):
    """Return the first combination of published categories (in table order) summing to ``total``."""
    for combo in itertools.product(*(list(options.items()) for options in table.values())):
        if sum(points for _, points in combo) == total:
            return {item: value for item, (value, _) in zip(table, combo, strict=True)}
    raise AssertionError(f"no combination of published categories totals {total}")


def totals(table):
    """Return every total the published table can reach, from the lowest to the highest."""
    lowest = sum(min(options.values()) for options in table.values())
    highest = sum(max(options.values()) for options in table.values())
    return range(lowest, highest + 1)


def offered(instrument, items=None):
    """Return {item id: set of allowed values} of an instrument's choice items (``items`` limits)."""
    return {
        item.id: set(item.allowed_values)
        for item in instrument.items
        if item.kind == "choice" and (items is None or item.id in items)
    }
