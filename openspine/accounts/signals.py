"""Sign-in bookkeeping: session list, timestamps, lockout reset, audit and security events."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from openspine import audit
from openspine.accounts import lockout, mfa
from openspine.accounts.models import UserSession
from openspine.accounts.security_log import log_event
from openspine.accounts.services import enforce_session_limit, record_session

SESSION_AUTH_AT = "auth_at"
SESSION_SEEN_AT = "seen_at"


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now
    request.session.save()  # make sure the (rotated) key exists before it is listed
    record_session(user, request)
    enforce_session_limit(user, keep_key=request.session.session_key)
    if not mfa.required():
        # With MFA the counter is reset only when the second factor succeeds.
        lockout.reset(user)
    audit.record(user, "accounts.login.succeeded", user)
    log_event("accounts.login.succeeded", user=user, mfa_pending=mfa.required())


@receiver(user_logged_out)
def on_logged_out(sender, request, user, **kwargs):
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()
    if user is not None:
        audit.record(user, "accounts.logout", user)
        log_event("accounts.logout", user=user)
