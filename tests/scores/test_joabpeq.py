"""JOABPEQ (proms.md §7): structure only; domain scores not available; effectiveness rule."""

from __future__ import annotations

import pytest

from spinescores.errors import ScoreInputError
from spinescores.prom import joabpeq


def test_joabpeq_structure_has_25_items_five_domains_and_three_vas():
    """proms.md §7 [V]: 25 items, domains 4+6+5+4+7 = 26 (one item in two domains), three VAS."""
    assert len([i for i in joabpeq.INSTRUMENT.item_ids if i.startswith("q")]) == 25
    assert sum(joabpeq.DOMAINS.values()) == 26
    assert joabpeq.VAS_ITEMS == ("vas_low_back_pain", "vas_leg_pain", "vas_leg_numbness")


def test_joabpeq_domain_scores_are_not_available_and_flagged():
    """proms.md §7: domain formulas NOT FOUND — do not implement; return as not available."""
    result = joabpeq.score({f"q{n}": 1 for n in range(1, 26)} | {"vas_leg_pain": 7.5})
    assert result.value is None
    assert all(result.subscores[d] is None for d in joabpeq.DOMAINS)
    assert result.subscores["vas_leg_pain"] == 7.5
    assert result.flags == ("unvalidated", "needs_review")
    assert "NOT FOUND" in result.details["reason"]
    assert joabpeq.INSTRUMENT.confidence == "NOT FOUND"


@pytest.mark.parametrize(
    ("pre", "post", "label"),
    [
        (40, 60, "effective"),
        (40, 59.9, "not_effective"),
        (85, 90, "effective"),
        (85, 89.9, "not_effective"),
        (90, 100, "not_effective"),
        (95, 80, "not_effective"),
        (0, 20, "effective"),
    ],
)
def test_joabpeq_effectiveness_gain_20_or_reaching_90_from_below(pre, post, label):
    """proms.md §7 [V, secondary summary]: ≥20-point gain, or post ≥90 when pre <90."""
    result = joabpeq.effectiveness(pre, post, domain="walking_ability")
    assert result.interpretation == label and result.value == pytest.approx(post - pre)
    assert result.flags == ("needs_review",) and result.domain == "walking_ability"


@pytest.mark.parametrize(
    ("pre", "post", "domain"),
    [
        (-1, 50, "pain"),
        (50, 101, "pain"),
        ("50", 60, "pain"),
        (50, 60, "total"),
        (True, 60, "pain"),
        (float("nan"), 1, "pain"),
    ],
)
def test_joabpeq_effectiveness_rejects_bad_input(pre, post, domain):
    with pytest.raises(ScoreInputError):
        joabpeq.effectiveness(pre, post, domain=domain)


def test_joabpeq_vas_range_is_0_to_10():
    with pytest.raises(ScoreInputError, match="vas_low_back_pain"):
        joabpeq.score({"vas_low_back_pain": 11})
