"""Small-number rules of outcomes.md section 8."""

import pytest

from openspine.analytics.methods import suppression
from openspine.analytics.methods._base import AnalyticsInputError


@pytest.mark.parametrize(
    ("count", "inside", "outside", "hes"),
    [
        (0, "0", "0", "0"),
        (1, "1", "<8", "<8"),
        (7, "7", "<8", "<8"),
        (8, "8", "8", "10"),
        (12, "12", "12", "10"),
    ],
)
def test_counts_1_to_7_are_suppressed_only_outside_the_department(count, inside, outside, hes):
    assert suppression.count_text(count) == inside
    assert suppression.count_text(count, audience="external") == outside
    assert suppression.count_text(count, audience="external", rounding="hes") == hes


def test_rates_under_20_are_unstable_inside_and_hidden_outside():
    inside = suppression.rate_display(3, 19)
    assert inside.show_rate and inside.unstable
    outside = suppression.rate_display(3, 19, audience="external")
    assert not outside.show_rate and outside.reason == "too_few_cases" and outside.numerator_text == "<8"
    assert suppression.rate_display(3, 20, audience="external").show_rate


def test_secondary_suppression_hides_a_second_cell():
    cells = suppression.suppress_cells({"I": 40, "II": 12, "III": 3, "IV": 0})
    assert cells == {"I": "40", "II": "<8", "III": "<8", "IV": "0"}
    assert suppression.suppress_cells({"a": 3}, audience="internal") == {"a": "3"}


def test_unknown_audience_is_refused():
    with pytest.raises(AnalyticsInputError, match="audience"):
        suppression.count_text(3, audience="press")
