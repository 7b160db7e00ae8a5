"""Global perceived effect, 7-point (proms.md §14)."""

import pytest

from spinescores.prom import gpe


@pytest.mark.parametrize(
    ("answer", "label"),
    [(1, "improved"), (2, "improved"), (3, "not_improved"), (4, "not_improved"), (7, "not_improved")],
)
def test_gpe_clinically_important_improvement_is_recovered_or_much_improved(answer, label):
    """proms.md §14 [V], Austevoll 2019: completely recovered or much improved."""
    result = gpe.score({"gpe": answer})
    assert result.interpretation == label and result.flags == ()


def test_gpe_has_seven_ordered_answers():
    assert gpe.INSTRUMENT.items[0].allowed_values == tuple(range(1, 8))
    assert gpe.score({"gpe": 7}).category == "worse than ever"
