"""Return to work (proms.md §14): eligibility, days to return, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from spinescores.errors import ScoreInputError
from spinescores.prom import rtw

BASE = {
    "preop_status": "working",
    "returned": True,
    "surgery_date": "2026-01-05",
    "return_date": "2026-03-02",
}


def test_rtw_days_from_surgery_to_return_among_employed_patients():
    """proms.md §14 [V, Asher 2017]: time to RTW = surgery → return date among the employed."""
    result = rtw.score(BASE)
    assert result.value == 56 and result.interpretation == "returned"
    assert result.return_date == dt.date(2026, 3, 2)


def test_rtw_employed_on_sick_leave_counts_as_employed():
    assert rtw.score(dict(BASE, preop_status="sick_leave")).value == 56


@pytest.mark.parametrize("status", ["not_employed", "retired", "student"])
def test_rtw_not_applicable_when_not_employed_before_surgery(status):
    result = rtw.score({"preop_status": status})
    assert result.value is None and result.interpretation == "not_applicable" and result.missing_items == ()


def test_rtw_not_returned_has_no_value():
    result = rtw.score({"preop_status": "working", "returned": False, "surgery_date": "2026-01-05"})
    assert result.value is None and result.interpretation == "not_returned"


def test_rtw_accepts_date_and_datetime_objects():
    result = rtw.score(
        dict(BASE, surgery_date=dt.date(2026, 1, 5), return_date=dt.datetime(2026, 1, 15, 9, 30))
    )
    assert result.value == 10


def test_rtw_missing_answers_are_listed():
    assert rtw.score({}).missing_items == ("preop_status", "returned")
    result = rtw.score({"preop_status": "working", "returned": True})
    assert result.missing_items == ("surgery_date", "return_date") and result.value is None


def test_rtw_return_before_surgery_raises():
    with pytest.raises(ScoreInputError, match="return_date"):
        rtw.score(dict(BASE, return_date="2025-12-31"))


def test_rtw_return_date_without_return_raises():
    with pytest.raises(ScoreInputError, match="returned is False"):
        rtw.score(dict(BASE, returned=False))


@pytest.mark.parametrize("bad", ["05/01/2026", "2026-13-01", 20260105, True, ""])
def test_rtw_dates_must_be_iso(bad):
    with pytest.raises(ScoreInputError, match="surgery_date"):
        rtw.score(dict(BASE, surgery_date=bad))


@pytest.mark.parametrize(
    ("item", "bad"), [("returned", "yes"), ("returned", 1), ("preop_status", "employed")]
)
def test_rtw_rejects_bad_answers(item, bad):
    with pytest.raises(ScoreInputError) as error:
        rtw.score(dict(BASE, **{item: bad}))
    assert error.value.item == item
