"""Privilege administration and 三员分立 (T-23)."""

import pytest
from django.urls import reverse

from openspine.accounts import lockout
from openspine.accounts.admin import UserAdmin
from openspine.accounts.models import User
from openspine.audit.models import AuditEvent


def staff_update(client, user, **data):
    return client.post(reverse("accounts:staff_update", args=[user.pk]), data)


@pytest.mark.req("T-23")
def test_security_admin_grants_a_role_and_the_grant_is_audited(client_for, secadmin, resident):
    client = client_for(secadmin)
    assert client.get(reverse("accounts:staff_list")).status_code == 200
    response = staff_update(client, resident, action="grant", role="surgeon", reason="board certified")
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.role == "surgeon"
    event = AuditEvent.objects.get(action="accounts.user.role_granted")
    assert (event.actor, event.before, event.after) == (secadmin, {"role": "resident"}, {"role": "surgeon"})
    assert event.reason == "board certified" and event.object_id == str(resident.pk)


@pytest.mark.req("T-23")
def test_nobody_grants_a_role_to_themselves(client_for, secadmin):
    client = client_for(secadmin)
    staff_update(client, secadmin, action="grant", role="director")
    secadmin.refresh_from_db()
    assert secadmin.role == "secadmin"
    assert not AuditEvent.objects.filter(action="accounts.user.role_granted").exists()


@pytest.mark.req("T-23", "T-12")
def test_security_admin_disables_and_enables_an_account_with_audit(client_for, secadmin, surgeon):
    client = client_for(secadmin)
    staff_update(client, surgeon, action="disable", reason="left")
    surgeon.refresh_from_db()
    assert not surgeon.is_active
    staff_update(client, surgeon, action="enable")
    surgeon.refresh_from_db()
    assert surgeon.is_active
    actions = list(AuditEvent.objects.filter(actor=secadmin).values_list("action", flat=True))
    assert actions[-2:] == ["accounts.user.disabled", "accounts.user.enabled"]


@pytest.mark.req("T-23")
def test_an_unknown_role_is_refused_naming_the_field(client_for, secadmin, resident):
    staff_update(client_for(secadmin), resident, action="grant", role="superuser")
    resident.refresh_from_db()
    assert resident.role == "resident"


@pytest.mark.req("T-23")
@pytest.mark.parametrize("persona", ["admin", "auditor", "director", "surgeon"])
def test_only_the_security_admin_reaches_the_staff_page(client_for, request, persona, resident):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:staff_list")).status_code == 403
    assert staff_update(client, resident, action="grant", role="director").status_code == 403
    resident.refresh_from_db()
    assert resident.role == "resident"


@pytest.mark.req("T-23")
def test_security_admin_reads_no_patient_data(client_for, secadmin, patient):
    client = client_for(secadmin)
    assert client.get(reverse("patients:patient_detail", args=[patient.public_id])).status_code == 403
    assert client.get(reverse("patients:patient_list")).status_code == 403


@pytest.mark.req("T-23")
def test_auditor_cannot_edit_clinical_data(client_for, auditor, patient):
    client = client_for(auditor)
    assert client.get(reverse("patients:patient_edit", args=[patient.public_id])).status_code == 403
    response = client.post(reverse("patients:patient_edit", args=[patient.public_id]), {"name": "changed"})
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.name != "changed"


@pytest.mark.req("T-23")
def test_system_admin_cannot_change_roles_in_the_admin_site(admin):
    assert {"role", "is_active", "is_superuser"} <= set(UserAdmin.readonly_fields)
    assert not User.objects.filter(pk=admin.pk, role="secadmin").exists()


@pytest.mark.req("T-2", "T-23")
def test_security_admin_sees_and_lifts_a_lockout_with_audit(client_for, secadmin, surgeon):
    for _ in range(5):
        lockout.register_failure(surgeon, path="web")
    client = client_for(secadmin)
    page = client.get(reverse("accounts:staff_list"))
    assert [m.is_locked for m in page.context["staff"] if m.pk == surgeon.pk] == [True]
    staff_update(client, surgeon, action="unlock", reason="identity checked by phone")
    assert not lockout.is_locked(surgeon)
    assert AuditEvent.objects.get(action="accounts.user.unlocked").reason == "identity checked by phone"
