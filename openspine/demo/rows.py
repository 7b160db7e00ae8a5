"""Insert many model instances with one statement per table: COPY on PostgreSQL, executemany on SQLite.

Django's ``bulk_create`` compiles a multi-row INSERT through the ORM for every batch, which costs
more than the database's own work on a seed of hundreds of thousands of rows, and SQLite's limit
on query parameters splits it into many statements. Here every value is prepared by the model
field itself (``pre_save`` for automatic and derived columns, then ``get_db_prep_save``: so
identifiers are encrypted and blind-indexed exactly as on a normal save), except plain values
that need no preparation. Row ids are allocated first (from the PostgreSQL sequence, or after
the highest SQLite id while this transaction holds the write lock), so children can point at
their parents without reading anything back. Row-level triggers, the row capture included, fire
for every row of a COPY as for an INSERT. Nothing is validated here: callers validate first.
"""

import datetime

from django.db import connection, connections
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
    TextField,
    UUIDField,
)
from django.utils import timezone

from openspine.core.fields import DerivedField, EncryptedTextField

# Field classes whose values go to the database as they are (a str or int subclass becomes plain).
_PLAIN_TEXT = (CharField, TextField)
_PLAIN_NUMBER = (
    AutoField,
    BigAutoField,
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    PositiveBigIntegerField,
    BooleanField,
)


def _sqlite_datetime(value: datetime.datetime) -> str:
    # As Django's SQLite backend stores an aware datetime: naive UTC text.
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return str(value)


# Types prepared here, as the backends prepare them (DateTimeField before DateField: a subclass).
_TYPED = (("datetime", DateTimeField), ("date", DateField), ("uuid", UUIDField))
_SQLITE = {"datetime": _sqlite_datetime, "date": str, "uuid": lambda value: value.hex}


def insert(objs, *, model=None) -> int:
    """Insert the unsaved instances ``objs`` of one model; set their ids; return how many."""
    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    _allocate_ids(model, [obj for obj in objs if obj.pk is None])
    fields = list(model._meta.concrete_fields)
    # The connection itself, not the thread-local proxy: it is asked once per value.
    real = connections[connection.alias]
    now = timezone.now()  # one "created at" for the batch, as one statement writes it
    prepare = [_preparer(field, real, now) for field in fields]
    rows = []
    for obj in objs:
        rows.append([value(obj) for value in prepare])
        obj._state.adding, obj._state.db = False, connection.alias
    _write(model._meta.db_table, [field.column for field in fields], rows)
    return len(rows)


def _preparer(field: Field, real, now):
    """Return a function of an instance giving ``field``'s value as the database takes it."""
    attname = field.attname
    kind = next((name for name, cls in _TYPED if isinstance(field, cls)), None)
    typed = _SQLITE[kind] if kind and real.vendor == "sqlite" else (lambda value: value)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = typed(now)

        def automatic_time(obj):
            setattr(obj, attname, now)
            return stamp

        return automatic_time
    if isinstance(field, ForeignKey) and isinstance(field.target_field, _PLAIN_NUMBER):
        return _foreign_key(field)
    if isinstance(field, _PLAIN_TEXT) and not isinstance(field, (EncryptedTextField, DerivedField)):
        # Choices are str subclasses: the drivers get plain str.
        return lambda obj: _text(getattr(obj, attname))
    if isinstance(field, BooleanField):
        return lambda obj: None if (value := getattr(obj, attname)) is None else bool(value)
    if isinstance(field, _PLAIN_NUMBER):
        return lambda obj: None if (value := getattr(obj, attname)) is None else int(value)
    if kind is not None and type(field).pre_save in (
        Field.pre_save,
        DateField.pre_save,
        DateTimeField.pre_save,
    ):
        # psycopg adapts dates, times and UUIDs itself, as Django lets it; SQLite takes text.
        return lambda obj: None if (value := getattr(obj, attname)) is None else typed(value)
    # Encrypted, derived, JSON and any other field: the field's own preparation, as on save.
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), real)


def _text(value):
    return value if value is None or type(value) is str else str(value)


def _foreign_key(field):
    attname = field.attname

    def foreign_key(obj):
        value = getattr(obj, attname)
        if value is not None:
            return value
        # Point the foreign key at its saved parent (the parent got its id just before).
        parent = field.get_cached_value(obj) if field.is_cached(obj) else None
        if parent is None:
            return None
        if parent.pk is None:
            raise ValueError(f"{field.model.__name__}.{field.name}: the parent row is not written yet")
        setattr(obj, attname, parent.pk)
        return parent.pk

    return foreign_key


def _allocate_ids(model, objs) -> None:
    if not objs:
        return
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT coalesce(max({connection.ops.quote_name(column)}), 0) FROM {quoted}")  # noqa: S608  # nosec B608
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            ids = range(start, start + len(objs))
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk


def _write(table: str, columns: list[str], rows: list) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608  # nosec B608
