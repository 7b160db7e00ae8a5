"""The trainee's log, the attending's confirmations, the export and the cohort, as each user sees them."""

import json

import pytest
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.surgery import services as surgery
from openspine.teaching import services
from openspine.teaching.models import CaseLogEntry
from tests import builders
from tests.teaching.test_confirm_and_tables import DATA

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def day_entries(patient, surgeon, trainee, junior):
    operation = builders.make_operation(
        patient, actor=surgeon, team=[(trainee, "primary_surgeon"), (junior, "assistant_1")]
    )
    surgery.sign_operation(operation, actor=surgeon)
    return CaseLogEntry.objects.get(trainee=trainee), CaseLogEntry.objects.get(trainee=junior)


@pytest.fixture
def acgme_example(db):
    return services.load_requirement_set(json.loads((DATA / "requirements_acgme_example.json").read_text()))


def test_resident_sees_own_log_with_pending_apart_and_masked_record_number(
    client_for, trainee, day_entries, acgme_example, patient
):
    response = client_for(trainee).get(reverse("teaching:caselog_mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert patient.mrn not in html and patient.mrn[-3:] in html
    assert [(c.code, c.confirmed, c.pending) for c in response.context["counts"]] == [
        ("thoracolumbar_posterior_fusion", 0, 1),
        ("instrumentation", 0, 1),
    ]
    (row,) = response.context["progress"]
    assert (row.minimum, row.confirmed, row.pending) == (15, 0, 1)
    assert "unvalidated" in html  # the ACGME numbers are labelled an unverified example
    assert AuditEvent.objects.filter(action="teaching.caselog.viewed", actor=trainee).exists()


def test_log_without_requirement_set_says_the_department_enters_it(client_for, trainee, day_entries):
    response = client_for(trainee).get(reverse("teaching:caselog_mine"))
    assert response.context["requirement_set"] is None and response.context["progress"] == []


def test_attending_confirms_one_entry_with_one_tap(client_for, surgeon, day_entries):
    mine, _theirs = day_entries
    url = reverse("teaching:entry_confirm", args=[mine.public_id])
    response = client_for(surgeon).post(url, {f"{mine.public_id}-zwisch": "passive_help"}, **HTMX)
    assert response.status_code == 200 and f'id="confirm-{mine.public_id}"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.state == "confirmed" and mine.ratings.get().value == "passive_help"


def test_confirming_without_a_rating_is_refused_with_the_field(client_for, surgeon, day_entries):
    mine, _theirs = day_entries
    url = reverse("teaching:entry_confirm", args=[mine.public_id])
    response = client_for(surgeon).post(url, {}, **HTMX)
    assert response.status_code == 400 and response.context["row"]["form"].errors["zwisch"]
    mine.refresh_from_db()
    assert mine.state == "pending_confirmation"


def test_another_surgeon_cannot_confirm_and_is_audited(client_for, department, day_entries):
    other = builders.make_user(role="surgeon", username="other", department=department)
    mine, _theirs = day_entries
    url = reverse("teaching:entry_confirm", args=[mine.public_id])
    response = client_for(other).post(url, {f"{mine.public_id}-zwisch": "passive_help"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.state == "pending_confirmation"
    assert AuditEvent.objects.filter(action="teaching.caselogentry.confirm_refused", actor=other).exists()


def test_attending_confirms_a_days_list_at_once(client_for, surgeon, day_entries):
    mine, theirs = day_entries
    page = client_for(surgeon).get(reverse("teaching:confirmation_list"))
    assert page.status_code == 200 and len(page.context["days"][0][1]) == 2
    data = {
        "day": mine.performed_on.isoformat(),
        f"{mine.public_id}-zwisch": "active_help",
        f"{theirs.public_id}-zwisch": "show_and_tell",
    }
    response = client_for(surgeon).post(reverse("teaching:day_confirm"), data)
    assert response.status_code == 302
    assert set(CaseLogEntry.objects.values_list("state", flat=True)) == {"confirmed"}
    assert AuditEvent.objects.filter(action="teaching.caselogentry.confirmed").count() == 2


def test_day_confirm_with_no_rating_confirms_nothing(client_for, surgeon, day_entries):
    mine, _theirs = day_entries
    response = client_for(surgeon).post(
        reverse("teaching:day_confirm"), {"day": mine.performed_on.isoformat()}
    )
    assert response.status_code == 302
    assert not CaseLogEntry.objects.filter(state="confirmed").exists()


def test_trainee_rates_own_case_and_sees_only_own_rating_until_both_are_in(
    client_for, trainee, surgeon, day_entries
):
    mine, _theirs = day_entries
    url = reverse("teaching:entry_rate", args=[mine.public_id])
    response = client_for(trainee).post(url, {"zwisch": "supervision_only"}, **HTMX)
    assert response.status_code == 200
    assert response.context["row"]["ratings"]["attending"] is None
    services.confirm_case_log_entry(mine, actor=surgeon, zwisch="active_help")
    page = client_for(trainee).get(reverse("teaching:caselog_mine"))
    (row,) = [r for r in page.context["entries"] if r["entry"] == mine]
    assert row["ratings"]["attending"] is not None and row["ratings"]["self"] is not None


def test_a_bad_self_rating_names_the_scale(client_for, trainee, day_entries):
    mine, _theirs = day_entries
    response = client_for(trainee).post(
        reverse("teaching:entry_rate", args=[mine.public_id]), {"zwisch": "great"}, **HTMX
    )
    assert response.status_code == 400 and not mine.ratings.exists()


def test_trainee_cannot_rate_someone_elses_case(client_for, trainee, day_entries):
    _mine, theirs = day_entries
    response = client_for(trainee).post(
        reverse("teaching:entry_rate", args=[theirs.public_id]), {"zwisch": "active_help"}
    )
    assert response.status_code == 404 and not theirs.ratings.exists()


def test_export_is_csv_with_masked_record_numbers_and_audited(client_for, trainee, day_entries, patient):
    response = client_for(trainee).get(reverse("teaching:caselog_export"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0].startswith("performed_on,record_number") and len(lines) == 2
    assert patient.mrn not in body and "fusion_tlif" in body
    assert AuditEvent.objects.filter(action="teaching.caselog.exported", actor=trainee).exists()


def test_director_sees_the_cohort_and_who_is_behind(
    client_for, director, trainee, junior, day_entries, acgme_example
):
    response = client_for(director).get(reverse("teaching:cohort"))
    assert response.status_code == 200
    rows = {r["trainee"].user.username: r["progress"][0] for r in response.context["rows"]}
    assert rows["resident"].pending == 1 and rows["junior"].pending == 0


def test_without_htmx_rating_and_confirming_redirect_back_with_a_message(
    client_for, trainee, surgeon, day_entries
):
    mine, _theirs = day_entries
    rate = reverse("teaching:entry_rate", args=[mine.public_id])
    assert client_for(trainee).post(rate, {})["Location"] == reverse("teaching:caselog_mine")
    assert client_for(trainee).post(rate, {"zwisch": "active_help"}).status_code == 302
    assert mine.ratings.get().rater_role == "self"
    confirm = reverse("teaching:entry_confirm", args=[mine.public_id])
    assert client_for(surgeon).post(confirm, {})["Location"] == reverse("teaching:confirmation_list")
    client_for(surgeon).post(confirm, {f"{mine.public_id}-zwisch": "active_help"})
    mine.refresh_from_db()
    assert mine.state == "confirmed"


def test_operation_page_shows_the_portion_the_trainee_did(client_for, patient, surgeon, trainee):
    operation = builders.make_operation(patient, actor=surgeon, team=[(trainee, "assistant_1", ["critical"])])
    html = (
        client_for(surgeon)
        .get(reverse("surgery:operation_detail", args=[operation.public_id]))
        .content.decode()
    )
    assert "I助" in html and str(operation.team.get().portion_labels[0]) in html


def test_trainee_disputes_a_pending_entry_with_a_reason_and_the_attending_resolves_it(
    client_for, trainee, surgeon, day_entries
):
    mine, _theirs = day_entries
    url = reverse("teaching:entry_dispute", args=[mine.public_id])
    client_for(trainee).post(url, {"reason": ""})
    mine.refresh_from_db()
    assert mine.state == "pending_confirmation"
    client_for(trainee).post(url, {"reason": "I only assisted."})
    mine.refresh_from_db()
    assert mine.state == "disputed" and mine.state_reason == "I only assisted."
    event = AuditEvent.objects.get(action="teaching.caselogentry.disputed")
    assert event.reason == "I only assisted." and event.before["state"] == "pending_confirmation"
    services.confirm_case_log_entry(mine, actor=surgeon, zwisch="active_help", credit_role="first_assistant")
    mine.refresh_from_db()
    assert (mine.state, mine.credit_role) == ("confirmed", "first_assistant")


def test_only_the_trainee_disputes_and_only_a_pending_entry(trainee, surgeon, day_entries):
    from openspine.core.errors import DomainError

    mine, _theirs = day_entries
    with pytest.raises(DomainError):
        services.dispute_case_log_entry(mine, actor=surgeon, reason="x")
    services.confirm_case_log_entry(mine, actor=surgeon, zwisch="active_help")
    with pytest.raises(DomainError):
        services.dispute_case_log_entry(mine, actor=trainee, reason="late")
