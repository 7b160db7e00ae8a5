"""Responders, change scores and follow-up completeness (outcomes.md sections 1.2, 2).

Thresholds come from spinescores.change (proms.md with sources); the tests name the set used.
"""

from datetime import date

import pytest

from openspine.analytics.methods import responders
from openspine.analytics.methods._base import AnalyticsInputError


def test_mcid_responders_use_copay_2008_with_the_threshold_counting():
    """ODI MCID 12.8 (Copay 2008, [M]): improvements 20, 10 and exactly 12.8 -> 2 of 3 respond."""
    result = responders.responder_rate([(50, 30), (40, 30), (30, 17.2)], "odi", threshold_set="copay2008")
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.interval.method == "wilson" and result.interval.estimate == pytest.approx(2 / 3)
    assert result.unvalidated and result.threshold_set == "copay2008" and "Copay" in result.reference


def test_pass_is_a_follow_up_state_from_van_hooff_2016():
    result = responders.responder_rate([(60, 22), (60, 23), (20, 10)], "odi", kind="pass")
    assert (result.threshold_set, result.numerator, result.denominator) == ("vanhooff2016", 2, 3)


def test_deterioration_uses_the_sourced_threshold_or_the_mcid():
    """COMI (Mannion 2009): deterioration = increase >= 0.3; ODI has none, so worse by >= MCID 12.8."""
    comi = responders.responder_rate([(5, 5.3), (5, 5.2), (5, 3)], "comi_back", kind="deterioration")
    assert (comi.numerator, comi.denominator) == (1, 3)
    odi = responders.responder_rate([(20, 33), (20, 32), (40, 20)], "odi", kind="deterioration")
    assert (odi.threshold_set, odi.numerator) == ("copay2008", 1)


def test_percentage_rule_excludes_and_counts_baselines_at_the_floor():
    """Mannion 2006 (>= 18 % reduction) cannot be applied to a baseline of 0 (outcomes.md 2.1)."""
    result = responders.responder_rate([(0, 0), (50, 40), (50, 45)], "odi", threshold_set="mannion2006")
    assert (result.numerator, result.denominator, result.excluded_floor) == (1, 2, 1)


def test_a_threshold_proms_md_does_not_give_is_refused():
    """proms.md: NDI PASS 'NOT FOUND'; no MCID for the 17-point JOA."""
    with pytest.raises(responders.ThresholdNotFoundError) as error:
        responders.responder_rate([(40, 20)], "ndi", kind="pass")
    assert error.value.code == "ndi" and error.value.kind == "pass"
    with pytest.raises(responders.ThresholdNotFoundError):
        responders.responder_rate([(10, 14)], "joa_cervical_1975")
    with pytest.raises(responders.ThresholdNotFoundError):
        responders.responder_rate([(50, 20)], "odi", kind="pass", threshold_set="copay2008")
    with pytest.raises(AnalyticsInputError, match="threshold_set"):
        responders.responder_rate([(50, 20)], "odi", threshold_set="made_up")
    with pytest.raises(AnalyticsInputError, match="kind"):
        responders.responder_rate([(50, 20)], "odi", kind="great")


def test_mean_change_is_sign_normalised():
    odi = responders.mean_change([(50, 30), (40, 30), (30, 20)], "odi")  # higher is worse
    assert odi.estimate == pytest.approx(40 / 3) and odi.denominator == 3
    mjoa = responders.mean_change([(12, 15), (10, 14)], "mjoa")  # higher is better
    assert mjoa.estimate == pytest.approx(3.5)


def test_timepoint_windows_and_target_days():
    op = date(2025, 1, 31)
    assert responders.timepoint_window(op, "3m")[:2] == (date(2025, 4, 1), date(2025, 5, 31))
    assert responders.timepoint_window(op, "12m") == (
        date(2025, 11, 30),
        date(2026, 3, 31),
        date(2026, 1, 31),
    )
    assert responders.assign_timepoint(op, date(2025, 3, 1)) is None
    assert responders.assign_timepoint(op, date(2027, 1, 1)) == "24m"
    answers = [(date(2026, 1, 20), 30.0), (date(2026, 2, 5), 28.0), (date(2025, 5, 1), 40.0)]
    assert responders.pick_follow_up(op, answers, "12m") == (date(2026, 2, 5), 28.0)


def test_baseline_is_the_latest_within_90_days_before_surgery():
    op = date(2025, 6, 1)
    answers = [(date(2025, 2, 1), 60.0), (date(2025, 5, 1), 50.0), (date(2025, 6, 2), 10.0)]
    assert responders.pick_baseline(op, answers) == (date(2025, 5, 1), 50.0)
    assert responders.pick_baseline(op, [(date(2025, 2, 1), 60.0)]) is None


def test_completeness_reports_deaths_apart_and_flags_low_response():
    statuses = ["completed"] * 5 + ["refused", "unreachable", "unreachable", "partial", "died", "not_due"]
    result = responders.completeness(statuses)
    assert (result.operated, result.eligible, result.answered, result.died, result.not_due) == (
        11,
        9,
        5,
        1,
        1,
    )
    assert result.response.estimate == pytest.approx(5 / 9) and result.low_response
    assert responders.completeness(["not_due"]).response is None
    with pytest.raises(AnalyticsInputError, match="status"):
        responders.completeness(["lost"])


def test_rubin_pooling_by_hand():
    """Q = 1, 2, 3 with U = 1: W = 1, B = 1, T = 1 + 4/3, df = 2 (1 + 1/(4/3))^2 = 6.125."""
    pooled = responders.pool_rubin([1, 2, 3], [1, 1, 1])
    assert (pooled.estimate, pooled.within, pooled.between) == (2, 1, 1)
    assert pooled.total == pytest.approx(7 / 3) and pooled.degrees_of_freedom == pytest.approx(6.125)


def test_ipw_proportion_weights_by_inverse_response_probability_truncated_at_centiles():
    """Weights 1/0.5 = 2 and 1/0.25 = 4, truncated at their 1st/99th centiles (2.02 and 3.98):
    estimate 2.02 / 6 and effective sample size 36 / (2.02^2 + 3.98^2)."""
    result = responders.ipw_proportion([1, 0], [0.5, 0.25])
    assert result.truncation == pytest.approx((2.02, 3.98))
    assert result.estimate == pytest.approx(2.02 / 6)
    assert result.effective_sample_size == pytest.approx(36 / (2.02**2 + 3.98**2))
