"""Database constraints as a backstop (T-77): raw SQL that breaks the rules fails at the database.

The rules are model CheckConstraints and NOT NULL columns, so they hold on SQLite and PostgreSQL alike
and no bulk or raw path can slip past form validation.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from openspine.core import levels
from openspine.patients.models import Admission
from openspine.surgery.models import Implant, Operation, OperationProcedure
from tests import builders

pytestmark = pytest.mark.req("T-77")

OPERATION = Operation._meta.db_table
ADMISSION = Admission._meta.db_table


@pytest.fixture
def operation(patient, surgeon):
    return builders.make_operation(patient, actor=surgeon)


def _refused(sql: str, params: list, expected: str) -> None:
    """Run ``sql`` and assert the database refuses it, naming ``expected`` (constraint or column)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert expected in str(error.value)


def _update_operation(operation, assignment: str, params: list, expected: str) -> None:
    sql = f"UPDATE {OPERATION} SET {assignment} WHERE id = %s"  # noqa: S608 (fixed column names)
    _refused(sql, [*params, operation.pk], expected)
    fresh = Operation.objects.get(pk=operation.pk)
    assert (fresh.level_from, fresh.level_to, fresh.asa_grade) == (
        operation.level_from,
        operation.level_to,
        operation.asa_grade,
    )


def test_operation_levels_out_of_order_fail(operation):
    _update_operation(
        operation,
        "level_from = %s, level_to = %s",
        [levels.parse("L5"), levels.parse("L4")],
        "operation_levels_ordered",
    )


@pytest.mark.parametrize(("column", "other"), [("level_from", "level_to"), ("level_to", "level_from")])
def test_unknown_vertebral_level_fails(operation, column, other):
    # The other end is left empty so that only the range check can refuse the row.
    _update_operation(
        operation, f"{other} = NULL, {column} = %s", [levels.MAX_INDEX + 1], f"operation_{column}_valid"
    )


@pytest.mark.parametrize("grade", [0, 7])
def test_asa_out_of_range_fails(operation, grade):
    _update_operation(operation, "asa_grade = %s", [grade], "operation_asa_valid")


def test_operation_ending_before_it_starts_fails(operation):
    _update_operation(operation, "ended_at = started_at", [], "operation_ends_after_start")


def test_discharge_before_admission_fails(patient, surgeon):
    admission = builders.make_admission(patient, actor=surgeon)
    discharged_on = admission.discharged_on
    _refused(
        f"UPDATE {ADMISSION} SET discharged_on = %s WHERE id = %s",  # noqa: S608
        [admission.admitted_on.replace(year=admission.admitted_on.year - 1), admission.pk],
        "admission_discharge_after_admission",
    )
    admission.refresh_from_db()
    assert admission.discharged_on == discharged_on


def test_implant_count_below_one_fails(operation):
    _refused(
        f"INSERT INTO {Implant._meta.db_table} (operation_id, kind, count, manufacturer, lot_number) "  # noqa: S608
        "VALUES (%s, %s, %s, '', '')",
        [operation.pk, "cage", 0],
        "implant_count_positive",
    )
    assert operation.implants.count() == 2


@pytest.mark.parametrize(
    ("table", "column"),
    [(OPERATION, "performed_on"), (OPERATION, "primary_surgeon_id"), (ADMISSION, "admitted_on")],
)
def test_missing_required_value_fails(operation, table, column):
    row = operation.pk if table == OPERATION else operation.admission_id
    _refused(f"UPDATE {table} SET {column} = NULL WHERE id = %s", [row], column)  # noqa: S608


def test_raw_insert_without_required_value_fails(operation):
    _refused(
        f"INSERT INTO {OperationProcedure._meta.db_table} (operation_id, code) VALUES (%s, NULL)",  # noqa: S608
        [operation.pk],
        "code",
    )
    assert operation.procedures.count() == 2
