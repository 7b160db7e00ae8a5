"""Date arithmetic the indicator queries need, native on SQLite and PostgreSQL alike."""

from django.db.models import DateField, Func
from django.db.models.functions import TruncDate


class AddDays(Func):
    """``date + days`` in the database's own date arithmetic.

    Django's generic ``date + timedelta`` runs through a Python function on SQLite, once per row
    and correlated subquery: about a million calls for a year of operations. SQLite's ``date(d,
    '+30 days')`` and PostgreSQL's ``date + integer`` are native and give the same dates.
    """

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra):
        sql, sql_params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s::integer)", [*sql_params, self.days]

    def as_sqlite(self, compiler, connection, **extra):
        sql, sql_params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*sql_params, f"{self.days:+d} days"]


class LocalDate(TruncDate):
    """The hospital-local date of a date-time, natively on SQLite too.

    Django casts through a Python function on SQLite (tens of thousands of calls per page);
    SQLite's ``date(x, 'localtime')`` does the same natively, because Django sets the process time
    zone (``TZ``) to ``TIME_ZONE``. Other databases keep Django's own cast.
    """

    def as_sqlite(self, compiler, connection, **extra):
        sql, sql_params = compiler.compile(self.lhs)
        return f"date({sql}, 'localtime')", sql_params
