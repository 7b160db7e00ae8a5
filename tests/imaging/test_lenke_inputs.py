"""Lenke at the visit: inputs gathered from the day's films (classifications.md §3.3 worked example)."""

import datetime
from types import SimpleNamespace

from openspine.imaging import lenke_inputs

DAY = datetime.date(2026, 3, 1)


def _film(view, values, tk="T4", role="primary", day=DAY):
    reading = SimpleNamespace(values=values, reader_role=role, tk_upper_level=tk)
    return SimpleNamespace(view=view, taken_on=day, measurements=SimpleNamespace(all=lambda: [reading]))


def _visit(**overrides):
    apex = {
        "csvl_x": 0.0,
        "body_left_x": -20.0,
        "pedicle_left_x": -10.0,
        "pedicle_right_x": 10.0,
        "body_right_x": 20.0,
    }
    pa = {
        "pt_cobb": 20.0,
        "pt_convex": "patient_left",
        "mt_cobb": 50.0,
        "mt_convex": "patient_right",
        "tll_cobb": 30.0,
        "tll_convex": "patient_left",
        **apex,
    }
    films = [
        _film("standing_pa", pa | overrides.get("pa", {})),
        _film(
            "bending_left",
            {
                "pt_cobb": 10.0,
                "pt_convex": "patient_left",
                "mt_cobb": 5.0,
                "mt_convex": "patient_left",
                "tll_cobb": 15.0,
                "tll_convex": "patient_left",
            },
        ),
        _film(
            "bending_right",
            {
                "pt_cobb": 12.0,
                "pt_convex": "patient_left",
                "mt_cobb": 40.0,
                "mt_convex": "patient_right",
                "tll_cobb": 40.0,
                "tll_convex": "patient_left",
            },
        ),
        _film("standing_lateral", {"t2_t5": 5.0, "t10_l2": 0.0, "tk": 25.0}, tk=overrides.get("tk", "T5")),
    ]
    return films


def test_visit_reproduces_the_reference_example_1an():
    """classifications.md §3.3 / lenke docstring: PT 20, MT 50, TL/L 30, benders 10/15, T5-T12 25 -> 1AN."""
    result = lenke_inputs.classify_visit(_visit())
    assert result["category"] == "1AN"
    inputs = result["inputs"]
    assert inputs["pt_bending"] == 10.0 and inputs["tll_bending"] == 15.0
    assert inputs["mt_bending"] == -5.0  # convex to the other side on bending: over-corrected, negative


def test_kyphosis_from_t4_is_not_used_as_t5_t12():
    result = lenke_inputs.classify_visit(_visit(tk="T4"))
    assert result["category"] is None and "t5_t12" in result["missing"]


def test_unmeasured_region_is_missing_not_zero():
    films = _visit()
    films[0].measurements.all()[0].values.pop("pt_cobb")
    result = lenke_inputs.classify_visit(films)
    assert result == {"category": None, "missing": ["pt_cobb"], "reasons": [], "inputs": result["inputs"]}


def test_impossible_apex_geometry_is_reported_not_raised():
    result = lenke_inputs.classify_visit(_visit(pa={"pedicle_left_x": 15.0}))
    assert result["category"] is None and "pedicle_left_x" in result["reasons"][0]


def test_visits_list_only_days_with_a_measured_pa():
    films = _visit() + [
        _film("standing_lateral", {"tk": 30.0}, day=DAY - datetime.timedelta(days=200)),
        _film("standing_pa", {"mt_cobb": 45.0}, role="second", day=DAY - datetime.timedelta(days=100)),
    ]
    rows = lenke_inputs.visits_of(films)
    assert [row["on"] for row in rows] == [DAY] and rows[0]["category"] == "1AN"
