"""Intervals of outcomes.md section 7 against published tables.

Expected values are printed in the cited papers; they are not recomputed from the formula.
"""

import pytest

from openspine.analytics.methods import intervals
from openspine.analytics.methods._base import AnalyticsInputError

# Newcombe RG. Stat Med 1998;17:857-72, Table II: (x, n) -> method 3 (Wilson score, no continuity
# correction) and method 5 (Clopper-Pearson "exact") limits, 4 decimals.
NEWCOMBE_1998_TABLE_II = [
    ((81, 263), (0.2553, 0.3662), (0.2527, 0.3676)),
    ((15, 148), (0.0624, 0.1605), (0.0578, 0.1617)),
    ((0, 20), (0.0000, 0.1611), (0.0000, 0.1684)),
    ((1, 29), (0.0061, 0.1718), (0.0009, 0.1776)),
]


@pytest.mark.parametrize(("counts", "wilson", "exact"), NEWCOMBE_1998_TABLE_II)
def test_wilson_matches_newcombe_1998_table_ii_method_3(counts, wilson, exact):
    result = intervals.wilson(*counts)
    assert (round(result.lower, 4), round(result.upper, 4)) == wilson
    assert result.method == "wilson"
    assert (result.numerator, result.denominator) == counts


@pytest.mark.parametrize(("counts", "wilson", "exact"), NEWCOMBE_1998_TABLE_II)
def test_clopper_pearson_matches_newcombe_1998_table_ii_method_5(counts, wilson, exact):
    result = intervals.clopper_pearson(*counts)
    assert (round(result.lower, 4), round(result.upper, 4)) == exact


def test_input_errors_are_translated():
    from django.utils import translation

    with translation.override("en"), pytest.raises(AnalyticsInputError, match="n: got 0; allowed: a whole"):
        intervals.wilson(0, 0)
    with translation.override("zh-hans"), pytest.raises(AnalyticsInputError, match="允许的值"):
        intervals.wilson(0, 0)


def test_zero_events_never_give_a_zero_width_interval():
    """Section 7: Clopper upper 1 - (alpha/2)^(1/n); never "0 % (0-0)"."""
    result = intervals.proportion_interval(0, 20, method="clopper_pearson")
    assert result.upper == pytest.approx(1 - 0.025 ** (1 / 20))
    assert intervals.rule_of_three(100) == pytest.approx(0.03)


# Exact (Garwood 1936) 95 % limits for a Poisson count, as tabulated e.g. in Ulm K, Am J Epidemiol
# 1990;131:373 and in standard tables (Documenta Geigy).
GARWOOD_95 = [(0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.242, 7.225), (5, 1.623, 11.668), (10, 4.795, 18.390)]


@pytest.mark.parametrize(("count", "lower", "upper"), GARWOOD_95)
def test_exact_poisson_matches_the_published_table(count, lower, upper):
    result = intervals.exact_poisson(count)
    assert result.lower == pytest.approx(lower, abs=5e-4)
    assert result.upper == pytest.approx(upper, abs=5e-4)


def test_exact_poisson_divides_by_exposure():
    result = intervals.exact_poisson(10, 200.0)
    assert (result.estimate, result.lower, result.upper) == pytest.approx(
        (0.05, 4.795 / 200, 18.390 / 200), abs=1e-5
    )


@pytest.mark.parametrize("count", [10, 20, 50, 200])
def test_byar_stays_within_one_percent_of_garwood_for_moderate_counts(count):
    """Byar's approximation is the fast stand-in for the exact limits (Breslow & Day 1987)."""
    exact, approx = intervals.exact_poisson(count), intervals.byar(count)
    assert approx.lower == pytest.approx(exact.lower, rel=0.01)
    assert approx.upper == pytest.approx(exact.upper, rel=0.01)
    assert approx.method == "byar"


def test_byar_lower_limit_is_zero_without_events():
    assert intervals.byar(0).lower == 0.0


def test_observed_expected_divides_garwood_limits_of_o_by_e():
    result = intervals.observed_expected(10, 8.0)
    assert result.estimate == pytest.approx(1.25)
    assert (result.lower, result.upper) == pytest.approx((4.795 / 8, 18.390 / 8), abs=1e-4)
    assert (result.numerator, result.denominator, result.method) == (10, 8.0, "oe_exact_poisson")
    assert intervals.observed_expected(10, 8.0, method="byar").method == "oe_byar"


def test_difference_matches_newcombe_1998_hybrid_score_example():
    """Newcombe RG. Stat Med 1998;17:873-90, Table II example (a): 56/70 - 48/80, method 10."""
    result = intervals.difference_of_proportions(56, 70, 48, 80)
    assert result.estimate == pytest.approx(0.2)
    assert (round(result.lower, 4), round(result.upper, 4)) == (0.0524, 0.3339)


def test_mean_interval_uses_the_t_quantile():
    """Values 1..5: mean 3, SD 1.5811; t(0.975, 4) = 2.776 from any t table gives 3 +/- 1.963."""
    result = intervals.mean_interval([1, 2, 3, 4, 5])
    assert (result.lower, result.upper) == pytest.approx((1.0368, 4.9632), abs=1e-4)
    assert result.denominator == 5


def test_median_interval_is_seeded_and_brackets_the_median():
    values = [2, 3, 3, 4, 5, 5, 6, 8, 9, 14, 21]
    first, second = intervals.median_interval(values), intervals.median_interval(values)
    assert first == second
    assert first.estimate == 5
    assert first.lower <= 5 <= first.upper
    assert dict(first.parameters)["resamples"] == 2000


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: intervals.wilson(5, 3), "events"),
        (lambda: intervals.wilson(1, 0), "n"),
        (lambda: intervals.wilson(1.5, 3), "events"),
        (lambda: intervals.wilson(1, 3, confidence=1.2), "confidence"),
        (lambda: intervals.proportion_interval(1, 3, method="wald"), "method"),
        (lambda: intervals.exact_poisson(-1), "count"),
        (lambda: intervals.observed_expected(3, 0), "expected"),
        (lambda: intervals.mean_interval([1]), "values"),
        (lambda: intervals.median_interval([]), "values"),
    ],
)
def test_bad_input_names_the_field_and_the_allowed_values(call, field):
    with pytest.raises(AnalyticsInputError) as error:
        call()
    assert error.value.field == field
    assert str(error.value).startswith(field) and error.value.allowed in str(error.value)
