"""Personas and builders shared by every test (healthchecks' fixed cast, STYLE.md section 11).

The cast: ``surgeon`` (attending), ``resident``, ``coordinator``, ``director``, ``researcher``,
``teacher``, ``auditor``, ``admin`` (system administrator), ``secadmin``; all in the spine
department. ``outsider`` is an attending surgeon of another department: he may not know that the
spine department's patients exist.
"""

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import TransactionTestCase

from openspine.audit import triggers
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


@pytest.fixture(autouse=True)
def audit_anchor_dir(tmp_path, settings):
    """Give every test its own audit anchor directory.

    Anchored chain heads live outside the database, so they would outlive a test's rolled-back or
    flushed database and make the next test's trail look truncated.
    """
    settings.AUDIT_ANCHOR_DIR = str(tmp_path / "audit-anchor")
    # Files the app writes at run time (films, the e-mail outbox, exports, demo samples) go to the
    # test's own folder too, not into the checkout's var/.
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path / "audit-anchor"


@pytest.fixture(autouse=True, scope="session")
def _flush_audit_tables_between_transactional_tests():
    """Let the test runner, and only it, empty the audit tables on PostgreSQL.

    The no-truncate trigger refuses TRUNCATE for everyone, superusers included, and Django's flush at
    the end of each transactional test truncates every table. Around that flush the harness switches
    the trigger off, as a table owner could (``ALTER TABLE ... DISABLE TRIGGER``: the reason the chain
    is anchored outside the database). The flush's post_migrate signal reinstalls the triggers.
    """
    flush = TransactionTestCase._fixture_teardown

    def fixture_teardown(self):
        names = self._databases_names(include_mirrors=False)
        aliases = [alias for alias in names if connections[alias].vendor == "postgresql"]
        for alias in aliases:
            _set_no_truncate(alias, enabled=False)
        try:
            flush(self)
        finally:
            for alias in aliases:
                _set_no_truncate(alias, enabled=True)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
        yield


def _set_no_truncate(alias: str, *, enabled: bool) -> None:
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in triggers.APPEND_ONLY_TABLES:
            if table in existing:
                action = "ENABLE" if enabled else "DISABLE"
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {table}_no_truncate")


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
