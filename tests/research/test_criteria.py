"""Cohort criteria: bad input names the field and allowed values; the compiled query selects the cohort."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openspine.research import services
from openspine.research.criteria import CriteriaError, compile_criteria, parse
from tests.research.conftest import LUMBAR_FUSIONS_12M_ODI, make_subject


def errors_of(data) -> dict:
    with pytest.raises(CriteriaError) as caught:
        parse(data)
    return caught.value.errors


def test_unknown_disease_area_names_the_field_and_the_allowed_values():
    errors = errors_of({"disease_areas": ["lumbar"]})
    assert set(errors) == {"disease_areas"}
    assert "lumbar" in errors["disease_areas"] and "lumbar_degenerative" in errors["disease_areas"]


def test_every_bad_criterion_is_reported_at_once():
    errors = errors_of(
        {
            "icd10": ["51.2"],
            "procedure_groups": ["welding"],
            "level_from": "L9",
            "performed_from": "2024-13-01",
            "age_min": 130,
            "complications": "some",
            "colour": "blue",
        }
    )
    assert set(errors) == {
        "icd10",
        "procedure_groups",
        "level_from",
        "performed_from",
        "age_min",
        "complications",
        "criteria",
    }
    assert "fusion" in errors["procedure_groups"] and "colour" in errors["criteria"]


def test_inverted_ranges_are_refused():
    errors = errors_of(
        {"age_min": 70, "age_max": 40, "performed_from": "2025-02-01", "performed_to": "2025-01-01"}
    )
    assert set(errors) == {"age_max", "performed_to"}


def test_follow_up_needs_a_known_instrument_and_timepoint(db):
    assert "odi" in errors_of({"follow_up": {"instrument": "oswestry", "timepoint": "12m"}})["follow_up"]
    assert (
        "Unknown timepoint"
        in errors_of({"follow_up": {"instrument": "odi", "timepoint": "13m"}})["follow_up"]
    )


def test_criteria_round_trip_through_their_data():
    data = {"disease_areas": ["deformity"], "icd10": "m41.1, M41", "level_from": "T10", "age_min": "40"}
    criteria = parse(data)
    assert criteria.icd10 == ("M41.1", "M41") and criteria.age_min == 40
    assert parse(criteria.as_data()) == criteria


@given(st.integers(min_value=0, max_value=10_000))
def test_small_counts_are_never_shown_exactly(count):
    """outcomes.md section 8 rule 2: counts 1-7 leave the department as <8."""
    shown = services.display_count(count)
    assert shown == ("<8" if 1 <= count <= 7 else str(count))


def test_cohort_keeps_consenting_patients_with_the_follow_up(surgeon, department, today):
    kept = make_subject(surgeon)
    make_subject(surgeon, consent=False)  # refused research use
    make_subject(surgeon, consent=None)  # never asked
    make_subject(surgeon, twelve=None)  # no 12-month ODI
    operations = compile_criteria(parse(LUMBAR_FUSIONS_12M_ODI), department_id=department.pk)
    assert list(operations.values_list("pk", flat=True)) == [kept.pk]


def test_withdrawn_research_consent_removes_the_patient(surgeon, department, today):
    from openspine.patients import services as patient_services

    operation = make_subject(surgeon)
    patient_services.record_consent(operation.patient, "research_use", False, actor=surgeon)
    assert not compile_criteria(parse({}), department_id=department.pk).exists()


def test_age_and_baseline_score_filters(surgeon, department, today):
    young = make_subject(surgeon, birth_date=date(1990, 3, 4), baseline=4)  # 34 on the day, ODI 80
    old = make_subject(surgeon, birth_date=date(1935, 3, 3), baseline=1)  # 90 on the day, ODI 20

    def ids(data):
        return set(compile_criteria(parse(data), department_id=department.pk).values_list("pk", flat=True))

    assert ids({"age_max": 34}) == {young.pk}
    assert ids({"age_min": 90}) == {old.pk}
    assert ids({"age_max": 33}) == set()
    assert ids({"baseline": {"instrument": "odi", "min": 50}}) == {young.pk}
    assert ids({"baseline": {"instrument": "odi", "max": 30}}) == {old.pk}


def test_other_departments_and_other_criteria_do_not_match(surgeon, department, other_department, today):
    make_subject(surgeon)
    assert compile_criteria(parse({}), department_id=other_department.pk).count() == 0
    assert compile_criteria(parse({"disease_areas": ["deformity"]}), department_id=department.pk).count() == 0
    assert (
        compile_criteria(parse({"procedure_groups": ["discectomy"]}), department_id=department.pk).count()
        == 0
    )
    assert compile_criteria(parse({"complications": "any"}), department_id=department.pk).count() == 0
    assert compile_criteria(parse({"complications": "none"}), department_id=department.pk).count() == 1
    assert compile_criteria(parse({"level_from": "S1"}), department_id=department.pk).count() == 0
    assert (
        compile_criteria(parse({"level_to": "L4", "icd10": ["M51"]}), department_id=department.pk).count()
        == 1
    )
    assert compile_criteria(parse({"performed_to": "2025-01-01"}), department_id=department.pk).count() == 0


@pytest.mark.parametrize(
    "baseline, message",
    [
        ({"min": 10}, "Name an instrument"),
        ({"instrument": "oswestry"}, "Unknown instrument oswestry"),
        ({"instrument": "odi", "min": "ten"}, "must be a number"),
        ({"instrument": "odi", "min": 60, "max": 20}, "cannot be above"),
    ],
)
def test_baseline_score_range_errors_name_the_problem(baseline, message):
    assert message in errors_of({"baseline": baseline})["baseline"]


def test_shapes_other_than_lists_and_objects_are_refused():
    assert "Give a list" in errors_of({"disease_areas": {"a": 1}})["disease_areas"]
    assert "object" in errors_of(["disease_areas"])["criteria"]
    assert "whole number" in errors_of({"age_min": True})["age_min"]


def test_criteria_in_words_name_every_filter():
    from openspine.research.criteria import describe

    data = parse(
        {
            "disease_areas": ["lumbar_degenerative"],
            "icd10": "M51",
            "procedure_groups": ["fusion"],
            "level_from": "L4",
            "performed_from": "2024-01-01",
            "age_min": 40,
            "baseline": {"instrument": "odi", "min": 30},
            "complications": "none",
            "include_revisions": True,
        }
    ).as_data()
    lines = describe(data)
    assert lines[0] == "Disease areas: Lumbar degenerative" and "Procedure groups: Fusion" in lines
    assert "Levels: L4 to …" in lines and "Age: 40 to …" in lines and "Baseline odi from 30.0 to …" in lines
    assert "Without complications" in lines and lines[-1] == "Revisions included" and len(lines) == 9
    assert describe({}) == []
