"""Fuzz the JSON API from its OpenAPI schema, in-process, for a surgeon and a researcher token (T-69).

Schemathesis generates valid and invalid requests for every operation of the served schema and
checks that the server never answers 5xx, that every status code and body is one the schema
declares, and that auth is not ignored. ``max_examples`` is kept small so the run fits CI time
(about 10 examples per operation and role).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from openspine.accounts.models import ApiToken
from openspine.api import api
from openspine.wsgi import application
from tests import builders

# The served schema as it is: OpenSpineAPI declares the shared error answers (400/401/403/404/409/
# 413/422) and the Idempotency-Key header itself, so nothing is patched in here. /api/openapi.json
# needs a signed-in session, which a module-level loader does not have; it serves this same document
# (test_the_served_schema_is_the_one_fuzzed checks that).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.ignored_auth,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Do what Django's test client does: the WSGI app's request signals would otherwise close
    the connection that holds the test's transaction (seen on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    department = builders.make_department()
    surgeon = builders.make_user(role="surgeon", username="fuzz_surgeon", department=department)
    researcher = builders.make_user(role="researcher", username="fuzz_researcher", department=department)
    builders.make_patient(actor=surgeon)
    return {
        role: ApiToken.issue(user, "fuzz")[1]
        for role, user in (("surgeon", surgeon), ("researcher", researcher))
    }


@pytest.mark.req("T-69")
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["surgeon", "researcher"])
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_answers_as_documented(case, role, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)


@pytest.mark.req("T-69")
@pytest.mark.django_db
def test_the_served_schema_is_the_one_fuzzed_and_declares_its_errors(client, surgeon):
    client.force_login(surgeon)
    served = client.get("/api/openapi.json").json()
    assert served == json.loads(json.dumps(api.get_openapi_schema()))  # the same document, as JSON
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "422", "429"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= codes, (method, path)
            if method == "patch":
                assert "409" in codes, (method, path)
            for code in codes - {"200", "201"}:
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
    assert served["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
