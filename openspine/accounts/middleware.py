"""Session timeouts, the MFA gate and password expiry for staff sessions (T-6, T-8, T-12, T-15)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine.accounts import mfa, passwords
from openspine.accounts.models import UserSession
from openspine.accounts.signals import SESSION_AUTH_AT, SESSION_SEEN_AT

SEEN_WRITE_INTERVAL = 30  # seconds; avoids a database write on every request
SESSION_AUTH_KEY = "_auth_user_id"
WARNED = "password_expiry_warned"


def _is_exempt(path: str) -> bool:
    return path.startswith((settings.STATIC_URL, "/api/", "/i18n/", "/health/"))


class SessionTimeoutMiddleware:
    """End sessions idle longer than SESSION_IDLE_SECONDS or older than SESSION_COOKIE_AGE.

    Also ends the session of an account that was disabled or expired since it signed in: Django
    then resolves the session to an anonymous user, and the stale session row is flushed here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_exempt(request.path) or SESSION_AUTH_KEY not in request.session:
            return self.get_response(request)
        if not request.user.is_authenticated or self._timed_out(request):
            logout(request)
            return redirect_to_login(request.get_full_path())
        self._touch(request)
        return self.get_response(request)

    def _timed_out(self, request) -> bool:
        now = int(time.time())
        seen = request.session.get(SESSION_SEEN_AT, 0)
        started = request.session.get(SESSION_AUTH_AT, 0)
        return now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_COOKIE_AGE

    def _touch(self, request) -> None:
        now = int(time.time())
        if now - request.session.get(SESSION_SEEN_AT, 0) >= SEEN_WRITE_INTERVAL:
            request.session[SESSION_SEEN_AT] = now
            UserSession.objects.filter(session_key=request.session.session_key).update(
                last_seen_at=timezone.now()
            )


class MfaRequiredMiddleware:
    """Send a staff session that has not passed the second factor to enrolment or verification only."""

    ALLOWED_NAMES = ("accounts:mfa_enrol", "accounts:mfa_verify", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not mfa.required()
            or _is_exempt(request.path)
            or not request.user.is_authenticated
            or mfa.is_verified(request)
        ):
            return self.get_response(request)
        allowed = {reverse(name) for name in self.ALLOWED_NAMES}
        if request.path in allowed:
            return self.get_response(request)
        target = "accounts:mfa_verify" if hasattr(request.user, "totp") else "accounts:mfa_enrol"
        return redirect(target)


class PasswordExpiryMiddleware:
    """Under a profile with expiry, send an expired password to the change page and warn before."""

    ALLOWED_NAMES = (
        "accounts:password_change",
        "accounts:logout",
        "accounts:mfa_enrol",
        "accounts:mfa_verify",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_exempt(request.path) or not request.user.is_authenticated or request.method != "GET":
            return self.get_response(request)
        days_left = passwords.days_until_expiry(request.user)
        if days_left is None:
            return self.get_response(request)
        if days_left <= 0 and request.path not in {reverse(n) for n in self.ALLOWED_NAMES}:
            messages.warning(request, _("Your password has expired. Choose a new one to continue."))
            return redirect("accounts:password_change")
        if 0 < days_left <= passwords.EXPIRY_WARNING_DAYS and not request.session.get(WARNED):
            request.session[WARNED] = True  # once per session is enough
            messages.info(request, _("Your password expires in %(days)d days.") % {"days": days_left})
        return self.get_response(request)
