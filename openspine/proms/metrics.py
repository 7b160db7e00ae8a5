"""Follow-up rates and response times: plain functions over plain rows (dicts), tested without a database.

A row describes one follow-up with the keys ``timepoint``, ``state``, ``cancel_reason``,
``window_opens_on``, ``window_closes_on``, ``invited_at`` (datetime or None), ``completed_at``
(datetime or None), plus whatever keys a table groups by (``surgeon``, ``disease_area``,
``surgery_month``).

Denominator rules (written on the dashboard too): a follow-up is *eligible* once it is completed
or its window has closed; follow-ups cancelled because the patient died, withdrew consent or was
reoperated (a new series starts) are not eligible. Lost-to-contact cancellations stay eligible:
they are follow-up failures. Completion rate = completed / eligible.
"""

from collections import defaultdict
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


def is_eligible(row: Row, today: date) -> bool:
    """Return True if ``row`` counts in the denominator on ``today`` (see the module docstring)."""
    if is_completed(row):
        return True
    if row["state"] == FollowUpState.CANCELLED and row.get("cancel_reason") in NOT_ELIGIBLE_REASONS:
        return False
    return row["window_closes_on"] < today


@dataclass(frozen=True)
class Rate:
    """Completed over eligible for one group; ``rate`` is None when nobody is eligible yet."""

    key: tuple
    eligible: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.eligible if self.eligible else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


def completion_rates(rows: Iterable[Row], today: date, key: Callable[[Row], tuple]) -> list[Rate]:
    """Return one :class:`Rate` per distinct ``key(row)``, sorted by key."""
    eligible: dict[tuple, int] = defaultdict(int)
    completed: dict[tuple, int] = defaultdict(int)
    for row in rows:
        group = key(row)
        eligible.setdefault(group, 0)
        if is_eligible(row, today):
            eligible[group] += 1
            completed[group] += is_completed(row)
    return [Rate(group, eligible[group], completed[group]) for group in sorted(eligible, key=_sort_key)]


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


TIMEPOINT_ORDER = {"baseline": 0, "3m": 1, "6m": 2, "12m": 3, "24m": 4, "5y": 5}


def timepoint_sort_key(label: str) -> tuple:
    """Sort timepoint labels in clinical order (baseline, 3m, 12m, 24m), unknown labels last."""
    return (TIMEPOINT_ORDER.get(label, 99), label)


def pivot(rows: list[Row], today: date, group: str) -> tuple[list[str], list[tuple[object, list[Rate]]]]:
    """Return (timepoints, [(group value, [Rate per timepoint])]): a group-by-timepoint table."""
    timepoints = sorted({row["timepoint"] for row in rows}, key=timepoint_sort_key)
    rates = {rate.key: rate for rate in completion_rates(rows, today, lambda r: (r[group], r["timepoint"]))}
    values = sorted({row[group] for row in rows}, key=lambda v: (v is None, str(v)))
    table = [
        (value, [rates.get((value, tp), Rate((value, tp), 0, 0)) for tp in timepoints]) for value in values
    ]
    return timepoints, table
