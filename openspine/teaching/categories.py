"""Which case-log categories an operation falls in, from a versioned CategoryRule table (teaching.md 2.3).

Plain functions over plain values, so the rules can be tested without the database. The structured
fields decide; the ICD-9-CM-3 prefixes of a rule are only a consistency check.
"""

from openspine.core import levels

CERVICAL_LAST = levels.parse("C7")
CLAUSE_KEYS = frozenset({"procedures", "implants", "approaches", "regions", "kinds", "disease_areas"})


def regions(level_from: int | None, level_to: int | None) -> set[str]:
    """Return the regions a level range touches: "cervical" (C0-C7) and/or "thoracolumbar" (T1-S5)."""
    if level_from is None or level_to is None:
        return set()
    found = set()
    if level_from <= CERVICAL_LAST:
        found.add("cervical")
    if level_to > CERVICAL_LAST:
        found.add("thoracolumbar")
    return found


def facts_of(operation) -> dict[str, set[str]]:
    """Return the operation's facts in the vocabulary of the clauses."""
    return {
        "procedures": set(operation.procedures.values_list("code", flat=True)),
        "implants": set(operation.implants.values_list("kind", flat=True)),
        "approaches": {operation.approach},
        "regions": regions(operation.level_from, operation.level_to),
        "kinds": {operation.kind},
        "disease_areas": {operation.diagnosis.disease_area},
    }


def clause_matches(clause: dict, facts: dict[str, set[str]]) -> bool:
    """Return True when every key of ``clause`` names at least one of the operation's facts."""
    return all(set(allowed) & facts.get(key, set()) for key, allowed in clause.items())


def categories_for(facts: dict[str, set[str]], rules) -> list[str]:
    """Return the categories (each once, in rule order) whose rule has a matching clause."""
    return [rule.category for rule in rules if any(clause_matches(c, facts) for c in rule.clauses)]


def icd9_disagreements(categories: list[str], codes: list[str], rules) -> list[tuple[str, str]]:
    """Return (code or category, problem) pairs where the HIS codes and the structured fields disagree.

    A code that points to a category the structured fields did not give is reported, and so is a
    category with codes in its rule when none of the recorded codes points to it. Categories without
    a specific code (deformity, osteotomy) are never reported. The codes are a check, never the
    source of a category (teaching.md 2.3): the page shows these for a person to resolve.
    """
    found = []
    given = set(categories)
    for code in codes:
        pointed = {rule.category for rule in rules if any(code.startswith(p) for p in rule.icd9cm3_prefixes)}
        if pointed and not pointed & given:
            found.append((code, "code_without_category"))
    for rule in rules:
        if rule.category in given and rule.icd9cm3_prefixes and codes:
            if not any(code.startswith(p) for code in codes for p in rule.icd9cm3_prefixes):
                found.append((rule.category, "category_without_code"))
    return found
