"""The ISNCSCI chart: series and geometry computed in Python (openspine.sci.charts)."""

from datetime import date
from types import SimpleNamespace

from openspine.sci import charts


def exam(on, ais, motor=50, lt=62, pp=60, context="admission"):
    return SimpleNamespace(
        examined_on=on,
        created_at=on,
        context=context,
        ais=ais,
        motor_total=motor,
        light_touch_total=lt,
        pin_prick_total=pp,
    )


def test_series_is_oldest_first_and_drops_the_star_flag():
    series = charts.exam_series([exam(date(2026, 3, 1), ["E*"]), exam(date(2026, 1, 1), ["A", "B", "C"])])
    assert [p.on for p in series] == [date(2026, 1, 1), date(2026, 3, 1)]
    assert series[0].ais == ("A", "B", "C") and series[0].ais_range == (0, 2)
    assert series[1].ais == ("E",) and series[1].ais_range == (4, 4)


def test_x_positions_are_proportional_to_time():
    xs = charts.x_positions([date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 31)], left=0, right=300)
    assert xs == [0, 100.0, 300.0]
    assert charts.x_positions([date(2026, 1, 1)], left=0, right=300) == [150.0]


def test_y_runs_from_the_bottom_for_zero_to_the_top_for_the_maximum():
    assert charts.y_of(0, 112, top=10, bottom=122) == 122
    assert charts.y_of(112, 112, top=10, bottom=122) == 10
    assert charts.y_of(56, 112, top=10, bottom=122) == 66


def test_polyline_breaks_where_a_total_is_not_determinable():
    lines = charts.polylines([0, 10, 20, 30], [112, None, 0, 56], 112)
    bottom = charts.HEIGHT - charts.BOTTOM
    assert lines == [f"0,{float(charts.TOP)}", f"20,{float(bottom)} 30,{charts.y_of(56, 112)}"]


def test_chart_draws_an_open_ais_as_a_range_and_nd_totals_as_gaps():
    chart = charts.build_chart(
        [
            exam(date(2026, 1, 1), ["A"], lt=None),
            exam(date(2026, 2, 1), ["A", "B", "C"]),
            exam(date(2026, 4, 1), ["D"]),
        ]
    )
    first, second, third = chart.points
    assert first["ais_low_y"] == first["ais_high_y"] == charts.y_of(0, 4)
    assert (second["ais_low_y"], second["ais_high_y"]) == (charts.y_of(0, 4), charts.y_of(2, 4))
    assert third["ais_low_y"] == charts.y_of(3, 4)
    assert first["light_touch_y"] is None and second["light_touch_y"] == charts.y_of(62, 112)
    assert len(chart.score_lines["light_touch"]) == 1 and len(chart.score_lines["motor"][0].split()) == 3
    assert [t["label"] for t in chart.ais_ticks] == ["A", "B", "C", "D", "E"]


def test_no_exam_means_no_chart():
    assert charts.build_chart([]) is None
