"""A patient's ISNCSCI exams over time as two small SVG charts: AIS grade, and the totals.

Series and geometry are computed here and tested; the template only places the numbers (no script,
so the CSP needs no exception). A classification left open by NT is drawn as a bar over its range.
"""

from dataclasses import dataclass, field

AIS_GRADES = ("A", "B", "C", "D", "E")
WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 14, 34
INSET = 36  # keeps the first and last date labels inside the picture
#: Series of the totals chart: (key, model field, maximum of the score).
SCORE_SERIES = (
    ("motor", "motor_total", 100),
    ("light_touch", "light_touch_total", 112),
    ("pin_prick", "pin_prick_total", 112),
)
SCORE_MAX = 112


@dataclass(frozen=True)
class SeriesPoint:
    """One exam as charted: date, context, AIS grades (flags dropped) and totals (None if ND)."""

    on: object
    context: str
    ais: tuple[str, ...]
    motor: int | None
    light_touch: int | None
    pin_prick: int | None

    @property
    def ais_range(self) -> tuple[int, int] | None:
        """Return the lowest and highest AIS index (A=0 .. E=4) the exam allows."""
        ranks = [AIS_GRADES.index(g) for g in self.ais if g in AIS_GRADES]
        return (min(ranks), max(ranks)) if ranks else None


def exam_series(exams) -> list[SeriesPoint]:
    """Return the exams oldest first as chart points; ``*`` flags are dropped from the AIS."""
    rows = sorted(exams, key=lambda e: (e.examined_on, e.created_at))
    return [
        SeriesPoint(
            on=e.examined_on,
            context=e.context,
            ais=tuple(dict.fromkeys(g.rstrip("*") for g in e.ais)),
            motor=e.motor_total,
            light_touch=e.light_touch_total,
            pin_prick=e.pin_prick_total,
        )
        for e in rows
    ]


def x_positions(
    days: list, *, left: float = LEFT + INSET, right: float = WIDTH - RIGHT - INSET
) -> list[float]:
    """Place dates on the x axis in proportion to time; a single date sits in the middle."""
    if not days:
        return []
    first, last = days[0], days[-1]
    span = (last - first).days
    if span == 0:
        return [round((left + right) / 2, 1)] * len(days)
    return [round(left + (d - first).days / span * (right - left), 1) for d in days]


def y_of(value: float, maximum: float, *, top: float = TOP, bottom: float = HEIGHT - BOTTOM) -> float:
    """Return the y coordinate of ``value`` on an axis from 0 (bottom) to ``maximum`` (top)."""
    return round(bottom - value / maximum * (bottom - top), 1)


def polylines(xs: list[float], values: list[int | None], maximum: float) -> list[str]:
    """Return SVG polyline point lists, broken where a value is missing (ND)."""
    lines, current = [], []
    for x, value in zip(xs, values, strict=True):
        if value is None:
            if current:
                lines.append(current)
            current = []
            continue
        current.append(f"{x},{y_of(value, maximum)}")
    if current:
        lines.append(current)
    return [" ".join(points) for points in lines]


@dataclass
class Chart:
    """Geometry of both charts, ready for the template."""

    points: list[dict] = field(default_factory=list)
    ais_ticks: list[dict] = field(default_factory=list)
    score_ticks: list[dict] = field(default_factory=list)
    ais_line: str = ""
    score_lines: dict = field(default_factory=dict)
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    label_y: int = HEIGHT - BOTTOM + 20


def build_chart(exams) -> Chart | None:
    """Return the chart geometry of a patient's exams, or None when there is nothing to draw."""
    series = exam_series(exams)
    if not series:
        return None
    xs = x_positions([p.on for p in series])
    top_rank = len(AIS_GRADES) - 1
    chart = Chart()
    chart.ais_ticks = [{"y": y_of(i, top_rank), "label": g} for i, g in enumerate(AIS_GRADES)]
    chart.score_ticks = [{"y": y_of(v, SCORE_MAX), "label": v} for v in (0, 25, 50, 75, 100)]
    ais_mid = []
    for x, point in zip(xs, series, strict=True):
        low_high = point.ais_range
        entry = {"x": x, "on": point.on, "context": point.context, "ais": ", ".join(point.ais)}
        if low_high:
            entry["ais_low_y"], entry["ais_high_y"] = y_of(low_high[0], top_rank), y_of(low_high[1], top_rank)
            ais_mid.append(f"{x},{round((entry['ais_low_y'] + entry['ais_high_y']) / 2, 1)}")
        for key, _field, _maximum in SCORE_SERIES:
            value = getattr(point, key)
            entry[key] = value
            entry[f"{key}_y"] = y_of(value, SCORE_MAX) if value is not None else None
        chart.points.append(entry)
    chart.ais_line = " ".join(ais_mid)
    chart.score_lines = {
        key: polylines(xs, [getattr(p, key) for p in series], SCORE_MAX) for key, *_ in SCORE_SERIES
    }
    return chart
