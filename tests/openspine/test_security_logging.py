"""Errors and security logging: generic 500 page, JSON security events, log hygiene (security.md K, T-38)."""

import json
import logging
from unittest import mock

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, override_settings
from django.urls import path, reverse

from openspine.accounts import lockout
from openspine.accounts.models import ApiToken
from openspine.accounts.security_log import log_event
from tests import builders

SECRET_MARKER = "stack-trace-secret-4711"


@login_not_required
def boom(request):
    raise RuntimeError(SECRET_MARKER)


urlpatterns = [path("boom/", boom)]
handler500 = "openspine.core.views.server_error"


def security_events(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "openspine.security"]


@pytest.mark.req("T-62")
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unhandled_error_shows_a_generic_page_with_the_request_id(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert response["X-Request-ID"] in body
    for leak in (SECRET_MARKER, "Traceback", "RuntimeError", "SECRET_KEY", "boom.py"):
        assert leak not in body


@pytest.mark.req("T-64")
def test_login_failure_lock_and_success_are_structured_events(client, surgeon, caplog):
    caplog.set_level(logging.INFO, logger="openspine.security")
    client.post("/accounts/login/", {"username": "surgeon", "password": "wrong password 1"})
    client.post("/accounts/login/", {"username": "surgeon", "password": builders.PASSWORD})
    for _ in range(5):
        lockout.register_failure(surgeon, path="web")
    events = security_events(caplog)
    names = [e["event"] for e in events]
    assert names[:2] == ["accounts.login.failed", "accounts.login.succeeded"]
    assert "accounts.login.locked" in names
    first = events[0]
    assert first["user_id"] == surgeon.pk and first["path"] == "web" and len(first["request_id"]) == 16


@pytest.mark.req("T-64")
def test_denials_token_failures_exports_and_role_changes_are_events(
    client_for, auditor, secadmin, resident, caplog
):
    caplog.set_level(logging.INFO, logger="openspine.security")
    client_for(auditor).get(reverse("accounts:audit_export"))
    client_for(auditor).get(reverse("accounts:staff_list"))
    Client().get("/api/patients/", headers={"Authorization": "Bearer not-a-token"})
    client_for(secadmin).post(
        reverse("accounts:staff_update", args=[resident.pk]), {"action": "grant", "role": "surgeon"}
    )
    names = {e["event"] for e in security_events(caplog)}
    assert {
        "audit.trail.exported",
        "access.denied",
        "accounts.token.failed",
        "accounts.user.role_granted",
    } <= names


@pytest.mark.req("T-65")
def test_control_characters_cannot_forge_log_lines(db, client, caplog):
    caplog.set_level(logging.INFO, logger="openspine.security")
    log_event("test.event", detail='x\r\n{"event": "accounts.login.succeeded"}\x1b[31m')
    client.post("/accounts/login/", {"username": "evil\r\nINFO forged line", "password": "x"})
    for record in caplog.records:
        message = record.getMessage()
        assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert "\\r\\n" in caplog.records[0].getMessage()


@pytest.mark.req("T-38")
def test_no_password_token_session_or_identifier_reaches_the_logs(client, surgeon, caplog):
    caplog.set_level(logging.DEBUG)
    patient = builders.make_patient(actor=surgeon, name="王测试")
    _token, raw = ApiToken.issue(surgeon, "script")
    client.post("/accounts/login/", {"username": "surgeon", "password": "wrong-secret-password-99"})
    client.post("/accounts/login/", {"username": "nobody-such-user", "password": "x"})
    client.post("/accounts/login/", {"username": "surgeon", "password": builders.PASSWORD})
    client.get(reverse("patients:patient_detail", args=[patient.public_id]))
    client.get(f"/api/patients/{patient.public_id}", headers={"Authorization": f"Bearer {raw}"})
    Client().get("/api/patients/", headers={"Authorization": f"Bearer {raw}x"})
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records, "the flow should have logged security events"
    for secret in (
        builders.PASSWORD,
        "wrong-secret-password-99",
        "nobody-such-user",
        raw,
        client.session.session_key,
        patient.national_id,
        patient.name,
        patient.phone,
        patient.mrn,
    ):
        assert secret not in text


@pytest.mark.req("T-63")
def test_a_fault_in_the_permission_check_denies_and_shows_nothing(surgeon, patient):
    client = Client(raise_request_exception=False)
    client.force_login(surgeon)
    with mock.patch("openspine.patients.access.can", side_effect=RuntimeError("permission store down")):
        response = client.get(reverse("patients:patient_detail", args=[patient.public_id]))
    assert response.status_code == 500
    for identifier in (patient.name, patient.mrn, patient.national_id, patient.phone):
        assert identifier not in response.content.decode()
