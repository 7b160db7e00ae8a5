"""The catalogue holds every indicator of outcomes.md section 1, and says why each uncomputed one is not."""

from openspine.analytics import catalogue, indicators

REFERENCE_IDS = (
    [f"S{n}" for n in range(1, 11)] + [f"E{n}" for n in range(1, 8)] + ["D1"] + [f"Q{n}" for n in range(1, 6)]
)
# Computed outside the binary rules: S8 length of stay, E1/E2/E6 from PROM pairs, Q1 follow-up, Q4, Q5.
COMPUTED_APART = {"S8", "E1", "E2", "E6", "Q1", "Q4", "Q5"}


def test_catalogue_lists_every_indicator_of_the_reference_once_in_its_order():
    assert [indicator.id for indicator in catalogue.CATALOGUE] == REFERENCE_IDS


def test_every_uncomputed_indicator_names_what_it_needs():
    for indicator in catalogue.CATALOGUE:
        assert bool(indicator.needs) != indicator.computable, indicator.id


def test_every_computed_indicator_has_a_counting_rule_or_its_own_function():
    ruled = {rule.indicator for rule in indicators.rules()}
    computed = {indicator.id for indicator in catalogue.CATALOGUE if indicator.computable}
    assert computed == ruled | COMPUTED_APART


def test_each_rule_variant_is_a_window_of_its_indicator():
    for rule in indicators.rules():
        assert rule.variant in catalogue.get(rule.indicator).windows, rule.key
        assert rule.variant in catalogue.WINDOW_LABELS, rule.key


def test_unconfirmed_definitions_carry_their_flag():
    """S3 (NHSN periods [M]), S4 (no planned flag) and S5 (official formula NOT FOUND) say so."""
    assert {"S3", "S4", "S5"} <= {i.id for i in catalogue.CATALOGUE if i.unconfirmed}


def test_mortality_is_never_compared_and_uses_exact_intervals():
    mortality = catalogue.get("S7")
    assert not mortality.compare_surgeons and mortality.small_numbers == catalogue.EXACT_NEVER_RANKED
    assert {r.method for r in indicators.rules() if r.indicator == "S7"} == {"clopper_pearson"}
