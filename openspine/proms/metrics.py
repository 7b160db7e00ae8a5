"""Follow-up rates and response times: plain functions over plain rows (dicts), tested without a database.

A row describes one follow-up with the keys ``timepoint``, ``state``, ``cancel_reason``,
``window_opens_on``, ``window_closes_on``, ``invited_at`` (datetime or None), ``completed_at``
(datetime or None), plus whatever keys a table groups by (``surgeon``, ``disease_area``,
``surgery_month``).

Denominator rules (written on the dashboard too): a follow-up is *eligible* once its window has
closed (outcomes.md section 0 rule 3: an indicator is computable only once its window has closed);
follow-ups cancelled because the patient died, withdrew consent or was reoperated (a new series
starts) are not eligible. Lost-to-contact cancellations stay eligible: they are follow-up failures.
Completion rate = completed / eligible. A follow-up whose window is still open is *not yet mature*:
it is counted apart (with how many of those are already completed), never in the rate, so a cohort
whose windows are still open cannot show 100 %.

The dashboard does not build these rows for every follow-up: :mod:`openspine.proms.worklist` counts
them in SQL with the same rules and hands :func:`rates_from_counts` one row per group.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from openspine.proms.choices import NOT_ELIGIBLE_REASONS, FollowUpState

Row = Mapping[str, object]


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def is_completed(row: Row) -> bool:
    return row["state"] == FollowUpState.COMPLETED


def is_excluded(row: Row) -> bool:
    """Return True if ``row`` left the denominator for good (death, consent withdrawn, reoperation)."""
    return row["state"] == FollowUpState.CANCELLED and row.get("cancel_reason") in NOT_ELIGIBLE_REASONS


def is_window_closed(row: Row, today: date) -> bool:
    return row["window_closes_on"] < today


def is_eligible(row: Row, today: date) -> bool:
    """Return True if ``row`` counts in the denominator on ``today`` (see the module docstring)."""
    return not is_excluded(row) and is_window_closed(row, today)


def is_immature(row: Row, today: date) -> bool:
    """Return True if ``row`` is still in its window on ``today``: shown apart, not in the rate."""
    return not is_excluded(row) and not is_window_closed(row, today)


@dataclass(frozen=True)
class Rate:
    """Completed over eligible for one group; ``rate`` is None when nobody is eligible yet.

    ``immature`` counts the group's follow-ups whose window is still open (``immature_completed``
    of them already answered): they are shown beside the rate, not in it.
    """

    key: tuple
    eligible: int
    completed: int
    immature: int = 0
    immature_completed: int = 0

    @property
    def rate(self) -> float | None:
        return self.completed / self.eligible if self.eligible else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


def completion_rates(rows: Iterable[Row], today: date, key: Callable[[Row], tuple]) -> list[Rate]:
    """Return one :class:`Rate` per distinct ``key(row)``, sorted by key."""
    counts: dict[tuple, list[int]] = {}
    for row in rows:
        tally = counts.setdefault(key(row), [0, 0, 0, 0])
        if is_eligible(row, today):
            tally[0] += 1
            tally[1] += is_completed(row)
        elif is_immature(row, today):
            tally[2] += 1
            tally[3] += is_completed(row)
    return [Rate(group, *counts[group]) for group in sorted(counts, key=_sort_key)]


COUNT_KEYS = ("eligible", "completed", "immature", "immature_completed")


def rates_from_counts(counts: Iterable[Row], key: Callable[[Row], tuple]) -> list[Rate]:
    """Return one :class:`Rate` per distinct ``key(row)`` from already counted rows, sorted by key.

    Each row carries the four counts of :data:`COUNT_KEYS` (as the SQL of
    :func:`openspine.proms.worklist.dashboard_counts` gives them); rows with the same key are added
    up (two surgeons shown under the same name, say).
    """
    totals: dict[tuple, list[int]] = {}
    for row in counts:
        tally = totals.setdefault(key(row), [0, 0, 0, 0])
        for index, name in enumerate(COUNT_KEYS):
            tally[index] += row[name] or 0
    return [Rate(group, *totals[group]) for group in sorted(totals, key=_sort_key)]


def _sort_key(group: tuple) -> tuple:
    return tuple((value is None, str(value)) for value in group)


def response_days(row: Row) -> int | None:
    """Days from the first invitation (or the window opening, if never invited) to completion."""
    if not is_completed(row) or row.get("completed_at") is None:
        return None
    start = _day(row["invited_at"]) if row.get("invited_at") else row["window_opens_on"]
    return max(0, (_day(row["completed_at"]) - start).days)


def median_response_days(rows: Iterable[Row]) -> float | None:
    """Return the median of :func:`response_days` over completed rows, or None if there are none."""
    days = [d for d in (response_days(row) for row in rows) if d is not None]
    return median(days) if days else None


def median_of_counts(counts: Mapping[int, int]) -> float | None:
    """Return the median of values given as ``{value: how many times}``, or None if there are none.

    The same answer as :func:`statistics.median` over the values written out: the middle value of
    an odd number of them, the mean of the two middle values of an even number.
    """
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None
    lower, upper = (total - 1) // 2, total // 2  # 0-based positions of the middle value(s)
    seen, low = 0, None
    for value in sorted(v for v, n in counts.items() if n > 0):
        seen += counts[value]
        if low is None and seen > lower:
            low = value
        if seen > upper:
            return low if total % 2 else (low + value) / 2
    raise AssertionError("unreachable: the positions lie within the total")


TIMEPOINT_ORDER = {"baseline": 0, "3m": 1, "6m": 2, "12m": 3, "24m": 4, "5y": 5}


def timepoint_sort_key(label: str) -> tuple:
    """Sort timepoint labels in clinical order (baseline, 3m, 12m, 24m), unknown labels last."""
    return (TIMEPOINT_ORDER.get(label, 99), label)


def pivot(rows: list[Row], today: date, group: str) -> tuple[list[str], list[tuple[object, list[Rate]]]]:
    """Return (timepoints, [(group value, [Rate per timepoint])]): a group-by-timepoint table."""
    rates = completion_rates(rows, today, lambda r: (r[group], r["timepoint"]))
    return pivot_rates(rates)


def pivot_counts(counts: list[Row], group: str) -> tuple[list[str], list[tuple[object, list[Rate]]]]:
    """Like :func:`pivot`, from counted rows (see :func:`rates_from_counts`)."""
    return pivot_rates(rates_from_counts(counts, lambda r: (r[group], r["timepoint"])))


def pivot_rates(rates: list[Rate]) -> tuple[list[str], list[tuple[object, list[Rate]]]]:
    """Lay out rates keyed (group value, timepoint) as a group-by-timepoint table."""
    rates = {rate.key: rate for rate in rates}
    timepoints = sorted({tp for _value, tp in rates}, key=timepoint_sort_key)
    values = sorted({value for value, _tp in rates}, key=lambda v: (v is None, str(v)))
    table = [
        (value, [rates.get((value, tp), Rate((value, tp), 0, 0)) for tp in timepoints]) for value in values
    ]
    return timepoints, table
