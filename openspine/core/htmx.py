"""Render a whole page or, for a non-boosted HTMX request, only its fragment (NetBox's pattern)."""

from django.shortcuts import render


def is_htmx_partial(request) -> bool:
    """Return True for an HTMX request that wants a fragment rather than a whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_page_or_partial(request, page: str, partial: str, context: dict, status: int = 200):
    """Render ``partial`` for an HTMX request and ``page`` otherwise."""
    template = partial if is_htmx_partial(request) else page
    return render(request, template, context, status=status)
