"""The catalogue's computed indicators against a small hand-built department (outcomes.md 0, 1).

Today is 2026-12-01 and the period is 2026. The cast, all signed lumbar fusions by ``surgeon``:

* op1 on 03-02: a Clavien-Dindo I complication on day 5; discharged 03-08, readmitted unplanned 03-20.
* op2 on 03-10: a IIIb complication on day 20, treated by op3 (a revision) on 03-30.
* op3 on 03-30: the revision of op2, day 20 after it: op2's outcome, not an index case (0.1).
* op4 on 04-01: a IVa complication on day 60.
* op6 on 05-01: the patient died on 05-20, in hospital.
* op5 on 11-20: 11 days ago, so not yet mature for any 30-day window (0.3).

Expected counts are written out by hand below, never computed by the code under test.
"""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from openspine.analytics import effectiveness, indicators, spreads
from openspine.patients.models import Admission, Patient
from openspine.proms.choices import FollowUpState
from openspine.proms.models import FollowUp
from openspine.surgery.models import Operation
from tests import builders
from tests.openspine.test_followup_engine import at, signed_operation

TODAY = date(2026, 12, 1)
YEAR = indicators.Period.year(2026)


def complication(operation, actor, day, grade, **extra):
    with time_machine.travel(at(day, 20), tick=False):
        return builders.make_complication(
            operation, actor=actor, onset_on=day, clavien_dindo=grade, timing="in_hospital", **extra
        )


def discharge(operation, day, destination="home"):
    Admission.objects.filter(pk=operation.admission_id).update(
        discharged_on=day, discharge_destination=destination
    )


@pytest.fixture
def department_2026(surgeon):
    ops = {}
    ops["op1"] = signed_operation(surgeon, day=date(2026, 3, 2))
    complication(ops["op1"], surgeon, date(2026, 3, 7), "I")
    discharge(ops["op1"], date(2026, 3, 8))
    Admission.objects.create(
        patient=ops["op1"].patient,
        admission_number="ZYREADMIT1",
        admitted_on=date(2026, 3, 20),
        discharged_on=date(2026, 3, 25),
        unplanned_readmission=True,
    )
    ops["op2"] = signed_operation(surgeon, day=date(2026, 3, 10))
    discharge(ops["op2"], date(2026, 4, 5))
    ops["op3"] = signed_operation(
        surgeon, ops["op2"].patient, day=date(2026, 3, 30), kind="revision", revision_of=ops["op2"]
    )
    complication(ops["op2"], surgeon, date(2026, 3, 30), "IIIb", reoperation=ops["op3"])
    ops["op4"] = signed_operation(surgeon, day=date(2026, 4, 1))
    discharge(ops["op4"], date(2026, 4, 9))
    complication(ops["op4"], surgeon, date(2026, 5, 31), "IVa")
    ops["op6"] = signed_operation(surgeon, day=date(2026, 5, 1))
    discharge(ops["op6"], date(2026, 5, 20), destination="died")
    Patient.objects.filter(pk=ops["op6"].patient_id).update(deceased_on=date(2026, 5, 20))
    ops["op5"] = signed_operation(surgeon, day=date(2026, 11, 20))
    return ops


def counted(surgeon, **scope):
    scope = indicators.Scope(YEAR, TODAY, **scope)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    rows = indicators.count_by_surgeon(operations, TODAY)
    return indicators.add_rows(rows), rows


def triple(total, key):
    return total[f"{key}__x"], total[f"{key}__n"], total[f"{key}__open"]


@pytest.mark.django_db
def test_any_complication_30d_counts_mature_index_operations_only(surgeon, department_2026):
    """S1: op1 and op2 of op1, op2, op4, op6; op3 is op2's return; op5 is not yet mature."""
    total, _ = counted(surgeon)
    assert triple(total, "S1_30d") == (2, 4, 1)


@pytest.mark.django_db
def test_major_complication_uses_clavien_dindo_iii_and_above_in_each_window(surgeon, department_2026):
    """S2: op2's IIIb (day 20) is in both windows, op4's IVa (day 60) only in 90 days, op1's I in none."""
    total, _ = counted(surgeon)
    assert triple(total, "S2_30d") == (1, 4, 1)
    assert triple(total, "S2_90d") == (2, 4, 1)


@pytest.mark.django_db
def test_grade_distribution_lists_every_grade_over_the_mature_operations(surgeon, department_2026):
    """S2: by day 90, op1's I, op2's IIIb and op4's IVa; zeros for the other grades."""
    scope = indicators.Scope(YEAR, TODAY)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    assert indicators.grade_distribution(operations, TODAY) == [
        ("I", 1),
        ("II", 0),
        ("IIIa", 0),
        ("IIIb", 1),
        ("IVa", 1),
        ("IVb", 0),
        ("V", 0),
    ]


@pytest.mark.django_db
def test_return_to_theatre_counts_the_revision_once_as_an_outcome(surgeon, department_2026):
    """S4/S5: op3 (day 20 after op2) is op2's unplanned return, not an index case of its own."""
    total, _ = counted(surgeon)
    assert triple(total, "S4_30d") == (1, 4, 1)
    assert triple(total, "S4_90d") == (1, 4, 1)
    assert triple(total, "S5_31d") == (1, 4, 1)


@pytest.mark.django_db
def test_readmission_counts_an_unplanned_admission_after_discharge(surgeon, department_2026):
    """S6: op1's patient came back unplanned on day 18."""
    total, _ = counted(surgeon)
    assert triple(total, "S6_30d") == (1, 4, 1)
    assert triple(total, "S6_90d") == (1, 4, 1)


@pytest.mark.django_db
def test_readmission_on_the_discharge_clock_matures_31_days_after_discharge(surgeon, department_2026):
    """S6, Chinese clock: op1 was readmitted 12 days after discharge; op3 and op5 are still in hospital."""
    total, _ = counted(surgeon)
    assert triple(total, "S6_31d_discharge") == (1, 4, 2)


@pytest.mark.django_db
def test_mortality_counts_the_death_in_hospital_and_by_day_30(surgeon, department_2026):
    """S7: op6's patient died on day 19 in hospital; in-hospital matures at discharge (op5 is still in)."""
    total, _ = counted(surgeon)
    assert triple(total, "S7_30d") == (1, 4, 1)
    assert triple(total, "S7_in_hospital") == (1, 4, 2)  # op3 and op5: admissions not closed


@pytest.mark.django_db
def test_baseline_capture_counts_a_baseline_completed_before_surgery(surgeon, department_2026):
    """Q2: one baseline answered on the day before op1; one answered after op4 (invalid, 2.1)."""
    answered = {
        "op1": datetime.combine(date(2026, 3, 1), time(10)),
        "op4": datetime.combine(date(2026, 4, 3), time(10)),
    }
    for name, when in answered.items():
        FollowUp.objects.filter(operation=department_2026[name], is_baseline=True).update(
            state=FollowUpState.COMPLETED, completed_at=timezone.make_aware(when)
        )
    total, _ = counted(surgeon)
    assert triple(total, "Q2_0d") == (1, 6, 0)


@pytest.mark.django_db
def test_closed_window_rule_moves_an_operation_in_once_its_window_closes(surgeon, department_2026):
    """0.3: op5 (11-20) counts for 30 days on 12-20 (today - op date = 30), not on 12-19."""
    scope = indicators.Scope(YEAR, TODAY)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    before = indicators.add_rows(indicators.count_by_surgeon(operations, date(2026, 12, 19)))
    on_the_day = indicators.add_rows(indicators.count_by_surgeon(operations, date(2026, 12, 20)))
    assert triple(before, "S1_30d") == (2, 4, 1)
    assert triple(on_the_day, "S1_30d") == (2, 5, 0)


@pytest.mark.django_db
def test_unsigned_and_out_of_period_operations_are_not_counted(surgeon, department_2026):
    signed_operation(surgeon, day=date(2026, 6, 1), sign=False)
    signed_operation(surgeon, day=date(2025, 12, 31))
    total, _ = counted(surgeon)
    assert total["volume"] == 6


@pytest.mark.django_db
def test_disease_area_filter_keeps_only_that_area(surgeon, department_2026):
    signed_operation(
        surgeon, day=date(2026, 6, 1), diagnosis_fields={"disease_area": "cervical_degenerative"}
    )
    total, _ = counted(surgeon, disease_area="cervical_degenerative")
    assert total["volume"] == 1 and triple(total, "S1_30d") == (0, 1, 0)


@pytest.mark.django_db
def test_length_of_stay_median_and_quartiles_exclude_deaths_in_hospital(surgeon, department_2026):
    """S8: stays of op1 6, op2 26, op4 8 days (op6 died: excluded, counted); op3 and op5 still in."""
    scope = indicators.Scope(YEAR, TODAY)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    spread = spreads.length_of_stay(operations)
    assert (spread.n, spread.median, spread.q1, spread.q3) == (3, 8, 7, 17)
    assert (spread.excluded, spread.pending) == (1, 2)


@pytest.mark.django_db
def test_timeliness_is_the_median_day_from_surgery_to_signature(surgeon, department_2026):
    """Q4: every record of the cast was signed on the evening of its operation: 0 days."""
    scope = indicators.Scope(YEAR, TODAY)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    spread = spreads.timeliness(operations, unsigned_count=0)
    assert (spread.n, spread.median) == (6, 0)


def test_quantile_from_a_histogram_matches_type_7():
    """1, 2, 2, 10: median 2, Q1 1.75, Q3 4 (numpy's default linear interpolation)."""
    histogram = {1: 1, 2: 2, 10: 1}
    assert spreads.quantile(histogram, 0.5) == 2
    assert spreads.quantile(histogram, 0.25) == 1.75
    assert spreads.quantile(histogram, 0.75) == 4
    assert spreads.quantile({}, 0.5) is None


@pytest.mark.django_db
def test_department_is_the_sum_of_its_surgeons(surgeon, director, department_2026):
    signed_operation(director, day=date(2026, 2, 2))
    total, rows = counted(surgeon)
    assert sorted(row["volume"] for row in rows) == [1, 6]
    assert total["volume"] == 7
    assert triple(total, "S1_30d") == (2, 5, 1)


@pytest.mark.django_db
def test_figure_carries_what_regenerates_it(surgeon, department_2026):
    """0.5: numerator, denominator, period, filters, method, attribution, version, time."""
    total, _ = counted(surgeon)
    rule = next(r for r in indicators.rules() if r.key == "S2_90d")
    stamp = timezone.now()
    fig = indicators.figure(rule, total, indicators.Scope(YEAR, TODAY), stamp)
    assert (fig.numerator, fig.denominator, fig.immature) == (2, 4, 1)
    assert fig.period == YEAR and fig.filters == (("disease_area", "all"),)
    assert (fig.method, fig.attribution_rule, fig.computed_at) == ("wilson", "primary_surgeon", stamp)
    assert round(fig.interval.lower, 4) == 0.1500 and round(fig.interval.upper, 4) == 0.8500
    assert fig.display.unstable  # denominator under 20 (outcomes.md 8.1)


def test_mortality_uses_exact_intervals():
    rule = next(r for r in indicators.rules() if r.key == "S7_30d")
    assert rule.method == "clopper_pearson"


@pytest.mark.django_db
def test_thirty_day_window_includes_day_30_and_not_day_31(surgeon):
    """0.2: "30-day" is days 0-30 inclusive."""
    on_day_30 = signed_operation(surgeon, day=date(2026, 3, 2))
    complication(on_day_30, surgeon, date(2026, 4, 1), "II")
    on_day_31 = signed_operation(surgeon, day=date(2026, 3, 2))
    complication(on_day_31, surgeon, date(2026, 4, 2), "II")
    total, _ = counted(surgeon)
    assert triple(total, "S1_30d") == (1, 2, 0)


def _surgeon_rows(rule, counts):
    return [
        {"primary_surgeon": pk, f"{rule.key}__n": n, f"{rule.key}__x": x, f"{rule.key}__open": 0}
        for pk, (x, n) in enumerate(counts, start=1)
    ]


def _compare(counts):
    rule = next(r for r in indicators.rules() if r.key == "S1_30d")
    rows = _surgeon_rows(rule, counts)
    scope = indicators.Scope(YEAR, TODAY)
    stamp = timezone.now()
    department = indicators.figure(rule, indicators.add_rows(rows), scope, stamp)
    return indicators.compare_surgeons(rule, rows, department, scope, stamp)


def test_comparison_shows_a_surgeon_only_with_30_cases_and_reliability_070():
    """3.4 and 4: 8/50, 15/50, 30/50 and 2/10 around theta0 = 55/160 = 0.34375.

    Worked by hand: z = (p - theta0) / sqrt(theta0 (1 - theta0) / n); no winsorising with four units
    (floor(0.4) = 0); phi = mean z^2 = 5.8445; tau^2 = (4 phi - 3) / (sum w - sum w^2 / sum w) =
    0.040862; R = tau^2 / (tau^2 + theta0 (1 - theta0) / n) = 0.9006 at n = 50, 0.6443 at n = 10.
    Exact binomial limits at n = 50: 95 % 0.2046-0.4690, 99.8 % 0.1379-0.5492.
    """
    points = _compare([(8, 50), (15, 50), (30, 50), (2, 10)])
    assert [round(p.eligibility.reliability, 4) for p in points] == [0.9006, 0.9006, 0.9006, 0.6443]
    assert [p.eligibility.allowed for p in points] == [True, True, True, False]
    assert [p.position for p in points] == ["alert", "inside", "alarm", ""]
    assert points[3].eligibility.reason == "too_few_cases"


def test_comparison_hides_everyone_when_surgeons_do_not_differ_beyond_chance():
    """tau^2 = 0 (I phi < I - 1): reliability 0, nobody is compared (3.4)."""
    points = _compare([(10, 50), (10, 50), (10, 50)])
    assert {p.eligibility.reason for p in points} == {"low_reliability"}
    assert {p.position for p in points} == {""}


def test_comparison_reliability_is_unknown_without_events():
    points = _compare([(0, 40), (0, 40)])
    assert {p.eligibility.reason for p in points} == {"reliability_unknown"}


def _score(operation, timepoint, value, day):
    from openspine.proms.models import QuestionnaireResponse

    follow_up = FollowUp.objects.get(operation=operation, timepoint=timepoint)
    FollowUp.objects.filter(pk=follow_up.pk).update(state=FollowUpState.COMPLETED)
    QuestionnaireResponse.objects.create(
        follow_up=follow_up,
        instrument="odi",
        instrument_version="2.1a",
        language="en",
        answers={},
        value=value,
        mode="self",
        completed_at=timezone.make_aware(datetime.combine(day, time(10))),
    )


@pytest.mark.django_db
def test_mean_odi_change_pairs_each_score_with_a_baseline_from_the_90_days_before_surgery(surgeon):
    """E1: ODI 50 -> 20, 40 -> 30 and 30 -> 30 improve by 30, 10 and 0 (ODI: higher is worse).

    A fourth patient's baseline is 100 days old (invalid, 2.1) and a fifth's 12-month window is
    still open on 2026-12-01 (0.3): neither counts. Mean 13.33; t interval with 2 degrees of
    freedom: 13.33 +/- 4.303 x 15.275 / sqrt(3) = -24.61 to 51.28.
    """
    cases = [(50, 20, 5), (40, 30, 1), (30, 30, 30), (60, 10, 100)]
    for baseline, twelve_months, days_before in cases:
        operation = signed_operation(surgeon, day=date(2025, 1, 10))
        _score(operation, "baseline", baseline, date(2025, 1, 10) - timedelta(days=days_before))
        _score(operation, "12m", twelve_months, date(2026, 1, 12))
    recent = signed_operation(surgeon, day=date(2025, 12, 20))
    _score(recent, "baseline", 50, date(2025, 12, 19))
    _score(recent, "12m", 10, date(2026, 11, 30))  # answered early; the window closes in 2027
    scope = indicators.Scope(indicators.Period.year(2025), TODAY)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    (change,) = effectiveness.mean_changes(operations, TODAY)
    assert (change.instrument, change.timepoint, change.pairs) == ("odi", "12m", 3)
    assert round(change.interval.estimate, 2) == 13.33
    assert (round(change.interval.lower, 2), round(change.interval.upper, 2)) == (-24.61, 51.28)


def test_mean_interval_from_summary_equals_the_interval_of_the_values():
    """The database's AVG and STDDEV_SAMP give the same t interval as the values themselves."""
    from openspine.analytics.methods import intervals

    values = [30.0, 10.0, 0.0]
    direct = intervals.mean_interval(values)
    summary = intervals.mean_interval_from_summary(13.333333333333334, 15.275252316519467, 3)
    assert (round(summary.lower, 9), round(summary.upper, 9)) == (
        round(direct.lower, 9),
        round(direct.upper, 9),
    )


@pytest.mark.django_db
def test_mcid_responders_and_deterioration_match_the_methods_on_the_same_pairs(surgeon):
    """E2/E6 counted in SQL equal responder_rate over the pairs (ODI MCID 12.8, Copay 2008, proms.md).

    Improvements 30, 10, 0, 12.8 (exactly at the threshold: a responder, 2.1 uses >=) and -20:
    2 of 5 reach the MCID; 1 of 5 is worse by at least the MCID (E6).
    """
    from openspine.analytics.methods import responders

    pairs = [(50, 20), (40, 30), (30, 30), (50, 37.2), (20, 40)]
    for baseline, twelve_months in pairs:
        operation = signed_operation(surgeon, day=date(2025, 1, 10))
        _score(operation, "baseline", baseline, date(2025, 1, 9))
        _score(operation, "12m", twelve_months, date(2026, 1, 12))
    scope = indicators.Scope(indicators.Period.year(2025), TODAY)
    operations = indicators.signed_operations(Operation.objects.visible_to(surgeon), scope)
    (change,) = effectiveness.mean_changes(operations, TODAY)
    assert (change.responders.numerator, change.responders.denominator) == (2, 5)
    assert (change.deteriorated.numerator, change.deteriorated.denominator) == (1, 5)
    assert change.responders.rule.threshold_set == "copay2008" and change.responders.rule.points == 12.8
    expected = responders.responder_rate(pairs, "odi")
    worse = responders.responder_rate(pairs, "odi", kind="deterioration")
    assert (expected.numerator, expected.denominator, expected.threshold_set) == (2, 5, "copay2008")
    assert (worse.numerator, worse.denominator) == (1, 5)


def test_points_rule_is_none_where_the_reference_has_no_plain_points_threshold():
    """EQ VAS has no MCID set in spinescores.change; it is never guessed (proms.md 0.6)."""
    assert effectiveness.points_rule("eq_vas", "mcid") is None
    assert effectiveness.points_rule("odi", "mcid").points == 12.8
