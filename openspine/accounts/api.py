"""Bearer tokens for the JSON API: the check on every call and the grant that issues them (T-3, T-6).

Both are wired into the shared lockout counter, and a failing token is throttled on the shared
cache per client address and per token (a prefix of its hash; the cache table can be read).
"""

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from openspine.accounts import lockout, mfa, services
from openspine.accounts.models import ApiToken, hash_token
from openspine.accounts.roles import can
from openspine.accounts.schemas import ErrorOut, TokenOut, TokenRequest
from openspine.accounts.security_log import log_event
from openspine.core import context, throttle
from openspine.core.errors import Throttled

TOKEN_FAILURE_LIMIT = 20
TOKEN_FAILURE_WINDOW_SECONDS = 10 * 60

router = Router(tags=["accounts"])


def _throttle_keys(token: str) -> list[str]:
    return [f"api:addr:{context.current().ip}", f"api:token:{hash_token(token)[:16]}"]


class TokenAuth(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` for an active, unexpired staff member with API rights.

    A revoked token counts as a failed sign-in of its owner, and a locked account's tokens are
    refused like every other path. An unknown token belongs to nobody, so it is only logged. While
    MFA is required, the token of a user without an authenticator is refused: it would bypass it.
    ``capability`` is the right the token's owner needs (a router may ask for another one).
    """

    capability = "api.use"

    def authenticate(self, request, token):
        keys = _throttle_keys(token)
        blocking = [key for key in keys if throttle.blocked(key, TOKEN_FAILURE_LIMIT)]
        if blocking:
            log_event("accounts.token.throttled")
            wait = max(throttle.retry_after(key) for key in blocking)
            raise Throttled(_("Too many failed attempts; try again later."), retry_after=wait)
        api_token = (
            ApiToken.objects.select_related("user", "user__department")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if api_token is None:
            return _refuse(keys, None, "unknown")
        user = api_token.user
        if lockout.is_locked(user):
            return _refuse([], user, "locked")
        if api_token.revoked_at is not None:
            lockout.register_failure(user, path="api")
            return _refuse(keys, user, "revoked")
        if not user.is_active or user.is_expired or not can(user, self.capability):
            return _refuse([], user, "not_allowed")
        if mfa.required() and not mfa.has_device(user):
            log_event("accounts.token.failed", user=user, reason="no_authenticator")
            raise AuthenticationError(
                message=_(
                    "Multi-factor authentication is required: set up an authenticator app in OpenSpine, "
                    "then use this token again or issue a new one."
                )
            )
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = user
        return user


def _refuse(keys: list[str], user, reason: str) -> None:
    # Only guesses and stale secrets (unknown, revoked) count on the throttles; a genuine token that
    # is refused for its owner's role or lock is not guessing anything.
    for key in keys:
        throttle.hit(key, TOKEN_FAILURE_LIMIT, TOKEN_FAILURE_WINDOW_SECONDS)
    log_event("accounts.token.failed", user=user, reason=reason)
    return None


@router.post(
    "/tokens",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 403: ErrorOut},
    url_name="issue_token",
    summary="Issue a token (password grant, with the TOTP code where MFA applies)",
)
def issue_token(request, payload: TokenRequest):
    """Trade user name, password and (where MFA applies) a TOTP code for a new bearer token.

    Every refusal of a secret answers the same 401, so the answer does not tell a right password
    with a wrong code from a wrong password. A correct password alone resets nothing: only the
    complete grant clears this address's counter (OpenEMR PR #14110).
    """
    refused = AuthenticationError(message=_("The user name, password or code is not correct."))
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise refused
    try:
        token, raw = services.issue_api_token(user, payload.name, actor=user, code=payload.code)
    except mfa.SecondFactorRefused:
        raise refused
    lockout.reset(user)
    return Status(201, {"token": raw, "name": token.name, "created_at": token.created_at})
