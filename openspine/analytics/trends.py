"""Trends by period: one rule's rate per calendar quarter with its 95 % Wilson band (outcomes.md 9.3).

The reference asks for a rolling 12-month rate by month, "for rare events use quarterly or annual
bins, not monthly"; complications of elective spine surgery are rare enough per month, so the
page bins by quarter. Each quarter counts its mature index operations exactly as the figures do
(:func:`openspine.analytics.indicators.maturity`); quarters with operations still inside their
window show how many are not yet mature. The reference gives no target line, so none is drawn.
One GROUP BY query per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter, ExtractYear

from openspine.analytics import indicators
from openspine.analytics.methods import intervals, suppression

QUARTERS = 12


@dataclass(frozen=True)
class Point:
    label: str
    start: date
    numerator: int
    denominator: int
    immature: int
    interval: intervals.Interval | None
    display: suppression.RateDisplay

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def first_quarter(today: date, count: int = QUARTERS) -> date:
    """Return the first day of the quarter ``count - 1`` quarters before today's."""
    start = quarter_start(today)
    index = start.year * 4 + (start.month - 1) // 3 - (count - 1)
    return date(index // 4, 3 * (index % 4) + 1, 1)


def quarterly(operations, key: str, today: date) -> list[Point]:
    """Return one :class:`Point` per quarter of the last 12 (today's included) for rule ``key``."""
    rule = indicators.rule_by_key(key)
    mature, excluded, event = indicators.maturity(rule, today)
    start = first_quarter(today)
    counted = (
        operations.filter(performed_on__gte=start, performed_on__lte=today)
        .annotate(y=ExtractYear("performed_on"), q=ExtractQuarter("performed_on"))
        .values("y", "q")
        .annotate(
            n=Count("pk", filter=mature & ~excluded),
            x=Count("pk", filter=mature & ~excluded & (event if isinstance(event, Q) else Q(event))),
            open=Count("pk", filter=~mature),
        )
        .order_by("y", "q")
    )
    by_quarter = {(row["y"], row["q"]): row for row in counted}
    points = []
    for i in range(QUARTERS):
        index = start.year * 4 + (start.month - 1) // 3 + i
        year, quarter = index // 4, index % 4 + 1
        row = by_quarter.get((year, quarter), {})
        n, x = row.get("n", 0), row.get("x", 0)
        points.append(
            Point(
                f"{year} Q{quarter}",
                date(year, 3 * quarter - 2, 1),
                x,
                n,
                row.get("open", 0),
                intervals.wilson(x, n) if n else None,
                suppression.rate_display(x, n, audience=suppression.INTERNAL),
            )
        )
    return points
