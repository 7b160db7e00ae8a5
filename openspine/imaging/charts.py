"""Series for the patient's radiograph charts: Cobb and PI−LL over time beside the PROM scores.

Computed here and drawn as inline SVG by the template (STYLE.md §7: series in Python, tested).
Only the primary reader's measurements are charted; a second reading is QA material. The note under
the chart repeats imaging.md §1.3: a Cobb change under about 5° (same observer) or 7° (different
observers) is within measurement error, so nothing is flagged as progression.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from spinescores import registry
from spinescores.errors import UnknownInstrumentError

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 30


@dataclass
class Panel:
    """One chart panel: named series of (date, value) points scaled to the SVG box."""

    title: str
    series: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    points: list = field(default_factory=list)
    ticks: list = field(default_factory=list)


def radiograph_series(patient) -> dict[str, list[tuple[date, float]]]:
    """Return the primary largest coronal Cobb and the PI−LL of each film, by date."""
    series = {"cobb": [], "pi_ll": []}
    films = patient.films.prefetch_related("measurements").order_by("taken_on")
    for film in films:
        primary = next((m for m in film.measurements.all() if m.reader_role == "primary"), None)
        if primary is None:
            continue
        cobbs = [primary.values.get(key) for key in ("pt_cobb", "mt_cobb", "tll_cobb")]
        cobbs = [value for value in cobbs if value is not None]
        if cobbs and film.view == "standing_pa":
            series["cobb"].append((film.taken_on, max(cobbs)))
        if primary.values.get("pi_ll") is not None:
            series["pi_ll"].append((film.taken_on, primary.values["pi_ll"]))
    return series


def prom_series(patient) -> dict[str, list[tuple[date, float]]]:
    """Return each instrument's scores by completion date."""
    from openspine.proms.models import QuestionnaireResponse

    series: dict[str, list] = {}
    responses = QuestionnaireResponse.objects.filter(follow_up__patient=patient, value__isnull=False)
    for response in responses.order_by("completed_at"):
        series.setdefault(response.instrument, []).append((response.completed_at.date(), response.value))
    return series


def instrument_name(code: str) -> str:
    """Return the instrument's name in the current language, or its code if it is not catalogued."""
    try:
        instrument = registry.get(code).INSTRUMENT
    except UnknownInstrumentError:
        return code
    return instrument.name_zh if translation.get_language().startswith("zh") else instrument.name


def _panel(title, series: dict, start: date, end: date) -> Panel | None:
    values = [value for points in series.values() for _day, value in points]
    if not values:
        return None
    low, high = min(min(values), 0.0), max(values)
    if high == low:
        high = low + 1
    span_days = max((end - start).days, 1)

    def x(day):
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span_days, 1)

    def y(value):
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low), 1)

    panel = Panel(title=title, series=series)
    for index, (name, points) in enumerate(series.items()):
        panel.lines.append(
            {"name": name, "index": index % 4, "points": " ".join(f"{x(d)},{y(v)}" for d, v in points)}
        )
        panel.points += [
            {"x": x(d), "y": y(v), "name": name, "index": index % 4, "on": d, "value": round(v, 1)}
            for d, v in points
        ]
    middle = (low + high) / 2
    panel.ticks = [{"y": y(value), "label": tick_label(value, high - low)} for value in (low, middle, high)]
    return panel


def tick_label(value: float, span: float) -> str:
    """Label an axis tick with as many decimals as the axis span needs (an EQ-5D index spans 0 to 1)."""
    digits = 0 if span >= 10 else 1 if span >= 1 else 2
    return f"{value:.{digits}f}"


def build_chart(patient) -> dict | None:
    """Return the panels (radiographs, then one per PROM) on one shared time axis, or None with no data."""
    radiographs = {key: points for key, points in radiograph_series(patient).items() if points}
    proms = prom_series(patient)
    days = [d for group in (radiographs, proms) for points in group.values() for d, _v in points]
    if not radiographs:
        return None
    start, end = min(days), max(days)
    names = {"cobb": str(_("largest Cobb")), "pi_ll": str(_("PI − LL"))}
    panels = [_panel(_("Radiographs (°)"), {names[k]: v for k, v in radiographs.items()}, start, end)]
    # one panel per instrument: scores on different scales never share an axis
    panels += [
        _panel(instrument_name(code), {instrument_name(code): points}, start, end)
        for code, points in proms.items()
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_y": HEIGHT - 8,
        "start": start,
        "end": end,
        "panels": [panel for panel in panels if panel],
    }
