"""Request id and security headers for every response."""

import functools
import ipaddress
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
    """Return the client's address: REMOTE_ADDR, or the hop our own trusted proxies reported.

    X-Forwarded-For is read only when the peer is one of OPENSPINE_TRUSTED_PROXIES. Each proxy
    appends the address it saw, so the list is read from the right, skipping our own proxies; the
    first other hop is the client. Everything left of it is whatever the client chose to send.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, proxies):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if not _is_address(hop):
            break  # a malformed hop was not written by a proxy of ours: trust nothing left of it
        client = hop
        if not _is_trusted(hop, proxies):
            break
    return client


@functools.lru_cache(maxsize=4)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, networks) -> bool:
    if not networks or not _is_address(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip.version == network.version and ip in network for network in networks)


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
