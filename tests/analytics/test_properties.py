"""Invariants of the methods (outcomes.md section 10 "Tests to write"), by Hypothesis."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openspine.analytics.methods import cusum, funnel, intervals, survival

counts = st.integers(min_value=1, max_value=2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts, st.sampled_from(["wilson", "clopper_pearson"]))
def test_proportion_intervals_contain_the_estimate_and_lie_in_0_1(pair, method):
    result = intervals.proportion_interval(*pair, method=method)
    assert 0 <= result.lower <= result.estimate <= result.upper <= 1
    assert result.upper > result.lower


@given(st.integers(0, 5000))
def test_exact_poisson_contains_the_count(count):
    result = intervals.exact_poisson(count)
    assert 0 <= result.lower <= count <= result.upper


@given(st.floats(0.01, 0.99), st.integers(2, 3000))
def test_normal_funnel_limits_widen_as_n_shrinks_and_bracket_the_target(target, n):
    wide, narrow = (
        funnel.proportion_limits(target, n, method="normal"),
        funnel.proportion_limits(target, n + 1, method="normal"),
    )
    for level in (0.95, 0.998):
        assert wide.at(level).lower <= narrow.at(level).lower <= target <= narrow.at(level).upper
        assert narrow.at(level).upper <= wide.at(level).upper


@settings(max_examples=60)
@given(st.floats(0.02, 0.5), st.integers(5, 500))
def test_exact_funnel_limits_bracket_the_target_and_nest(target, n):
    limits = funnel.proportion_limits(target, n)
    alert, alarm = limits.at(0.95), limits.at(0.998)
    assert alarm.lower <= alert.lower <= target <= alert.upper <= alarm.upper
    quadrupled = funnel.proportion_limits(target, 4 * n)
    assert quadrupled.at(0.95).upper - quadrupled.at(0.95).lower < alert.upper - alert.lower


@given(
    st.lists(st.tuples(st.integers(0, 1), st.floats(0.001, 0.999)), min_size=1, max_size=200),
    st.sampled_from([0.5, 2.0, 3.0]),
)
def test_ra_cusum_is_never_negative(cases, odds_ratio):
    outcomes, risks = [c[0] for c in cases], [c[1] for c in cases]
    chart = cusum.ra_cusum(outcomes, risks, odds_ratio=odds_ratio, limit=4.5)
    assert all(v >= 0 for v in chart.values)


survival_data = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 2)), min_size=1, max_size=80)


@given(survival_data)
def test_kaplan_meier_is_non_increasing_within_0_1(rows):
    durations, events = [r[0] for r in rows], [min(r[1], 1) for r in rows]
    curve = survival.kaplan_meier(durations, events)
    assert all(0 <= s <= 1 for s in curve.survival)
    assert all(a >= b for a, b in zip(curve.survival, curve.survival[1:], strict=False))


@settings(max_examples=60)
@given(survival_data)
def test_cif_is_at_most_one_minus_km_with_death_censored(rows):
    durations, events = [r[0] for r in rows], [r[1] for r in rows]
    cif = survival.cumulative_incidence(durations, events)
    censoring_death = survival.kaplan_meier(durations, [1 if e == 1 else 0 for e in events])
    for time, value in zip(cif.times, cif.incidence, strict=True):
        assert value <= 1 - censoring_death.at(time) + 1e-9
        assert value <= 1 - cif.all_cause_survival[cif.times.index(time)] + 1e-9
    assert all(a <= b + 1e-12 for a, b in zip(cif.incidence, cif.incidence[1:], strict=False))


@pytest.mark.parametrize("n", [1, 5, 50])
def test_wilson_is_narrower_than_clopper_pearson_at_half(n):
    assert (intervals.wilson(n, 2 * n).upper - intervals.wilson(n, 2 * n).lower) < (
        intervals.clopper_pearson(n, 2 * n).upper - intervals.clopper_pearson(n, 2 * n).lower
    )
