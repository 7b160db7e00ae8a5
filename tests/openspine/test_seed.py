"""The demo seeder: the service path (``--through-services``) and the default bulk path both run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from openspine.accounts.models import User
from openspine.audit.models import AuditEvent
from openspine.demo import seed
from openspine.patients.models import Patient
from openspine.surgery.models import Operation

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("seed_demo", "--years", "1", "--operations-per-year", "25", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("path", [["--through-services"], []], ids=["services", "bulk"])
def test_seed_creates_staff_patients_and_signed_operations(path):
    output = _run(*path)
    assert "password for all" in output
    for username in ("director", "surgeon", "resident", "coordinator", "researcher", "auditor", "admin"):
        assert User.objects.filter(username=username).exists()
    operations = Operation.objects.count()
    assert operations >= 25
    assert Operation.objects.filter(status="signed").count() >= operations // 2
    # Either way, every operation has its creation audited.
    assert AuditEvent.objects.filter(action="surgery.operation.created").count() == operations


@pytest.mark.parametrize("path", [["--through-services"], []], ids=["services", "bulk"])
def test_seed_is_idempotent(path):
    _run(*path)
    counts = (Patient.objects.count(), Operation.objects.count(), AuditEvent.objects.count())
    output = _run(*path)
    assert "already present" in output
    assert (Patient.objects.count(), Operation.objects.count(), AuditEvent.objects.count()) == counts


def _digest(seed_value):
    with transaction.atomic():
        seed.seed(seed=seed_value, years=1, per_year=8)
        rows = list(
            Operation.objects.order_by("patient__mrn").values_list(
                "patient__mrn", "performed_on", "level_from"
            )
        )
        names = sorted(Patient.objects.values_list("birth_date", "sex"))
        transaction.set_rollback(True)
    return rows, names


def test_seed_is_deterministic_for_a_seed():
    assert _digest(11) == _digest(11)
    assert _digest(11) != _digest(12)


def test_seed_leaves_fresh_planner_statistics():
    """Tables that grew from nothing are ANALYZEd, or the planner takes them for empty."""
    from django.db import connection

    _run()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'surgery_operation'")
            assert cursor.fetchone()[0] >= 25
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'surgery_operation'")
            assert cursor.fetchone()[0] >= 1
