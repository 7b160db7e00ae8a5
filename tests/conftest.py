"""Personas and builders shared by every test (healthchecks' fixed cast, STYLE.md section 11).

The cast: ``surgeon`` (attending), ``resident``, ``coordinator``, ``director``, ``researcher``,
``teacher``, ``auditor``, ``admin`` (system administrator), ``secadmin``; all in the spine
department. ``outsider`` is an attending surgeon of another department: he may not know that the
spine department's patients exist.
"""

import pytest
from django.core.cache import caches

from tests import builders

PASSWORD = builders.PASSWORD


@pytest.fixture(autouse=True)
def _throttles_start_empty(request, django_db_blocker):
    """Clear the shared cache after a test that committed its writes: its table outlives ``flush``."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if committed or {"transactional_db", "live_server"} & set(request.fixturenames):
        with django_db_blocker.unblock():
            caches["default"].clear()


@pytest.fixture
def department(db):
    return builders.make_department()


@pytest.fixture
def other_department(db):
    return builders.make_department(code="trauma", name="Orthopaedic Trauma")


def _persona(role, username=None):
    @pytest.fixture
    def fixture(department):
        return builders.make_user(role=role, username=username or role, department=department)

    return fixture


surgeon = _persona("surgeon")
resident = _persona("resident")
coordinator = _persona("coordinator")
director = _persona("director")
researcher = _persona("researcher")
teacher = _persona("teacher")
auditor = _persona("auditor")
admin = _persona("sysadmin", "admin")
secadmin = _persona("secadmin")
anaesthetist = _persona("anaesthetist")


@pytest.fixture
def outsider(other_department):
    return builders.make_user(role="surgeon", username="outsider", department=other_department)


@pytest.fixture
def patient(surgeon):
    return builders.make_patient(actor=surgeon)


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as a persona."""

    def login(user):
        client.force_login(user)
        return client

    return login
