"""CME credit arithmetic follows the configurable rule table seeded from teaching.md 7.1 [S]."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openspine.teaching import cme

TABLE = cme.default_rules()


def test_cme_national_attendee_hours_to_credits_follows_rule_table():
    assert cme.credits_for(TABLE, level="national", role="attendee", hours=3, assessment_passed=True) == 1
    assert cme.credits_for(TABLE, level="national", role="attendee", hours=90, assessment_passed=True) == 25
    assert cme.credits_for(TABLE, level="national", role="attendee", hours=6, assessment_passed=False) == 0
    assert cme.credits_for(TABLE, level="provincial", role="attendee", hours=6, assessment_passed=False) == 1
    assert cme.credits_for(TABLE, level="national", role="speaker", hours=2, assessment_passed=False) == 4
    assert cme.credits_for(TABLE, level="provincial", role="speaker", hours=2, assessment_passed=False) == 2


def test_seeded_defaults_are_marked_unverified_and_cite_the_secondary_source():
    assert TABLE.verified is False and "[S]" in TABLE.source_citation


def test_unknown_level_or_role_names_the_field_and_allowed_values():
    with pytest.raises(cme.CreditRuleError, match="level: 'county'.*allowed: national, provincial"):
        cme.credits_for(TABLE, level="county", role="attendee", hours=3, assessment_passed=True)
    with pytest.raises(cme.CreditRuleError, match="role: 'guest'.*allowed: attendee, speaker"):
        cme.credits_for(TABLE, level="national", role="guest", hours=3, assessment_passed=True)
    with pytest.raises(cme.CreditRuleError, match="no credit rule for municipal/attendee"):
        cme.credits_for(TABLE, level="municipal", role="attendee", hours=3, assessment_passed=True)


def test_a_rule_with_both_or_neither_rate_is_refused():
    with pytest.raises(cme.CreditRuleError, match="exactly one"):
        cme.load_rules(
            {"code": "x", "source_citation": "", "rules": [{"level": "national", "role": "speaker"}]}
        )


@given(
    hours=st.decimals(min_value=0, max_value=500, places=1),
    level=st.sampled_from(["national", "provincial"]),
    role=st.sampled_from(["attendee", "speaker"]),
)
def test_credits_never_exceed_the_cap_and_grow_with_hours(hours, level, role):
    got = cme.credits_for(TABLE, level=level, role=role, hours=hours, assessment_passed=True)
    more = cme.credits_for(TABLE, level=level, role=role, hours=hours + 1, assessment_passed=True)
    assert Decimal(0) <= got <= more <= 25
