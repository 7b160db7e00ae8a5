"""The autonomy chart of a trainee: Zwisch ratings over time per category (teaching.md 4.1, 5).

Plain functions: ``autonomy_points`` turns case-log entries into rows (one per category of each
attending-rated, confirmed case), ``autonomy_svg`` draws them with Altair and renders SVG
server-side with vl-convert (as openspine/analytics/charts.py does: no script reaches the page).
The table beside the chart and its CSV download carry the same rows, so the chart has a text
alternative. Only the attending's rating is drawn (the one a confirmation requires, teaching.md 3);
the trainee's self-rating is shown in the table only where ``visible_ratings`` allows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from openspine.teaching.choices import Category, EntryState, RaterRole, Zwisch

ZWISCH_ORDER = list(Zwisch.values)
CSV_HEADER = ("performed_on", "category", "zwisch_attending", "zwisch_level", "zwisch_self")
WIDTH, HEIGHT = 520, 240


@dataclass(frozen=True)
class AutonomyPoint:
    performed_on: object
    category: str
    attending: str
    self_rating: str

    @property
    def level(self) -> int:
        """Return the Zwisch level as 1 (show and tell) to 4 (supervision only)."""
        return ZWISCH_ORDER.index(self.attending) + 1

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category in Category.values else self.category

    @property
    def attending_label(self) -> str:
        return str(Zwisch(self.attending).label)

    @property
    def self_label(self) -> str:
        return str(Zwisch(self.self_rating).label) if self.self_rating else ""


def autonomy_points(entries, visible=None) -> list[AutonomyPoint]:
    """Return one point per category of each confirmed entry the attending rated, oldest first.

    ``visible(entry)`` returns the ratings the viewer may see ({"self": ..., "attending": ...});
    without it only the attending's latest rating is read (raw values are never edited, so the
    latest row is the current one, teaching.md 4.4).
    """
    points = []
    for entry in sorted(entries, key=lambda e: (e.performed_on, e.pk)):
        if entry.state != EntryState.CONFIRMED:
            continue
        attending = [r.value for r in entry.ratings.all() if r.rater_role == RaterRole.ATTENDING]
        if not attending:
            continue
        shown = visible(entry) if visible else {}
        for category in entry.categories:
            points.append(AutonomyPoint(entry.performed_on, category, attending[-1], shown.get("self") or ""))
    return points


def csv_rows(points) -> list[list]:
    return [[p.performed_on.isoformat(), p.category, p.attending, p.level, p.self_rating] for p in points]


def autonomy_svg(points) -> str:
    """Return the chart as SVG: x the operation date, y the Zwisch level, one line per category."""
    if not points:
        return ""
    import altair as alt
    import vl_convert

    labels = [str(Zwisch(v).label) for v in ZWISCH_ORDER]
    values = [
        {"date": p.performed_on.isoformat(), "level": p.level, "category": p.category_label} for p in points
    ]
    # Vega-Lite evaluates labelExpr itself; the labels are our own translated Zwisch names.
    label_expr = json.dumps(["", *labels], ensure_ascii=False) + "[datum.value]"
    x = alt.X(
        "date:T",
        title=_("Date of operation"),
        axis=alt.Axis(format="%Y-%m-%d", labelOverlap=True, labelAngle=0),
    )
    y = alt.Y(
        "level:Q",
        title=_("Zwisch level (attending)"),
        scale=alt.Scale(domain=[0.5, 4.5]),
        axis=alt.Axis(values=[1, 2, 3, 4], labelExpr=label_expr),
    )
    colour = alt.Color("category:N", title=_("Category"))
    base = alt.Chart(alt.Data(values=values))
    chart = (
        alt.layer(
            base.mark_line(strokeWidth=1, opacity=0.6).encode(
                x=x, y=y, color=alt.Color("category:N", legend=None)
            ),
            base.mark_point(filled=True, size=50).encode(
                x=x, y=y, color=colour, shape=alt.Shape("category:N", title=_("Category"))
            ),
        )
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title=alt.Title(
                _("Autonomy over time"),
                subtitle=[_("Attending's Zwisch rating of each confirmed case, by category.")],
                anchor="start",
            ),
            description=_("Autonomy chart; the table lists every rating."),
        )
        .configure_legend(orient="bottom", direction="vertical", columns=2)
    )
    return vl_convert.vegalite_to_svg(chart.to_dict())
