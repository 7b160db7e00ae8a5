"""Fuzz the JSON API from its OpenAPI schema, in-process, for a surgeon and a researcher token (T-69).

Schemathesis generates valid and invalid requests for every operation and checks that the server
never answers 5xx, that every status code and body is one the schema declares, and that auth is
not ignored. ``max_examples`` is kept small so the run fits CI time (about 10 examples per
operation and role).
"""

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

ERROR_BODY = {"application/json": {"schema": {"type": "object", "required": ["detail"]}}}
# The error answers every endpoint shares: 400 from ninja for a body that is not JSON, 401 from
# the token check, 403/404/409/422 from the
# handlers that openspine.core.api installs on the whole API.
SHARED_ERRORS = {
    "400": "Body is not valid JSON",
    "401": "Missing, unknown or revoked token",
    "403": "Not allowed for your role",
    "404": "Not found, or not in your department",
    "409": "Stale version",
    "422": "Invalid input",
}


def _schema_with_shared_errors() -> dict:
    document = api.get_openapi_schema()
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, description in SHARED_ERRORS.items():
                operation["responses"].setdefault(status, {"description": description, "content": ERROR_BODY})
    return document


schema = schemathesis.openapi.from_dict(_schema_with_shared_errors())
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
