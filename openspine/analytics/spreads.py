"""Medians and quartiles of day counts (S8 length of stay, Q4 timeliness) from database histograms.

The database counts operations per distinct number of days (a few dozen rows whatever the
number of operations); the quantiles are read off that histogram in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Subquery

from openspine.analytics.expressions import LocalDate
from openspine.analytics.indicators import DIED_IN_HOSPITAL, DISCHARGED
from openspine.surgery.models import Signature


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of a count of days, with the number of operations behind them."""

    n: int
    median: float | None
    q1: float | None
    q3: float | None
    excluded: int = 0  # e.g. deaths in hospital, reported beside the length of stay
    pending: int = 0  # operations not yet measurable (still in hospital / not yet signed)
    method: str = "quantile_type7_from_histogram"
    extra: dict = field(default_factory=dict)


def quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """Return the q-quantile of the values a histogram {value: count} describes (linear, type 7)."""
    n = sum(histogram.values())
    if not n:
        return None
    position = q * (n - 1)
    low, frac = int(position), position - int(position)
    return _value_at(histogram, low) + frac * (
        _value_at(histogram, min(low + 1, n - 1)) - _value_at(histogram, low)
    )


def _value_at(histogram: Mapping[int, int], index: int) -> int:
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if index < seen:
            return value
    raise IndexError(index)


def _days(value) -> int:
    return value.days if isinstance(value, timedelta) else int(value)


def _spread(histogram: dict[int, int], **extra) -> Spread:
    return Spread(
        sum(histogram.values()),
        quantile(histogram, 0.5),
        quantile(histogram, 0.25),
        quantile(histogram, 0.75),
        **extra,
    )


def length_of_stay(operations) -> Spread:
    """S8: days from operation to discharge, deaths in hospital excluded and counted (two queries)."""
    discharged = operations.filter(DISCHARGED)
    stay = ExpressionWrapper(F("admission__discharged_on") - F("performed_on"), output_field=DurationField())
    rows = discharged.exclude(DIED_IN_HOSPITAL).annotate(days=stay).values("days").annotate(n=Count("pk"))
    histogram: dict[int, int] = {}
    for row in rows:
        histogram[_days(row["days"])] = histogram.get(_days(row["days"]), 0) + row["n"]
    tally = operations.aggregate(
        died=Count("pk", filter=DISCHARGED & DIED_IN_HOSPITAL), open=Count("pk", filter=~DISCHARGED)
    )
    return _spread(histogram, excluded=tally["died"], pending=tally["open"])


def timeliness(operations, unsigned_count: int) -> Spread:
    """Q4: days from surgery to the first signature of the record, from a histogram (one query)."""
    first_signed = Subquery(
        Signature.objects.filter(operation=OuterRef("pk")).order_by("signed_at").values("signed_at")[:1]
    )
    days = ExpressionWrapper(LocalDate(first_signed) - F("performed_on"), output_field=DurationField())
    rows = operations.annotate(days=days).values("days").annotate(n=Count("pk"))
    histogram: dict[int, int] = {}
    for row in rows:
        if row["days"] is not None:
            value = max(0, _days(row["days"]))
            histogram[value] = histogram.get(value, 0) + row["n"]
    return _spread(histogram, pending=unsigned_count)
