"""The patient's own recovery as small line charts, drawn server-side as SVG (no script needed).

Geometry is computed here and tested in Python; the template only places the numbers.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import spinescores
from spinescores.base import HIGHER_IS_BETTER

WIDTH, HEIGHT = 340, 210
# Scores a patient can read as "my trouble" or "my pain"; the EQ-5D index means little to them.
CHARTED = ("odi", "ndi", "nrs_back", "nrs_leg", "nrs_neck", "nrs_arm", "eq_vas")
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 24, 46
INSET = 38  # keeps the first and last timepoint labels inside the picture


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: str
    label: str

    @property
    def value_y(self) -> float:
        return round(self.y - 11, 1)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Panel:
    """One chart: a score over the patient's timepoints, with a plain-language title."""

    code: str
    title: str
    hint: str
    points: tuple[Point, ...]
    ticks: tuple[Tick, ...]
    polyline: str
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    label_y: int = HEIGHT - BOTTOM + 22


def _titles():
    # Patient words, not instrument names: what the number means to the person who gave it.
    return {
        "odi": _("How much your back trouble limits daily life"),
        "ndi": _("How much your neck trouble limits daily life"),
        "nrs_back": _("Back pain"),
        "nrs_leg": _("Leg pain"),
        "nrs_neck": _("Neck pain"),
        "nrs_arm": _("Arm pain"),
        "eq_vas": _("Your own rating of your health"),
    }


def timepoint_label(label: str) -> str:
    """Return a patient-friendly name for a timepoint label such as ``baseline`` or ``12m``."""
    if label in ("baseline", "pre", "preop"):
        return _("Before surgery")
    match = re.fullmatch(r"(\d+)\s*([mwd])", label or "")
    if not match:
        return label
    number, unit = int(match.group(1)), match.group(2)
    if unit == "m":
        return ngettext("%(n)d month", "%(n)d months", number) % {"n": number}
    if unit == "w":
        return ngettext("%(n)d week", "%(n)d weeks", number) % {"n": number}
    return ngettext("%(n)d day", "%(n)d days", number) % {"n": number}


def panels(series) -> list[Panel]:
    """Return one chart per charted instrument of ``series`` with a value, in the active language."""
    result = []
    for code, rows in _normalise(series).items():
        values = [row for row in rows if row["value"] is not None]
        if values:
            result.append(_panel(code, values))
    return result


def _normalise(series) -> dict:
    # recovery_series gives {code: [(timepoint, date, value), ...]}, oldest first.
    return {
        code: [{"label": str(timepoint), "value": value} for timepoint, _day, value in series[code]]
        for code in CHARTED
        if code in (series or {})
    }


def _panel(code: str, rows: list[dict]) -> Panel:
    instrument = spinescores.get(code).INSTRUMENT
    low, high = instrument.score_range or (0.0, max(row["value"] for row in rows))
    low = min(low, 0.0) if low < 0 else low  # EQ-5D can go below zero; keep the axis honest
    plot_width = WIDTH - LEFT - RIGHT - 2 * INSET
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(1, len(rows) - 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_height * (high - value) / ((high - low) or 1), 1)

    points = tuple(
        Point(
            x=round(LEFT + INSET + (step * index if len(rows) > 1 else plot_width / 2), 1),
            y=y_of(row["value"]),
            value=_format(row["value"]),
            label=timepoint_label(row["label"]),
        )
        for index, row in enumerate(rows)
    )
    ticks = tuple(Tick(y_of(low + (high - low) * f), _format(low + (high - low) * f)) for f in (0, 0.5, 1))
    better = _("Higher is better") if instrument.direction == HIGHER_IS_BETTER else _("Lower is better")
    return Panel(
        code=code,
        title=_titles().get(code, instrument.name),
        hint=better,
        points=points,
        ticks=ticks,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
    )


def _format(value: float) -> str:
    if abs(value) < 2 and value != int(value):
        return f"{value:.2f}"
    return f"{value:.0f}"


def as_json(panels_: list[Panel]) -> list[dict]:
    """Return the charted values as plain data (emitted with ``json_script`` for screen readers/tests)."""
    return [
        {
            "code": p.code,
            "title": p.title,
            "points": [{"label": pt.label, "value": pt.value} for pt in p.points],
        }
        for p in panels_
    ]
