"""Token authentication for the JSON API."""

from django.utils import timezone
from ninja.security import HttpBearer

from openspine.accounts.models import ApiToken, hash_token
from openspine.accounts.roles import can


class TokenAuth(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` for an active, unexpired staff member with API rights."""

    def authenticate(self, request, token):
        api_token = (
            ApiToken.objects.select_related("user", "user__department")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None:
            return None
        user = api_token.user
        if not user.is_active or user.is_expired or not can(user, "api.use"):
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = user
        return user
