"""CSRF protection for the portal: a synchroniser token bound to the questionnaire session.

Portal responses send ``Referrer-Policy: no-referrer`` (T-30). With that policy browsers send
``Origin: null`` on form posts, which Django's CSRF middleware rightly refuses, so the portal
checks its own token instead (T-59): a random value kept in the portal session and echoed in every
form. A cross-site post carries neither the session cookie (SameSite=Lax) nor the token.
"""

import hmac
import secrets

FIELD = "portal_token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_valid(request, expected: str | None) -> bool:
    """Return True when a POST carries the session's token and does not come from another site."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    sent = request.POST.get(FIELD, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())
