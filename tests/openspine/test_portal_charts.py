"""The thank-you chart: geometry computed in Python, words a patient understands."""

from datetime import date

from django.utils import translation

from openspine.portal import charts


def _odi_series():
    return {
        "odi": [
            ("baseline", date(2026, 1, 5), 46.0),
            ("3m", date(2026, 4, 5), 30.0),
            ("12m", date(2027, 1, 5), 20.0),
        ],
        "eq5d5l": [("baseline", date(2026, 1, 5), 0.61)],
    }


def test_lower_scores_are_drawn_lower_and_points_stay_inside_the_picture():
    (panel,) = charts.panels(_odi_series())
    ys = [point.y for point in panel.points]
    assert ys == sorted(ys)  # ODI falling: each point lower on screen (larger y) than the last
    assert all(0 < point.x < panel.width and 0 < point.y < panel.height for point in panel.points)
    assert panel.polyline.count(",") == 3
    assert [tick.label for tick in panel.ticks] == ["0", "50", "100"]


def test_only_scores_a_patient_can_read_are_charted():
    assert [panel.code for panel in charts.panels(_odi_series())] == ["odi"]
    assert charts.panels({}) == []


def test_timepoints_are_named_in_the_patients_language():
    with translation.override("en"):
        assert charts.timepoint_label("baseline") == "Before surgery"
        assert charts.timepoint_label("12m") == "12 months"
    with translation.override("zh-hans"):
        assert charts.timepoint_label("baseline") == "术前"
        assert charts.timepoint_label("3m") == "3个月"


def test_chart_data_is_plain_json():
    with translation.override("en"):
        data = charts.as_json(charts.panels(_odi_series()))
    assert data[0]["points"][0] == {"label": "Before surgery", "value": "46"}
