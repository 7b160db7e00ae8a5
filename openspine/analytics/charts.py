"""Server-side charts for the quality page: a funnel plot per comparable indicator, as inline SVG.

The page's Content-Security-Policy allows no script from elsewhere, so the chart is drawn here with
Altair (a Vega-Lite spec) and rendered to SVG by vl-convert, which runs Vega in-process. The SVG
carries no script and no inline style attribute; Vega escapes every text it draws (surgeon names).

What the chart may show follows outcomes.md: section 4.1 (x = number of index operations, y = the
rate, a horizontal line at the target theta0, limits at 95 % "alert" and 99.8 % "alarm" drawn as
smooth curves over a grid of x, points are units, no ranks, no colours beyond inside / between limits
/ outside) and section 3.4 (a surgeon is shown only with n >= 30 and reliability >= 0.70). The
figures are unadjusted for case mix (no risk model yet), which the title says. The comparison table
beside the chart lists every surgeon and is its text alternative.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openspine.analytics.methods import funnel

#: Indicators drawn as a funnel plot (issue 10): any complication (S1) and major complications (S2).
FUNNEL_INDICATORS = ("S1", "S2")
GRID_POINTS = 60
OVERDISPERSED = (gettext_lazy("95 percent, over-dispersion"), gettext_lazy("99.8 percent, over-dispersion"))
WIDTH, HEIGHT = 460, 280
#: One colour per position of outcomes.md 4.1; the shape differs too, so colour is not needed to read it.
POSITION_STYLE = {
    "inside": ("#4a6fa5", "circle"),
    "alert": ("#c77c02", "diamond"),
    "alarm": ("#b3261e", "square"),
}


def funnel_svg(title: str, target: float | None, points) -> str:
    """Return an SVG funnel plot of the eligible ``points`` around ``target``, or "" if none may be shown.

    ``points`` are ``(name, SurgeonPoint)`` pairs (:func:`openspine.analytics.indicators.
    compare_surgeons`); only those whose comparison eligibility is ``allowed`` are drawn. No chart
    is drawn when nobody is eligible or the target is 0 or 1 (no limits to draw).
    """
    shown = [(name, p) for name, p in points if p.eligibility.allowed and p.figure.denominator]
    if not shown or target is None or not 0 < target < 1:
        return ""
    import altair as alt

    labels = _position_labels()
    dots = [
        {"n": p.figure.denominator, "rate": p.figure.rate, "name": name, "position": labels[p.position]}
        for name, p in shown
    ]
    curves = _limit_curves(target, min(d["n"] for d in dots), max(d["n"] for d in dots))
    return _funnel(
        title,
        x=alt.X("n:Q", title=_("Operations (n)"), scale=alt.Scale(domain=[0, curves[-1]["n"]], nice=False)),
        y=alt.Y("rate:Q", title=_("Complication rate, unadjusted"), axis=alt.Axis(format=".0%")),
        curves=curves,
        dashes=[(_("95 percent"), [6, 3]), (_("99.8 percent"), [1, 0])],
        rule={"rate": target},
        dots=dots,
        subtitle=[
            _("Unadjusted for case mix. Line: the department rate; limits at 95 and 99.8 percent."),
            _("Only surgeons with at least 30 operations and reliability of at least 0.70."),
        ],
        description=_("Funnel plot; the table lists every surgeon's figure."),
    )


def _position_labels() -> dict:
    return {
        "inside": _("inside the 95 percent limits"),
        "alert": _("outside the 95 percent limits"),
        "alarm": _("outside the 99.8 percent limits"),
    }


def _funnel(title, *, x, y, curves, dashes, rule: dict, dots, subtitle, description, highlight=()) -> str:
    """Draw a funnel as SVG: limit ``curves`` dashed per ``dashes``, a ``rule`` line, positioned ``dots``.

    ``highlight``: dots ringed on top of the others (one surgeon's own point), each a link to its
    ``href`` (the cases behind it).
    """
    import altair as alt
    import vl_convert

    limits = (
        alt.Chart(alt.Data(values=curves))
        .mark_line(color="#777", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            detail="curve:N",
            strokeDash=alt.StrokeDash(
                "limit:N",
                title=_("Funnel limits"),
                scale=alt.Scale(domain=[d for d, _r in dashes], range=[r for _d, r in dashes]),
            ),
        )
    )
    (field,) = rule
    line = alt.Chart(alt.Data(values=[rule])).mark_rule(color="#333").encode(y=f"{field}:Q")
    domain = [_position_labels()[k] for k in POSITION_STYLE]
    marks = (
        alt.Chart(alt.Data(values=dots))
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "position:N",
                title=_("Position"),
                scale=alt.Scale(domain=domain, range=[c for c, _shape in POSITION_STYLE.values()]),
            ),
            shape=alt.Shape(
                "position:N", scale=alt.Scale(domain=domain, range=[s for _c, s in POSITION_STYLE.values()])
            ),
        )
    )
    names = (
        alt.Chart(alt.Data(values=dots))
        .mark_text(align="left", dx=7, fontSize=11, color="#222")
        .encode(x=x, y=y, text="name:N")
    )
    layers = [limits, line, marks, names]
    if highlight:
        layers.append(
            alt.Chart(alt.Data(values=list(highlight)))
            .mark_point(filled=False, size=320, strokeWidth=2.5, color="#111", shape="circle")
            .encode(x=x, y=y, href="href:N")
        )
    chart = (
        alt.layer(*layers)
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title=alt.Title(title, subtitle=subtitle, anchor="start"),
            description=description,
        )
        .configure_legend(orient="bottom", direction="vertical", columns=2)
    )
    return _local_links(vl_convert.vegalite_to_svg(chart.to_dict()))


#: Vega's loader puts its own base URL before a relative link; the chart's links are our own paths.
_VEGA_BASE = 'xlink:href="https://vega.github.io/vega-datasets/'


def _local_links(svg: str) -> str:
    return svg.replace(_VEGA_BASE + "/", 'xlink:href="/')


def position_funnel_svg(
    title: str, target: float | None, points, subject_id: int, *, label: str, href: str
) -> str:
    """Return the funnel of ``points`` with the subject's own point ringed and named, the others unnamed.

    For "my outcomes" (outcomes.md 9.7): the same limits and eligibility rule as :func:`funnel_svg`
    (3.4, 4.2), but the other surgeons are anonymous points, so no surgeon reads a colleague's
    name; the ringed point links to the cases behind it. "" when the subject may not be shown.
    """
    shown = [p for p in points if p.eligibility.allowed and p.figure.denominator]
    own = next((p for p in shown if p.surgeon_id == subject_id), None)
    if own is None or target is None or not 0 < target < 1:
        return ""
    import altair as alt

    labels = _position_labels()
    dots = [
        {
            "n": p.figure.denominator,
            "rate": p.figure.rate,
            "name": label if p is own else "",
            "position": labels[p.position],
        }
        for p in shown
    ]
    curves = _limit_curves(target, min(d["n"] for d in dots), max(d["n"] for d in dots))
    return _funnel(
        title,
        x=alt.X("n:Q", title=_("Operations (n)"), scale=alt.Scale(domain=[0, curves[-1]["n"]], nice=False)),
        y=alt.Y("rate:Q", title=_("Complication rate, unadjusted"), axis=alt.Axis(format=".0%")),
        curves=curves,
        dashes=[(_("95 percent"), [6, 3]), (_("99.8 percent"), [1, 0])],
        rule={"rate": target},
        dots=dots,
        highlight=[{"n": own.figure.denominator, "rate": own.figure.rate, "href": href}],
        subtitle=[
            _("Unadjusted for case mix. Line: the department rate; limits at 95 and 99.8 percent."),
            _("Ringed: %(name)s; other points are surgeons who may be compared, unnamed.") % {"name": label},
        ],
        description=_("Funnel plot with one surgeon's own point ringed; the table gives the figures."),
    )


def learning_curve_svg(title: str, cases, result) -> str:
    """Return the failure CUSUM with its SPRT boundaries over the case sequence (outcomes.md 5.3, 5.4)."""
    values = [{"case": c.number, "value": c.value, "signal": bool(c.crossing)} for c in cases]
    subtitle = [
        _("Failure CUSUM (Bolsin and Colson 2000): a failure adds 1 - s, a success subtracts s (s = %(s)s).")
        % {"s": f"{result.step:.3f}"},
        _(
            "Dashed lines: +h1 = %(h1)s (evidence of %(p1)s) and -h0 = %(h0)s (evidence of %(p0)s); "
            "alpha %(a)s, beta %(b)s."
        )
        % {
            "h1": f"{result.upper_boundary:.2f}",
            "h0": f"{result.lower_boundary:.2f}",
            "p1": f"{result.unacceptable_rate:.0%}",
            "p0": f"{result.acceptable_rate:.0%}",
            "a": f"{result.alpha:g}",
            "b": f"{result.beta:g}",
        },
    ]
    return _sequence_chart(
        title,
        subtitle,
        values,
        _("Failures minus s, cumulated"),
        [0.0, result.lower_boundary, result.upper_boundary],
    )


def _limit_curves(target: float, smallest: int, largest: int) -> list[dict]:
    """Return the 95 % and 99.8 % limits (outcomes.md 4.2, exact binomial) on a grid of n.

    From a third of the smallest unit drawn (the limits of a handful of cases would squeeze every
    point into the bottom of the plot) to a quarter past the largest, leaving room for the names.
    """
    low, top = max(1, smallest // 3), int(largest * 1.25) + 1
    grid = sorted({low + round((top - low) * i / GRID_POINTS) for i in range(GRID_POINTS + 1)})
    names = {funnel.ALERT: _("95 percent"), funnel.ALARM: _("99.8 percent")}
    rows = []
    for n in grid:
        for lim in funnel.proportion_limits(target, n).limits:
            for side, value in (("lower", lim.lower), ("upper", lim.upper)):
                curve = f"{lim.level}-{side}"
                rows.append({"n": n, "rate": value, "limit": names[lim.level], "curve": curve})
    return rows


def calibration_svg(groups, *, title: str) -> str:
    """Return the decile calibration plot of a risk model (outcomes.md 3.5) as SVG, "" without groups.

    ``groups`` are (mean predicted risk, observed rate, n) per tenth of predicted risk
    (:attr:`RiskModelVersion.calibration_groups`). The diagonal is perfect calibration; the table
    beside the chart is its text alternative.
    """
    if not groups:
        return ""
    import altair as alt
    import vl_convert

    dots = [{"predicted": p, "observed": o, "n": n} for p, o, n in groups]
    top = max(max(p for p, _o, _n in groups), max(o for _p, o, _n in groups), 0.01) * 1.1
    x = alt.X(
        "predicted:Q",
        title=_("Mean predicted risk"),
        scale=alt.Scale(domain=[0, top]),
        axis=alt.Axis(format=".1%"),
    )
    y = alt.Y(
        "observed:Q", title=_("Observed rate"), scale=alt.Scale(domain=[0, top]), axis=alt.Axis(format=".1%")
    )
    diagonal = (
        alt.Chart(alt.Data(values=[{"predicted": 0, "observed": 0}, {"predicted": top, "observed": top}]))
        .mark_line(color="#777", strokeDash=[6, 3], strokeWidth=1)
        .encode(x=x, y=y)
    )
    points = (
        alt.Chart(alt.Data(values=dots)).mark_point(filled=True, size=60, color="#4a6fa5").encode(x=x, y=y)
    )
    chart = alt.layer(diagonal, points).properties(
        width=320,
        height=320,
        title=alt.Title(
            title, subtitle=[_("One point per tenth of predicted risk; dashed line: perfect calibration.")]
        ),
        description=_("Calibration plot; the table lists every point."),
    )
    return vl_convert.vegalite_to_svg(chart.to_dict())


def ratio_funnel_svg(title: str, units, dispersion=None) -> str:
    """Return the risk-adjusted funnel (O/E against E, target 1) of the eligible ``units`` as SVG.

    outcomes.md 4.4: y = O/E, x = E, limits from Poisson(E) quantiles with interpolation at 95 %
    and 99.8 % (the default), drawn over a grid of E; only units that pass the n >= 30 and
    reliability >= 0.70 rule (3.4) are drawn; "" when none does. ``units`` are
    :class:`openspine.analytics.adjusted.Unit`; the table beside the chart lists them all. When
    the over-dispersion test is significant, the additive random-effects limits
    1 +/- z sqrt(1/E + tau^2) are drawn beside the plain ones (4.3: "show both").
    """
    shown = [u for u in units if u.eligibility.allowed and u.expected > 0]
    if not shown:
        return ""
    import altair as alt

    labels = _position_labels()
    dots = [
        {"e": u.expected, "ratio": u.ratio.estimate, "name": u.label, "position": labels[u.position]}
        for u in shown
    ]
    curves = _ratio_curves(min(d["e"] for d in dots), max(d["e"] for d in dots), dispersion)
    dashes = [(_("95 percent"), [6, 3]), (_("99.8 percent"), [1, 0])]
    if any(c["curve"].startswith("od-") for c in curves):
        dashes += [(str(OVERDISPERSED[0]), [2, 2]), (str(OVERDISPERSED[1]), [8, 2, 2, 2])]
    return _funnel(
        title,
        x=alt.X(
            "e:Q", title=_("Expected events (E)"), scale=alt.Scale(domain=[0, curves[-1]["e"]], nice=False)
        ),
        y=alt.Y("ratio:Q", title=_("Observed / expected")),
        curves=curves,
        dashes=dashes,
        rule={"ratio": 1.0},
        dots=dots,
        subtitle=[
            _("Adjusted for case mix. Line: O/E = 1; exact Poisson limits at 95 and 99.8 percent."),
            _("Only units with at least 30 operations and reliability of at least 0.70."),
        ],
        description=_("Risk-adjusted funnel plot; the table lists every unit's figure."),
    )


def _ratio_curves(smallest: float, largest: float, dispersion=None) -> list[dict]:
    """Return the 95 % and 99.8 % O/E limits (outcomes.md 4.4, exact Poisson) on a grid of E.

    With a significant over-dispersion, also the additive random-effects limits of 4.3.
    """
    from openspine.analytics.methods import overdispersion

    low, top = max(0.5, smallest / 3), largest * 1.25
    grid = [low + (top - low) * i / GRID_POINTS for i in range(GRID_POINTS + 1)]
    names = {funnel.ALERT: _("95 percent"), funnel.ALARM: _("99.8 percent")}
    spread = {funnel.ALERT: OVERDISPERSED[0], funnel.ALARM: OVERDISPERSED[1]}
    adjusted = dispersion is not None and dispersion.significant and dispersion.tau2 > 0
    rows = []
    for e in grid:
        for lim in funnel.ratio_limits(e).limits:
            for side, value in (("lower", lim.lower), ("upper", lim.upper)):
                rows.append(
                    {"e": e, "ratio": value, "limit": names[lim.level], "curve": f"{lim.level}-{side}"}
                )
        if adjusted:
            for lim in overdispersion.adjusted_limits(dispersion, (1 / e) ** 0.5, e).limits:
                for side, value in (("lower", lim.lower), ("upper", lim.upper)):
                    curve = f"od-{lim.level}-{side}"
                    rows.append({"e": e, "ratio": value, "limit": str(spread[lim.level]), "curve": curve})
    return rows


def _sequence_chart(title: str, subtitle: list, values: list[dict], y_title: str, rules: list[float]):
    """Return a line chart over case number with signal markers and horizontal rules, as SVG."""
    import altair as alt
    import vl_convert

    x = alt.X("case:Q", title=_("Case number"), scale=alt.Scale(nice=False))
    y = alt.Y("value:Q", title=y_title)
    line = alt.Chart(alt.Data(values=values)).mark_line(color="#4a6fa5", strokeWidth=1.5).encode(x=x, y=y)
    layers = [line]
    for level in rules:
        layers.append(
            alt.Chart(alt.Data(values=[{"value": level}]))
            .mark_rule(color="#b3261e" if level else "#333", strokeDash=[6, 3] if level else [1, 0])
            .encode(y="value:Q")
        )
    signals = [v for v in values if v["signal"]]
    if signals:
        layers.append(
            alt.Chart(alt.Data(values=signals))
            .mark_point(shape="triangle-up", filled=True, size=90, color="#b3261e")
            .encode(x=x, y=y)
        )
    chart = alt.layer(*layers).properties(
        width=WIDTH,
        height=220,
        title=alt.Title(title, subtitle=subtitle, anchor="start"),
        description=_("Chart over the case sequence; the table lists every case."),
    )
    return vl_convert.vegalite_to_svg(chart.to_dict())


def cusum_svg(title: str, cases, threshold) -> str:
    """Return Steiner's RA-CUSUM over the case sequence with h and the signals (outcomes.md 5.1, 5.4)."""
    values = [{"case": c.number, "value": c.cusum, "signal": c.signal} for c in cases]
    subtitle = [
        _("RA-CUSUM (Steiner 2000), odds ratio %(ra)s; reset to 0 after a signal (red triangle).")
        % {"ra": f"{threshold.odds_ratio:g}"},
        _("Dashed line: h = %(h)s, for an in-control ARL0 of %(arl)s cases (%(runs)s simulated runs).")
        % {"h": f"{threshold.limit:.2f}", "arl": f"{threshold.simulated_arl:.0f}", "runs": threshold.runs},
    ]
    return _sequence_chart(title, subtitle, values, "CUSUM", [0.0, threshold.limit])


def vlad_svg(title: str, cases) -> str:
    """Return the VLAD, cumulative expected minus observed events, with the CUSUM signals (5.2)."""
    values = [{"case": c.number, "value": c.vlad, "signal": c.signal} for c in cases]
    subtitle = [_("VLAD: expected minus observed events, cumulated; upward is better than predicted.")]
    return _sequence_chart(title, subtitle, values, _("Events avoided (net)"), [0.0])


def trend_svg(title: str, points) -> str:
    """Return the quarterly rate with its 95 % Wilson band (outcomes.md 9.3) as SVG, "" if none."""
    shown = [p for p in points if p.denominator]
    if not shown:
        return ""
    import altair as alt
    import vl_convert

    values = [
        {
            "quarter": p.label,
            "rate": p.numerator / p.denominator,
            "lower": p.interval.lower,
            "upper": p.interval.upper,
        }
        for p in shown
    ]
    x = alt.X("quarter:O", title=_("Quarter of operation"), sort=None)
    band = (
        alt.Chart(alt.Data(values=values))
        .mark_area(opacity=0.25, color="#4a6fa5")
        .encode(x=x, y=alt.Y("lower:Q", title=_("Rate"), axis=alt.Axis(format=".1%")), y2="upper:Q")
    )
    line = alt.Chart(alt.Data(values=values)).mark_line(point=True, color="#4a6fa5").encode(x=x, y="rate:Q")
    chart = alt.layer(band, line).properties(
        width=WIDTH,
        height=220,
        title=alt.Title(
            title,
            subtitle=[_("Shaded: 95 percent Wilson interval. No target line: the reference gives none.")],
        ),
        description=_("Trend by quarter; the table lists every quarter."),
    )
    return vl_convert.vegalite_to_svg(chart.to_dict())
