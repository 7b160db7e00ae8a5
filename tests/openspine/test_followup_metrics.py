"""Dashboard maths on plain rows: eligibility, completion rates, pivots and response time."""

from datetime import date, datetime

from openspine.proms import metrics

TODAY = date(2026, 6, 1)


def row(state, *, tp="3m", closes=date(2026, 5, 1), reason="", invited=None, completed=None, **extra):
    return {
        "timepoint": tp,
        "state": state,
        "cancel_reason": reason,
        "window_opens_on": date(2026, 3, 1),
        "window_closes_on": closes,
        "invited_at": invited,
        "completed_at": completed,
        **extra,
    }


def test_completed_inside_an_open_window_is_not_yet_mature_not_eligible():
    """outcomes.md §0 rule 3: computable only once the window has closed; shown apart till then."""
    early = row("completed", closes=date(2026, 7, 1))
    assert not metrics.is_eligible(early, TODAY) and metrics.is_immature(early, TODAY)


def test_open_window_is_not_yet_eligible():
    assert not metrics.is_eligible(row("invited", closes=date(2026, 6, 1)), TODAY)
    assert metrics.is_eligible(row("missed", closes=date(2026, 5, 31)), TODAY)


def test_death_consent_withdrawal_and_reoperation_leave_the_denominator_but_lost_to_contact_stays():
    for reason in ("deceased", "consent_withdrawn", "reoperation"):
        assert not metrics.is_eligible(row("cancelled", reason=reason), TODAY)
    assert metrics.is_eligible(row("cancelled", reason="lost_to_contact"), TODAY)


def test_completion_rate_worked_example():
    """3m: 2 completed, 1 missed, 1 lost to contact, 1 died, 2 still open (1 answered) -> 2 / 4 = 50 %."""
    rows = [
        row("completed"),
        row("completed"),
        row("completed", closes=date(2026, 7, 1)),
        row("missed"),
        row("cancelled", reason="lost_to_contact"),
        row("cancelled", reason="deceased"),
        row("invited", closes=date(2026, 7, 1)),
        row("missed", tp="12m"),
    ]
    rates = {r.key: r for r in metrics.completion_rates(rows, TODAY, lambda r: (r["timepoint"],))}
    three = rates[("3m",)]
    assert (three.completed, three.eligible, three.percent) == (2, 4, 50)
    assert (three.immature, three.immature_completed) == (2, 1)
    assert rates[("12m",)].rate == 0.0


def test_a_group_with_nobody_eligible_has_no_rate():
    rate = metrics.completion_rates([row("scheduled", closes=date(2027, 1, 1))], TODAY, lambda r: ("x",))[0]
    assert (rate.eligible, rate.rate, rate.percent) == (0, None, None)


def test_pivot_by_surgeon_orders_timepoints_clinically():
    rows = [
        row("completed", tp="12m", surgeon="Li"),
        row("missed", tp="3m", surgeon="Li"),
        row("completed", tp="baseline", surgeon="Zhang"),
    ]
    timepoints, table = metrics.pivot(rows, TODAY, "surgeon")
    assert timepoints == ["baseline", "3m", "12m"]
    li = dict(table)["Li"]
    assert [(r.completed, r.eligible) for r in li] == [(0, 0), (0, 1), (1, 1)]


def test_median_response_days_from_invitation_or_window_opening():
    rows = [
        row("completed", invited=datetime(2026, 3, 1, 9), completed=datetime(2026, 3, 3, 20)),  # 2
        row("completed", invited=datetime(2026, 3, 1, 9), completed=datetime(2026, 3, 11, 8)),  # 10
        row("completed", completed=datetime(2026, 3, 5, 8)),  # phone, never invited: 4 from opening
        row("missed"),
    ]
    assert metrics.median_response_days(rows) == 4
    assert metrics.median_response_days([row("missed")]) is None
