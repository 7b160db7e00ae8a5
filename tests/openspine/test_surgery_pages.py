"""Operation and complication pages: each persona, the one-screen form, sign, amend and conflicts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openspine.audit.models import AuditEvent
from openspine.core import levels
from openspine.surgery import services
from openspine.surgery.models import Complication, Operation
from tests import builders


@pytest.fixture
def admission(patient, surgeon):
    return builders.make_admission(patient, actor=surgeon, discharged_on=None, discharge_destination="")


@pytest.fixture
def diagnosis(patient, surgeon, admission):
    return builders.make_diagnosis(patient, actor=surgeon)


@pytest.fixture
def operation(patient, surgeon, admission, diagnosis):
    return builders.make_operation(patient, actor=surgeon, admission=admission, diagnosis=diagnosis)


def _form_data(admission, diagnosis, surgeon, **overrides):
    data = {
        "performed_on": (admission.admitted_on + timedelta(days=1)).isoformat(),
        "started_at": "08:30",
        "ended_at": "11:00",
        "admission": admission.pk,
        "diagnosis": diagnosis.pk,
        "kind": "index",
        "primary_surgeon": surgeon.pk,
        "asa_grade": "2",
        "level_from": levels.parse("L4"),
        "level_to": levels.parse("S1"),
        "approach": "posterior",
        "technique": "open",
        "procedures": ["fusion_tlif", "stabilisation_rigid"],
        "implants-TOTAL_FORMS": "3",
        "implants-INITIAL_FORMS": "0",
        "implants-0-kind": "pedicle_screw",
        "implants-0-count": "6",
        "implants-1-kind": "cage",
        "implants-1-count": "2",
        "implants-1-lot_number": "LOT-77",
        "implants-2-count": "1",
        "note": "",
    }
    data.update(overrides)
    return data


PAGE_STATUS = {
    "surgeon": 200,
    "resident": 200,
    "director": 200,
    "coordinator": 403,
    "researcher": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("persona, status", PAGE_STATUS.items())
def test_operation_form_permissions(request, client_for, patient, admission, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("surgery:operation_create", args=[patient.public_id]))
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client, patient, operation):
    for url in (
        reverse("surgery:operation_create", args=[patient.public_id]),
        reverse("surgery:operation_detail", args=[operation.public_id]),
        reverse("surgery:operation_sign", args=[operation.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_form_preselects_sensible_defaults(client_for, surgeon, patient, admission, diagnosis):
    html = (
        client_for(surgeon)
        .get(reverse("surgery:operation_create", args=[patient.public_id]))
        .content.decode()
    )
    assert f'<option value="{admission.pk}" selected>' in html
    assert f'<option value="{diagnosis.pk}" selected>' in html
    assert f'<option value="{surgeon.pk}" selected>' in html
    assert 'value="posterior" id="id_approach_1" checked' in html or 'value="posterior"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert 'data-levels="L4-L5"' in html and "surgery/surgery.js" in html


def test_surgeon_records_lumbar_fusion_on_one_screen(
    client_for, surgeon, resident, patient, admission, diagnosis
):
    data = _form_data(
        admission, diagnosis, surgeon, first_assistant=resident.pk, trainee_portion=["exposure", "closure"]
    )
    response = client_for(surgeon).post(reverse("surgery:operation_create", args=[patient.public_id]), data)
    assert response.status_code == 302
    operation = Operation.objects.get()
    assert response["Location"] == reverse("surgery:operation_detail", args=[operation.public_id])
    assert operation.levels_label == "L4-S1" and operation.status == "draft"
    assert sorted(operation.procedures.values_list("code", flat=True)) == [
        "fusion_tlif",
        "stabilisation_rigid",
    ]
    assert list(operation.implants.values_list("kind", "count", "lot_number")) == [
        ("pedicle_screw", 6, ""),
        ("cage", 2, "LOT-77"),
    ]
    assert list(operation.team.values_list("user", "role", "portion")) == [
        (resident.pk, "assistant_1", ["exposure", "closure"])
    ]
    assert AuditEvent.objects.filter(action="surgery.operation.created", actor=surgeon).exists()


def test_form_error_names_field_and_saves_nothing(client_for, surgeon, patient, admission, diagnosis):
    data = _form_data(
        admission, diagnosis, surgeon, level_from=levels.parse("S1"), level_to=levels.parse("L4")
    )
    response = client_for(surgeon).post(reverse("surgery:operation_create", args=[patient.public_id]), data)
    assert response.status_code == 400
    assert "level_to" in response.context["form"].errors
    assert Operation.objects.count() == 0


@pytest.mark.req("T-71")
def test_bad_implant_row_saves_nothing(client_for, surgeon, patient, admission, diagnosis):
    data = _form_data(admission, diagnosis, surgeon, **{"implants-0-count": "0"})
    response = client_for(surgeon).post(reverse("surgery:operation_create", args=[patient.public_id]), data)
    assert response.status_code == 400
    assert Operation.objects.count() == 0


def test_missing_procedure_is_named(client_for, surgeon, patient, admission, diagnosis):
    data = _form_data(admission, diagnosis, surgeon, procedures=[])
    response = client_for(surgeon).post(reverse("surgery:operation_create", args=[patient.public_id]), data)
    assert response.status_code == 400 and Operation.objects.count() == 0


DETAIL_STATUS = {**PAGE_STATUS, "coordinator": 200}


@pytest.mark.parametrize("persona, status", DETAIL_STATUS.items())
def test_operation_page_permissions(request, client_for, operation, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("surgery:operation_detail", args=[operation.public_id]))
    assert response.status_code == status
    if status == 200:
        assert AuditEvent.objects.filter(action="surgery.operation.viewed", actor=user).exists()
        assert "Part 11" in response.content.decode() or "第 11 部分" in response.content.decode()


def test_researcher_refusal_is_audited(client_for, researcher, operation):
    client_for(researcher).get(reverse("surgery:operation_detail", args=[operation.public_id]))
    assert AuditEvent.objects.filter(action="access.denied", actor=researcher).exists()


@pytest.mark.parametrize("persona, status", {**PAGE_STATUS, "resident": 403}.items())
def test_sign_page_permissions(request, client_for, operation, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("surgery:operation_sign", args=[operation.public_id]))
    assert response.status_code == status


def test_wrong_password_does_not_sign_and_is_audited(client_for, surgeon, operation):
    url = reverse("surgery:operation_sign", args=[operation.public_id])
    response = client_for(surgeon).post(url, {"password": "wrong"})
    assert response.status_code == 400
    operation.refresh_from_db()
    assert operation.status == "draft" and not operation.signatures.exists()
    assert AuditEvent.objects.filter(action="surgery.operation.sign_failed", actor=surgeon).exists()


def test_surgeon_signs_with_password(client_for, surgeon, operation):
    url = reverse("surgery:operation_sign", args=[operation.public_id])
    response = client_for(surgeon).post(url, {"password": builders.PASSWORD})
    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.status == "signed"
    page = client_for(surgeon).get(reverse("surgery:operation_detail", args=[operation.public_id]))
    assert str(surgeon) in page.content.decode()


def test_amending_signed_record_requires_reason(client_for, surgeon, operation, admission, diagnosis):
    services.sign_operation(operation, actor=surgeon)
    operation.refresh_from_db()
    url = reverse("surgery:operation_edit", args=[operation.public_id])
    data = _form_data(admission, diagnosis, surgeon, version=operation.version, blood_loss_ml="450")
    data["performed_on"] = operation.performed_on.isoformat()
    data["started_at"], data["ended_at"] = "08:30", "11:00"
    client = client_for(surgeon)
    assert "reason" in client.get(url).content.decode()
    response = client.post(url, data)
    assert response.status_code == 400
    operation.refresh_from_db()
    assert operation.status == "signed" and operation.blood_loss_ml is None
    response = client.post(url, {**data, "reason": "Blood loss recounted"})
    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.status == "amended" and operation.blood_loss_ml == 450
    assert operation.amendments.get().reason == "Blood loss recounted"
    page = client.get(reverse("surgery:operation_detail", args=[operation.public_id])).content.decode()
    assert "Blood loss recounted" in page


def test_stale_edit_shows_conflict_and_keeps_input(client_for, surgeon, operation, admission, diagnosis):
    services.update_operation(operation, actor=surgeon, expected_version=1, note="other user")
    url = reverse("surgery:operation_edit", args=[operation.public_id])
    data = _form_data(admission, diagnosis, surgeon, version=1, note="my careful note")
    data["performed_on"] = operation.performed_on.isoformat()
    data["started_at"], data["ended_at"] = "08:30", "11:00"
    response = client_for(surgeon).post(url, data)
    assert response.status_code == 409
    assert "my careful note" in response.content.decode()
    operation.refresh_from_db()
    assert operation.note == "other user" and operation.version == 2


def test_patient_page_offers_record_operation_and_shows_it(
    client_for, surgeon, coordinator, patient, operation
):
    html = (
        client_for(surgeon).get(reverse("patients:patient_detail", args=[patient.public_id])).content.decode()
    )
    assert reverse("surgery:operation_create", args=[patient.public_id]) in html
    assert reverse("surgery:operation_detail", args=[operation.public_id]) in html
    html = (
        client_for(coordinator)
        .get(reverse("patients:patient_detail", args=[patient.public_id]))
        .content.decode()
    )
    assert reverse("surgery:operation_create", args=[patient.public_id]) not in html


@pytest.mark.req("T-84")
def test_patient_page_has_no_n_plus_one(client_for, surgeon, patient, admission, diagnosis):
    """The page asks the same number of queries for 2 operations as for 20 (no query per row)."""
    client = client_for(surgeon)
    url = reverse("patients:patient_detail", args=[patient.public_id])

    def queries_with(total):
        while patient.operations.count() < total:
            op = builders.make_operation(patient, actor=surgeon, admission=admission, diagnosis=diagnosis)
            builders.make_complication(op, actor=surgeon)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.content.decode().count("entry-operation") == total
        return len(captured)

    few = queries_with(2)
    assert queries_with(20) == few and few <= 25


@pytest.mark.parametrize(
    "persona, status",
    {
        "surgeon": 200,
        "resident": 200,
        "coordinator": 200,
        "director": 200,
        "researcher": 403,
        "outsider": 404,
    }.items(),
)
def test_complication_form_permissions(request, client_for, operation, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("surgery:complication_create", args=[operation.public_id]))
    assert response.status_code == status


def test_coordinator_records_complication(client_for, coordinator, operation):
    url = reverse("surgery:complication_create", args=[operation.public_id])
    data = {
        "category": "ssi_superficial",
        "timing": "within_30_days",
        "onset_on": timezone.localdate().isoformat(),
        "clavien_dindo": "II",
        "reported_by": "coordinator",
    }
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 302
    complication = Complication.objects.get()
    assert complication.category == "ssi_superficial" and complication.operation == operation
    assert AuditEvent.objects.filter(action="surgery.complication.added", actor=coordinator).exists()


def test_complication_error_names_field(client_for, surgeon, operation):
    url = reverse("surgery:complication_create", args=[operation.public_id])
    data = {
        "category": "death",
        "timing": "in_hospital",
        "onset_on": timezone.localdate().isoformat(),
        "clavien_dindo": "IVa",
        "reported_by": "surgeon",
    }
    response = client_for(surgeon).post(url, data)
    assert response.status_code == 400 and not Complication.objects.exists()
    assert "Clavien-Dindo grade V" in response.content.decode() or "V 级" in response.content.decode()


def test_complication_edit_marks_resolved(client_for, surgeon, operation):
    complication = builders.make_complication(operation, actor=surgeon)
    url = reverse("surgery:complication_edit", args=[complication.public_id])
    data = {
        "version": 1,
        "category": "dural_tear",
        "timing": "intraoperative",
        "onset_on": operation.performed_on.isoformat(),
        "clavien_dindo": "I",
        "reported_by": "surgeon",
        "resolved": "on",
    }
    response = client_for(surgeon).post(url, data)
    assert response.status_code == 302
    complication.refresh_from_db()
    assert complication.resolved and complication.version == 2


def test_htmx_marks_complication_resolved_in_its_row(client_for, surgeon, operation):
    complication = builders.make_complication(operation, actor=surgeon)
    url = reverse("surgery:complication_resolve", args=[complication.public_id])
    response = client_for(surgeon).post(url, {"version": 1, "resolved": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and "<html" not in html
    complication.refresh_from_db()
    assert complication.resolved and complication.version == 2
    assert AuditEvent.objects.filter(action="surgery.complication.updated", actor=surgeon).exists()


def test_stale_resolve_answers_409_without_change(client_for, surgeon, operation):
    complication = builders.make_complication(operation, actor=surgeon)
    services.update_complication(complication, actor=surgeon, expected_version=1, note="seen")
    url = reverse("surgery:complication_resolve", args=[complication.public_id])
    response = client_for(surgeon).post(url, {"version": 1, "resolved": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    complication.refresh_from_db()
    assert not complication.resolved


def test_resolve_without_htmx_redirects_and_researcher_is_refused(client_for, surgeon, researcher, operation):
    complication = builders.make_complication(operation, actor=surgeon)
    url = reverse("surgery:complication_resolve", args=[complication.public_id])
    assert client_for(researcher).post(url, {"version": 1, "resolved": "1"}).status_code == 403
    response = client_for(surgeon).post(url, {"version": 1, "resolved": "1"})
    assert response.status_code == 302
    complication.refresh_from_db()
    assert complication.resolved


def test_form_prefills_levels_from_latest_diagnosis(client_for, surgeon, patient, admission, diagnosis):
    html = (
        client_for(surgeon)
        .get(reverse("surgery:operation_create", args=[patient.public_id]))
        .content.decode()
    )
    assert f'<option value="{diagnosis.level_from}" selected>L4</option>' in html
    assert f'<option value="{diagnosis.level_to}" selected>L5</option>' in html


def test_editing_a_record_with_legacy_roles_keeps_who_did_what(
    client_for, surgeon, resident, patient, admission, diagnosis
):
    """Roles recorded before the teaching roles stay as recorded, and the form shows them to keep."""
    operation = builders.make_operation(
        patient,
        actor=surgeon,
        admission=admission,
        diagnosis=diagnosis,
        team=[(resident, "resident_operator")],
    )
    url = reverse("surgery:operation_edit", args=[operation.public_id])
    form = client_for(surgeon).get(url).context["form"]
    assert "resident_operators" in form.fields and "assistants" not in form.fields
    assert form.initial["resident_operators"] == [resident.pk]
    data = _form_data(
        admission, diagnosis, surgeon, version=operation.version, resident_operators=[resident.pk]
    )
    data["performed_on"] = operation.performed_on.isoformat()
    refused = client_for(surgeon).post(url, {**data, "trainee_portion": ["critical"]})
    assert refused.status_code == 400 and "trainee_portion" in refused.context["form"].errors
    assert client_for(surgeon).post(url, data).status_code == 302
    assert list(operation.team.values_list("user", "role", "portion")) == [
        (resident.pk, "resident_operator", [])
    ]


def test_the_portion_goes_to_the_trainee_surgeon_when_there_is_one(
    client_for, surgeon, resident, patient, admission, diagnosis
):
    data = _form_data(
        admission,
        diagnosis,
        surgeon,
        trainee_surgeon=resident.pk,
        first_assistant=surgeon.pk,
        trainee_portion=["critical", "closure"],
    )
    response = client_for(surgeon).post(reverse("surgery:operation_create", args=[patient.public_id]), data)
    assert response.status_code == 302
    team = dict(Operation.objects.get().team.values_list("role", "portion"))
    assert team == {"primary_surgeon": ["critical", "closure"], "assistant_1": []}
    edit = client_for(surgeon).get(
        reverse("surgery:operation_edit", args=[Operation.objects.get().public_id])
    )
    assert edit.context["form"].initial["trainee_portion"] == ["critical", "closure"]
