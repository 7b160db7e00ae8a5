"""CME (继续医学教育) credits by a configurable rule table (teaching.md 7.1, 7.2).

The rules are data: ``data/cme_credit_rules_2006_s.json`` holds the national defaults as secondary
sources state them [S] (national project: attendee who passes the assessment 3 hours = 1 credit,
speaker 2 credits per hour; provincial: attendee 6 hours = 1 credit, speaker 1 credit per hour; at
most 25 credits per project) and is marked ``verified: false``, so any page showing these credits
must label them unverified until the CME office confirms them. No rounding rule was found in the
reference, so credits are kept exact (two decimals, rounded down, never more than earned).
Pure functions: no Django import, tested alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "cme_credit_rules_2006_s.json"
LEVELS = ("national", "provincial", "municipal", "institutional")
ROLES = ("attendee", "speaker", "organiser")
CENT = Decimal("0.01")


class CreditRuleError(ValueError):
    """Bad input to the credit arithmetic; the message names the field and the allowed values."""


@dataclass(frozen=True)
class CreditRule:
    level: str
    role: str
    hours_per_credit: Decimal | None = None
    credits_per_hour: Decimal | None = None
    cap: Decimal | None = None
    requires_assessment: bool = False


@dataclass(frozen=True)
class RuleTable:
    code: str
    source_citation: str
    verified: bool
    rules: dict

    def rule_for(self, level: str, role: str) -> CreditRule:
        if level not in LEVELS:
            raise CreditRuleError(f"level: {level!r} is not a CME level; allowed: {', '.join(LEVELS)}")
        if role not in ROLES:
            raise CreditRuleError(f"role: {role!r} is not a CME role; allowed: {', '.join(ROLES)}")
        rule = self.rules.get((level, role))
        if rule is None:
            known = ", ".join(f"{lv}/{ro}" for lv, ro in sorted(self.rules))
            raise CreditRuleError(
                f"level/role: no credit rule for {level}/{role} in {self.code}; rules: {known}"
            )
        return rule


def _decimal(value, field) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value))
    if number <= 0:
        raise CreditRuleError(f"{field}: must be a positive number, not {value!r}")
    return number


def load_rules(data: dict) -> RuleTable:
    """Return the rule table of ``data`` (the JSON file's shape); each rule has exactly one rate."""
    rules = {}
    for row in data["rules"]:
        hours, per_hour = row.get("hours_per_credit"), row.get("credits_per_hour")
        if (hours is None) == (per_hour is None):
            raise CreditRuleError("hours_per_credit / credits_per_hour: give exactly one of the two")
        rule = CreditRule(
            level=row["level"],
            role=row["role"],
            hours_per_credit=_decimal(hours, "hours_per_credit"),
            credits_per_hour=_decimal(per_hour, "credits_per_hour"),
            cap=_decimal(row.get("cap"), "cap"),
            requires_assessment=bool(row.get("requires_assessment", False)),
        )
        if rule.level not in LEVELS or rule.role not in ROLES:
            raise CreditRuleError(f"level/role: {rule.level}/{rule.role}; allowed {LEVELS} x {ROLES}")
        rules[(rule.level, rule.role)] = rule
    return RuleTable(data["code"], data["source_citation"], bool(data.get("verified", False)), rules)


def default_rules() -> RuleTable:
    return load_rules(json.loads(DEFAULT_RULES.read_text(encoding="utf-8")))


def credits_for(table: RuleTable, *, level: str, role: str, hours, assessment_passed: bool) -> Decimal:
    """Return the credits one participation earns in one project, capped per project."""
    hours = Decimal(str(hours))
    if hours < 0:
        raise CreditRuleError(f"hours_attended: must be 0 or more, not {hours}")
    rule = table.rule_for(level, role)
    if rule.requires_assessment and not assessment_passed:
        return Decimal("0.00")
    earned = hours / rule.hours_per_credit if rule.hours_per_credit else hours * rule.credits_per_hour
    if rule.cap is not None:
        earned = min(earned, rule.cap)
    return earned.quantize(CENT, rounding=ROUND_DOWN)
