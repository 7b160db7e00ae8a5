"""Request id and security headers for every response."""

import secrets

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware

from openspine.core import context


class RequestContextMiddleware:
    """Give each request an id (echoed as X-Request-ID) and remember the client IP for audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = secrets.token_hex(8)
        token = context.bind(context.RequestContext(request.request_id, _client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def _client_ip(request) -> str:
    # Behind the hospital's reverse proxy the first X-Forwarded-For hop is the client; only trusted
    # when the deployment says a proxy is in front.
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class SecurityHeadersMiddleware:
    """Add Permissions-Policy everywhere and no-store on every authenticated or portal page (T-61)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Deny by default: every view needs a login, except ``@login_not_required`` views and the API.

    The JSON API authenticates each request with its bearer token and answers 401 itself; its
    interactive docs still need a logged-in session.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/") and not request.path.startswith(
            ("/api/docs", "/api/openapi.json")
        ):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
