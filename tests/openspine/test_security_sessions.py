"""Sessions: cookie flags, fixation, timeouts, logout and session administration (security.md B)."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from openspine.accounts.models import UserSession
from openspine.audit.models import AuditEvent
from tests import builders

LOGIN = "/accounts/login/"
PRODUCTION_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_NAME", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS")}))
"""


def signed_in_client(user) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": user.username, "password": builders.PASSWORD}).status_code == 302
    return client


@pytest.mark.req("T-13", "T-56")
def test_production_profile_sets_secure_host_prefixed_cookies(tmp_path):
    env = {
        **os.environ,
        "OPENSPINE_ENV": "production",
        "OPENSPINE_SECRET_KEY": "k" * 20 + "-production-test-key-0123456789-abcdefghij",
        "OPENSPINE_ALLOWED_HOSTS": "registry.example.org",
        "DATABASE_URL": "postgres://openspine@db.invalid:5432/openspine",
        "DJANGO_SETTINGS_MODULE": "openspine.settings",
        "OPENSPINE_VAR_DIR": str(tmp_path),
        "OPENSPINE_FIELD_KEY": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=",
        "OPENSPINE_AUDIT_KEY": "YXVkaXQta2V5LWF1ZGl0LWtleS1hdWRpdC1rZXktYXU=",
        "OPENSPINE_AUDIT_ANCHOR_DIR": str(tmp_path / "anchor"),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRODUCTION_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["DEBUG"] is False
    # T-56 (settings part): HTTPS only, HSTS for a year including subdomains.
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


@pytest.mark.req("T-13")
@override_settings(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-sessionid")
def test_session_cookie_is_sent_secure_httponly_samesite(surgeon):
    response = Client().post(LOGIN, {"username": "surgeon", "password": builders.PASSWORD})
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"


@pytest.mark.req("T-14")
def test_login_issues_a_new_session_key(client, surgeon):
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    client.post(LOGIN, {"username": "surgeon", "password": builders.PASSWORD})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.req("T-15")
def test_idle_timeout_sends_back_to_login_and_deletes_the_session(surgeon):
    assert settings.SESSION_IDLE_SECONDS == 15 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(surgeon)
        key = client.session.session_key
        traveller.shift(settings.SESSION_IDLE_SECONDS - 60)
        assert client.get("/").status_code == 200
        traveller.shift(settings.SESSION_IDLE_SECONDS + 1)
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()


@pytest.mark.req("T-15")
def test_absolute_timeout_ends_even_an_active_session(surgeon):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    step = settings.SESSION_IDLE_SECONDS - 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(surgeon)
        elapsed = 0
        while elapsed + step < settings.SESSION_COOKIE_AGE:
            traveller.shift(step)
            elapsed += step
            assert client.get("/").status_code == 200
        traveller.shift(step)
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.req("T-15")
def test_pages_carry_the_idle_timeout_for_the_warning_script(client_for, surgeon):
    response = client_for(surgeon).get(reverse("accounts:session_list"))
    assert b"accounts/session-timeout.js" in response.content
    assert f'data-idle-seconds="{settings.SESSION_IDLE_SECONDS}"'.encode() in response.content


@pytest.mark.req("T-16")
def test_logout_deletes_the_session_row_and_the_old_cookie_is_worthless(surgeon):
    client = signed_in_client(surgeon)
    cookie_name = settings.SESSION_COOKIE_NAME
    old_key = client.cookies[cookie_name].value
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[cookie_name] = old_key
    response = replay.get("/patients/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="accounts.logout", actor=surgeon).exists()


@pytest.mark.req("T-17")
def test_user_lists_and_ends_own_sessions(surgeon):
    laptop = signed_in_client(surgeon)
    phone = signed_in_client(surgeon)
    page = laptop.get(reverse("accounts:session_list"))
    assert len(page.context["sessions"]) == 2
    phone_session = UserSession.objects.get(session_key=phone.session.session_key)
    response = laptop.post(reverse("accounts:session_end", args=[phone_session.public_id]))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=phone_session.session_key).exists()
    assert phone.get("/patients/")["Location"].startswith(LOGIN)
    assert laptop.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.session.ended", actor=surgeon).exists()


@pytest.mark.req("T-17")
def test_nobody_ends_another_users_session_from_my_sessions(surgeon, resident):
    victim = signed_in_client(resident)
    attacker = signed_in_client(surgeon)
    target = UserSession.objects.get(session_key=victim.session.session_key)
    assert attacker.post(reverse("accounts:session_end", args=[target.public_id])).status_code == 404
    assert Session.objects.filter(session_key=target.session_key).exists()


@pytest.mark.req("T-17")
def test_security_admin_ends_all_sessions_of_a_user(client_for, secadmin, surgeon):
    first, second = signed_in_client(surgeon), signed_in_client(surgeon)
    admin_client = client_for(secadmin)
    response = admin_client.post(
        reverse("accounts:staff_update", args=[surgeon.pk]), {"action": "end_sessions"}
    )
    assert response.status_code == 302
    assert not UserSession.objects.filter(user=surgeon).exists()
    for client in (first, second):
        assert client.get("/")["Location"].startswith(LOGIN)
    event = AuditEvent.objects.get(action="accounts.user.sessions_ended")
    assert event.actor == secadmin and event.after == {"count": 2}


@pytest.mark.req("T-9")
def test_password_change_needs_the_current_password_and_ends_other_sessions(surgeon):
    here, elsewhere = signed_in_client(surgeon), signed_in_client(surgeon)
    new_password = "Kestrel-Harbour-7781"
    form = {"old_password": "not my password", "new_password1": new_password, "new_password2": new_password}
    refused = here.post(reverse("accounts:password_change"), form)
    assert refused.status_code == 200 and "old_password" in refused.context["form"].errors
    form["old_password"] = builders.PASSWORD
    assert here.post(reverse("accounts:password_change"), form).status_code == 302
    surgeon.refresh_from_db()
    assert surgeon.check_password(new_password)
    assert surgeon.password_changed_at > timezone.now() - timedelta(minutes=1)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="accounts.password.changed", actor=surgeon).exists()


@pytest.mark.req("T-17")
@override_settings(OPENSPINE_MAX_SESSIONS=2)
def test_the_concurrent_session_limit_ends_the_oldest_session(surgeon):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        oldest = signed_in_client(surgeon)
        traveller.shift(60)
        middle = signed_in_client(surgeon)
        traveller.shift(60)
        newest = signed_in_client(surgeon)
        assert UserSession.objects.filter(user=surgeon).count() == 2
        assert oldest.get("/")["Location"].startswith(LOGIN)
        assert middle.get("/").status_code == 200 and newest.get("/").status_code == 200


@pytest.mark.req("T-9")
def test_password_change_notifies_the_owner(surgeon, django_capture_on_commit_callbacks):
    surgeon.email = "surgeon@example.org"
    surgeon.save(update_fields=["email"])
    client = signed_in_client(surgeon)
    new_password = "Kestrel-Harbour-7781"
    form = {"old_password": builders.PASSWORD, "new_password1": new_password, "new_password2": new_password}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_change"), form)
    assert [m.to for m in mail.outbox] == [["surgeon@example.org"]]
    assert new_password not in mail.outbox[0].body
