"""Kaplan-Meier, log-rank and cumulative incidence (outcomes.md section 6) against a textbook example.

Freireich et al. 1963 6-MP remission data (Gehan 1965), as printed in Kleinbaum DG, Klein M,
Survival Analysis: A Self-Learning Text (KM table and log-rank 16.79) and in R's
``survfit(..., conf.type = "log-log")`` output of the same data.
"""

from datetime import date

import pytest
from lifelines import AalenJohansenFitter

from openspine.analytics.methods import survival
from openspine.analytics.methods._base import AnalyticsInputError

SIX_MP = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]

# time: (S(t), Greenwood log-log 95 % lower, upper) -- printed values, 3 decimals
PRINTED = {
    6: (0.857, 0.620, 0.952),
    7: (0.807, 0.563, 0.923),
    10: (0.753, 0.503, 0.889),
    13: (0.690, 0.432, 0.849),
    16: (0.627, 0.368, 0.805),
    22: (0.538, 0.268, 0.747),
    23: (0.448, 0.188, 0.680),
}


def test_kaplan_meier_matches_the_printed_6mp_table():
    curve = survival.kaplan_meier(SIX_MP, SIX_MP_EVENT)
    for time, (s, lower, upper) in PRINTED.items():
        index = curve.times.index(time)
        assert (curve.survival[index], curve.lower[index], curve.upper[index]) == pytest.approx(
            (s, lower, upper), abs=6e-4
        )
    assert curve.at(5) == 1.0 and curve.at(30) == pytest.approx(0.448, abs=6e-4)
    assert (curve.numerator, curve.denominator) == (9, 21)
    assert curve.drawable_until == 17  # the last time with >= 10 at risk


def test_logrank_matches_the_printed_6mp_versus_placebo_statistic():
    result = survival.logrank(SIX_MP, SIX_MP_EVENT, PLACEBO, [1] * 21)
    assert result.statistic == pytest.approx(16.79, abs=0.01)
    assert result.p_value < 1e-4 and result.events == (9, 21)


def test_cumulative_incidence_handles_ties_of_different_causes_exactly():
    """t=1: n=4, one reoperation -> 1/4, S = 3/4. t=2: n=3, a reoperation and a death tie:
    CIF += 3/4 x 1/3 = 1/4 -> 1/2, S = 3/4 x 1/3 = 1/4. t=4: n=1 censored... none left."""
    cif = survival.cumulative_incidence([1, 2, 2, 3], [1, 1, 2, 0])
    assert cif.times == (1.0, 2.0)
    assert cif.incidence == pytest.approx((0.25, 0.5))
    assert cif.all_cause_survival == pytest.approx((0.75, 0.25))
    death = survival.cumulative_incidence([1, 2, 2, 3], [1, 1, 2, 0], event_of_interest=2)
    assert death.incidence[-1] + cif.incidence[-1] == pytest.approx(1 - cif.all_cause_survival[-1])


def test_cumulative_incidence_agrees_with_lifelines_without_ties():
    durations = [2, 3, 5, 7, 8, 11, 13, 14, 17, 19, 21, 25]
    events = [1, 0, 2, 1, 1, 0, 2, 1, 0, 1, 2, 0]
    ours = survival.cumulative_incidence(durations, events)
    fitter = AalenJohansenFitter(seed=1).fit(durations, events, event_of_interest=1)
    theirs = fitter.cumulative_density_.iloc[:, 0]
    for time in (2, 7, 14, 19, 25):
        assert ours.at(time) == pytest.approx(float(theirs[theirs.index <= time].iloc[-1]), abs=1e-9)


def test_event_time_codes_reoperation_death_and_censoring():
    op, cut = date(2024, 1, 1), date(2025, 1, 1)
    common = {"last_contact_on": date(2024, 12, 1), "cutoff_on": cut}
    assert survival.event_time(op, reoperated_on=date(2024, 3, 1), died_on=None, **common) == (60, 1)
    assert survival.event_time(op, reoperated_on=None, died_on=date(2024, 2, 1), **common) == (31, 2)
    assert survival.event_time(op, reoperated_on=None, died_on=None, **common) == (335, 0)
    late = {"last_contact_on": date(2025, 6, 1), "cutoff_on": cut}
    assert survival.event_time(op, reoperated_on=date(2025, 3, 1), died_on=None, **late) == (366, 0)
    with pytest.raises(AnalyticsInputError, match="event date"):
        survival.event_time(op, reoperated_on=date(2023, 1, 1), died_on=None, **common)


def test_number_at_risk_and_late_entry():
    assert survival.number_at_risk(SIX_MP, [0, 10, 20, 30]) == (21, 15, 8, 4)
    curve = survival.kaplan_meier([5, 8, 12], [1, 1, 1], entry=[0, 0, 6])
    assert curve.at_risk[0] == 2  # the third enters at 6, after the first event at 5
    with pytest.raises(AnalyticsInputError, match="events"):
        survival.kaplan_meier([1, 2], [1, 3])
