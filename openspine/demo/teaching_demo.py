"""Demo teaching data: the demo's residents enrolled, their recent operations turned into case logs.

Deterministic and idempotent: enrolments are created once, derivation is keyed by (operation,
trainee), and only still-pending entries older than two weeks are confirmed. Entries are derived
through the real service (``derive_case_log_entries``), as a sign-off would. The requirement set is
the labelled ACGME example only: the 规培 minimums are entered by the department (teaching.md 1.5).
"""

import json
import zlib
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from openspine.accounts.models import User
from openspine.surgery.models import Operation, OperationTeamMember
from openspine.teaching import services
from openspine.teaching.choices import EntryState, Zwisch
from openspine.teaching.models import CaseLogEntry, Trainee

EXAMPLE = Path(services.__file__).resolve().parent / "data" / "requirements_acgme_example.json"
RECENT_DAYS = 150
MAX_OPERATIONS = 120
CONFIRMED_AFTER_DAYS = 14
LEVELS = list(Zwisch.values)


def seed_teaching(today=None) -> dict:
    """Enrol the residents, derive their case logs from recent signed operations, confirm the older ones.

    Runs after the bulk seed (``seed_demo``), through the services, on at most a fixed number of
    operations, so it costs about a second whatever the size of the demo.
    """
    today = today or timezone.localdate()
    staff = _staff()
    with transaction.atomic():
        services.load_requirement_set(json.loads(EXAMPLE.read_text(encoding="utf-8")))
        _enrol(staff, today)
        operations = _recent_operations(staff, today)
        for operation in operations:
            _freeze_stages(operation)
            services.derive_case_log_entries(operation, actor=operation.primary_surgeon)
        confirmed = _confirm_older(today)
    return {"case_log_operations": len(operations), "case_log_confirmed": confirmed}


def _staff() -> SimpleNamespace:
    spine = User.objects.filter(department__code="spine", is_active=True).order_by("username")
    return SimpleNamespace(
        residents=list(spine.filter(role="resident")),
        attendings=list(spine.filter(role__in=("surgeon", "director"))),
    )


def _key(entry) -> int:
    # Deterministic whichever seeding path wrote the rows (row ids differ between them).
    return zlib.crc32(f"{entry.operation.patient.mrn}:{entry.trainee.username}".encode())


def _enrol(staff, today) -> None:
    for n, user in enumerate(staff.residents):
        Trainee.objects.get_or_create(
            user=user,
            defaults={
                "programme": "guipei",
                # Years 1 to 3 of the three-year 规培 programme, as of the demo's start.
                "started_on": today - timedelta(days=365 * (n % 3) + RECENT_DAYS + 30),
                "supervisor": staff.attendings[n % len(staff.attendings)],
            },
        )


def _recent_operations(staff, today) -> list:
    signed = Operation.objects.filter(
        status="signed", performed_on__gte=today - timedelta(days=RECENT_DAYS), team__user__in=staff.residents
    )
    ids = list(
        # Ordered by what both seeding paths share (not by id), so bulk and service seeds pick the same.
        signed.order_by("-performed_on", "patient__mrn", "id")
        .values_list("id", flat=True)
        .distinct()[:MAX_OPERATIONS]
    )
    return list(Operation.objects.filter(id__in=ids).select_related("primary_surgeon", "diagnosis"))


def _freeze_stages(operation) -> None:
    # The bulk seeder writes team rows directly; give the residents the stage a recorded team has.
    members = list(
        OperationTeamMember.objects.filter(operation=operation, trainee_stage="").select_related("user")
    )
    for member in members:
        member.trainee_stage = services.trainee_stage_on(member.user, operation.performed_on)
    OperationTeamMember.objects.bulk_update(members, ["trainee_stage"])


def _confirm_older(today) -> int:
    older = CaseLogEntry.objects.filter(
        state=EntryState.PENDING, performed_on__lt=today - timedelta(days=CONFIRMED_AFTER_DAYS)
    ).select_related("attending", "trainee", "operation", "operation__patient")
    count = 0
    for entry in older.order_by("performed_on", "id"):
        key = _key(entry)
        if key % 3:
            services.rate_own_entry(entry, actor=entry.trainee, zwisch=LEVELS[(key // 3) % len(LEVELS)])
        services.confirm_case_log_entry(entry, actor=entry.attending, zwisch=LEVELS[key % len(LEVELS)])
        count += 1
    return count
