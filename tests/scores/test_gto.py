"""Spine Tango global treatment outcome, 5-point (proms.md §14)."""

import pytest

from spinescores.prom import gto


@pytest.mark.parametrize(
    ("answer", "label"),
    [(1, "good_outcome"), (2, "good_outcome"), (3, "not_good_outcome"), (5, "not_good_outcome")],
)
def test_gto_good_outcome_is_helped_a_lot_or_helped(answer, label):
    """proms.md §14 [V]: 'good outcome' = first two answers (Mannion 2009 Part 2 anchor)."""
    assert gto.score({"outcome": answer}).interpretation == label
