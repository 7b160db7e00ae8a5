"""Token authentication for the JSON API, wired into the shared lockout counter (T-3)."""

from django.utils import timezone
from ninja.security import HttpBearer

from openspine.accounts import lockout
from openspine.accounts.models import ApiToken, hash_token
from openspine.accounts.roles import can
from openspine.accounts.security_log import log_event


class TokenAuth(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` for an active, unexpired staff member with API rights.

    A revoked token counts as a failed sign-in of its owner, and a locked account's tokens are
    refused like every other path. An unknown token belongs to nobody, so it is only logged.
    """

    def authenticate(self, request, token):
        api_token = (
            ApiToken.objects.select_related("user", "user__department")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if api_token is None:
            log_event("accounts.token.failed", reason="unknown")
            return None
        user = api_token.user
        if lockout.is_locked(user):
            log_event("accounts.token.failed", user=user, reason="locked")
            return None
        if api_token.revoked_at is not None:
            lockout.register_failure(user, path="api")
            return None
        if not user.is_active or user.is_expired or not can(user, "api.use"):
            log_event("accounts.token.failed", user=user, reason="not_allowed")
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = user
        return user
