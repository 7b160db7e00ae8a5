"""Confirmation by the attending of record, Zwisch ratings, and loading the department's tables."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from openspine.audit.models import AuditEvent
from openspine.core.errors import DomainError
from openspine.surgery import services as surgery
from openspine.teaching import services
from openspine.teaching.models import CaseLogEntry, CategoryMap, RequirementSet
from tests import builders
from tests.teaching.conftest import enrol

DATA = Path(services.__file__).resolve().parent / "data"


@pytest.fixture
def entry(patient, surgeon, trainee):
    operation = builders.make_operation(patient, actor=surgeon, team=[(trainee, "primary_surgeon")])
    surgery.sign_operation(operation, actor=surgeon)
    return CaseLogEntry.objects.get()


def test_confirming_an_entry_one_is_not_the_attending_of_is_refused_and_audited(entry, director):
    with pytest.raises(DomainError):
        services.confirm_case_log_entry(entry, actor=director, zwisch="active_help")
    entry.refresh_from_db()
    assert entry.state == "pending_confirmation" and not entry.ratings.exists()
    assert AuditEvent.objects.filter(action="teaching.caselogentry.confirm_refused", actor=director).exists()


def test_resident_cannot_sign_off_own_case(entry, trainee):
    with pytest.raises(DomainError):
        services.confirm_case_log_entry(entry, actor=trainee, zwisch="supervision_only")
    assert CaseLogEntry.objects.get().state == "pending_confirmation"


def test_a_rating_outside_the_scale_names_the_field_and_saves_nothing(entry, surgeon):
    with pytest.raises(ValidationError) as error:
        services.confirm_case_log_entry(entry, actor=surgeon, zwisch="excellent")
    assert "supervision_only" in error.value.message_dict["zwisch"][0]
    entry.refresh_from_db()
    assert entry.state == "pending_confirmation" and not entry.ratings.exists()


def test_a_confirmed_entry_is_not_confirmed_twice(entry, surgeon):
    services.confirm_case_log_entry(entry, actor=surgeon, zwisch="active_help")
    with pytest.raises(DomainError):
        services.confirm_case_log_entry(entry, actor=surgeon, zwisch="active_help")
    assert entry.ratings.count() == 1


def test_correcting_to_a_second_surgeon_credit_is_refused(patient, surgeon, trainee, junior):
    operation = builders.make_operation(
        patient, actor=surgeon, team=[(trainee, "primary_surgeon"), (junior, "assistant_1")]
    )
    surgery.sign_operation(operation, actor=surgeon)
    junior_entry = CaseLogEntry.objects.get(trainee=junior)
    with pytest.raises(ValidationError) as error:
        services.confirm_case_log_entry(
            junior_entry, actor=surgeon, zwisch="active_help", credit_role="surgeon"
        )
    assert "credit_role" in error.value.message_dict
    services.confirm_case_log_entry(
        junior_entry, actor=surgeon, zwisch="show_and_tell", credit_role="observer"
    )
    junior_entry.refresh_from_db()
    assert junior_entry.credit_role == "observer" and junior_entry.state == "confirmed"


def test_confirm_day_confirms_only_rated_entries_all_or_nothing(patient, surgeon, trainee, junior):
    operation = builders.make_operation(
        patient, actor=surgeon, team=[(trainee, "primary_surgeon"), (junior, "assistant_1")]
    )
    surgery.sign_operation(operation, actor=surgeon)
    mine, theirs = CaseLogEntry.objects.get(trainee=trainee), CaseLogEntry.objects.get(trainee=junior)
    with pytest.raises(ValidationError):
        services.confirm_day([mine, theirs], {str(mine.public_id): "bad"}, actor=surgeon)
    assert not CaseLogEntry.objects.filter(state="confirmed").exists()
    services.confirm_day([mine, theirs], {str(mine.public_id): "passive_help"}, actor=surgeon)
    assert list(CaseLogEntry.objects.filter(state="confirmed")) == [mine]


def test_zwisch_self_rating_hidden_until_attending_rates(entry, surgeon, trainee):
    services.rate_own_entry(entry, actor=trainee, zwisch="supervision_only")
    assert services.visible_ratings(entry, surgeon) == {"self": None, "attending": None}
    assert services.visible_ratings(entry, trainee) == {"self": "supervision_only", "attending": None}
    services.confirm_case_log_entry(entry, actor=surgeon, zwisch="passive_help")
    both = {"self": "supervision_only", "attending": "passive_help"}
    assert services.visible_ratings(entry, surgeon) == both == services.visible_ratings(entry, trainee)
    with pytest.raises(DomainError):
        services.rate_own_entry(entry, actor=trainee, zwisch="active_help")
    with pytest.raises(DomainError):
        services.rate_own_entry(entry, actor=surgeon, zwisch="active_help")


def test_stage_is_frozen_on_the_team_at_the_operation_date(patient, surgeon, department):
    user = builders.make_user(role="resident", department=department)
    trainee = enrol(user, programme="masters")
    operation = builders.make_operation(patient, actor=surgeon, team=[(user, "assistant_1")])
    member = operation.team.get()
    assert member.trainee_stage == f"masters:{trainee.year_on(operation.performed_on)}"
    assert services.stage_label(member.trainee_stage) != member.trainee_stage


def test_a_portion_outside_the_list_names_the_field(patient, surgeon, trainee):
    with pytest.raises(ValidationError) as error:
        builders.make_operation(patient, actor=surgeon, team=[(trainee, "assistant_1", ["suturing"])])
    assert "critical" in error.value.message_dict["portion"][0]


def test_a_record_without_portions_keeps_its_signed_content(patient, surgeon, trainee):
    operation = builders.make_operation(patient, actor=surgeon, team=[(trainee, "assistant")])
    assert surgery.record_content(operation)["team"] == [[trainee.pk, "assistant"]]


@pytest.mark.django_db
def test_category_map_loads_once_per_version_and_refuses_changed_rules():
    data = json.loads((DATA / "category_map_2026.1.json").read_text())
    assert services.load_category_map(data) == CategoryMap.objects.get(version="2026.1")
    data["rules"] = data["rules"][:1]
    with pytest.raises(ValidationError) as error:
        services.load_category_map(data)
    assert "version" in error.value.message_dict
    data["version"], data["rules"][0]["category"] = "2027.1", "laminoplasty"
    with pytest.raises(ValidationError) as error:
        services.load_category_map(data)
    assert (
        "category" in error.value.message_dict and not CategoryMap.objects.filter(version="2027.1").exists()
    )


@pytest.mark.django_db
def test_acgme_example_loads_idempotently_and_is_labelled_an_example():
    data = json.loads((DATA / "requirements_acgme_example.json").read_text())
    services.load_requirement_set(data)
    requirement_set = services.load_requirement_set(data)
    assert RequirementSet.objects.count() == 1 and requirement_set.is_example
    assert requirement_set.requirements.get().minimum == 15
    assert AuditEvent.objects.filter(action="teaching.requirementset.loaded").count() == 1
    data["requirements"][0]["minimum"] = 20
    assert services.load_requirement_set(data).requirements.get().minimum == 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field",
    [
        ({"minimum": 0}, "minimum"),
        ({"categories": ["knee"]}, "categories"),
        ({"credit_roles": ["chief"]}, "credit_roles"),
    ],
)
def test_a_bad_requirement_names_the_field_and_saves_nothing(change, field):
    data = json.loads((DATA / "requirements_acgme_example.json").read_text())
    data["requirements"][0].update(change)
    with pytest.raises(ValidationError) as error:
        services.load_requirement_set(data)
    assert field in error.value.message_dict and not RequirementSet.objects.exists()


@pytest.mark.django_db
def test_a_new_category_map_version_takes_over_from_its_effective_date():
    data = json.loads((DATA / "category_map_2026.1.json").read_text())
    data.update(version="2026.2", effective_from="2026-06-01")
    data["rules"] = [r for r in data["rules"] if r["category"] != "instrumentation"]
    loaded = services.load_category_map(data)
    assert services.current_category_map() == loaded and loaded.rules.count() == len(data["rules"])
    assert AuditEvent.objects.filter(action="teaching.categorymap.loaded").count() == 1
