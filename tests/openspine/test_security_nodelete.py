"""No hard deletes: clinical records cannot be deleted through the API or the pages (T-44)."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from openspine.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _api_paths():
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for path in walk(get_resolver().url_patterns, "/"):
        if path.startswith("/api/") and path != "/api/" and "docs" not in path and "openapi" not in path:
            yield path.replace("<uuid:public_id>", str(uuid.uuid4())).replace(
                "<public_id>", str(uuid.uuid4())
            )


@pytest.mark.req("T-44")
def test_no_api_endpoint_accepts_delete(client, surgeon):
    raw = ApiToken.issue(surgeon, "t")[1]
    paths = sorted(set(_api_paths()))
    assert len(paths) > 5
    for path in paths:
        response = client.delete(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 405, path


@pytest.mark.req("T-44")
def test_no_page_route_is_a_delete_view():
    names = [p.name or "" for p in get_resolver().url_patterns if isinstance(p, URLPattern)]
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace not in ("admin", "api"):
            names += [p.name or "" for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert names and not [name for name in names if "delete" in name]
