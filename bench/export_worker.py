"""One measured research export, run inside Django by ``bench_export.py`` (issue 12).

Usage (with ``DATABASE_URL`` and the tree on ``PYTHONPATH``, as ``bench_export.py`` sets them)::

    export_worker.py cohort ROWS      # print {"performed_from": ..., "rows": ...}: a cohort of about ROWS
    export_worker.py export FROM      # stream the long CSV of the cohort from FROM; print rows, s, peak RSS
    export_worker.py copy FROM        # COPY the same query's rows TO STDOUT; print rows, s, peak RSS

Each mode runs in its own process, so ``ru_maxrss`` is the peak of that export alone. The export is
the product's own path (:func:`openspine.research.export.bundle.write_long_csv`: the de-identified
long table with its canary scan and hash) written to a file; COPY reads the same rows of the same
query (``follow_ups_of(...).values_list(*rows._FIELDS)``) in CSV to a file, as fast as PostgreSQL
can hand them over. Output is JSON on the last line.
"""

import json
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openspine.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from openspine.research import services  # noqa: E402
from openspine.research.export import bundle, rows  # noqa: E402
from openspine.research.models import CohortVersion, ResearchProject  # noqa: E402
from openspine.surgery.models import Operation  # noqa: E402

SHORT_CODE = "BENCH-EXPORT"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def project():
    """The benchmark's own research project with an approval in force (made once per database)."""
    researcher = get_user_model().objects.get(username="researcher")
    found = ResearchProject.objects.filter(short_code=SHORT_CODE).first()
    if found is None:
        found = services.create_project(
            actor=researcher,
            short_code=SHORT_CODE,
            title="Export benchmark",
            principal_investigator=researcher,
            start_on=date.today() - timedelta(days=30),
        )
        today = date.today()
        services.add_approval(
            found, actor=researcher, committee="Bench ethics committee", number="BENCH-1",
            approved_on=today - timedelta(days=30), expires_on=today + timedelta(days=365),
        )  # fmt: skip
    return researcher, found


def version_from(performed_from: str) -> CohortVersion:
    researcher, found = project()
    criteria = {"performed_from": performed_from}
    for version in CohortVersion.objects.filter(cohort__project=found):
        if version.criteria.get("performed_from") == performed_from:
            return version
    return services.save_cohort(found, criteria, actor=researcher, name=f"from {performed_from}")


def row_count(performed_from: str) -> int:
    _operations, follow_ups = bundle.cohort_plan(version_from(performed_from))
    return follow_ups.values_list(*rows._FIELDS).count()


def cohort(target: int) -> dict:
    """Find the latest first operation day whose cohort holds at least ``target`` long rows."""
    days = sorted(set(Operation.objects.values_list("performed_on", flat=True).order_by()))
    low, high = 0, len(days) - 1  # days[low:] always holds >= target rows once checked
    while low < high:
        middle = (low + high + 1) // 2
        if row_count(days[middle].isoformat()) >= target:
            low = middle
        else:
            high = middle - 1
    start = days[low].isoformat()
    return {"performed_from": start, "rows": row_count(start)}


def export(performed_from: str) -> dict:
    version = version_from(performed_from)
    bundle.cohort_plan(version)  # pseudonyms made before the clock starts, as a second run finds them
    before = peak_mb()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
        started = time.perf_counter()
        result = bundle.write_long_csv(version, out, mode="deidentified")
        seconds = time.perf_counter() - started
        size = out.tell()
    return {
        "rows": result.rows, "seconds": seconds, "bytes": size, "rss_before_mb": before, "peak_mb": peak_mb()
    }


def copy(performed_from: str) -> dict:
    from psycopg import ClientCursor

    _operations, follow_ups = bundle.cohort_plan(version_from(performed_from))
    sql, params = follow_ups.values_list(*rows._FIELDS).query.sql_with_params()
    connection.ensure_connection()
    literal = ClientCursor(connection.connection).mogrify(sql, params)
    before = peak_mb()
    count = 0
    with tempfile.TemporaryFile("wb") as out, connection.connection.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy(f"COPY ({literal}) TO STDOUT WITH (FORMAT csv)") as stream:
            for chunk in stream:
                out.write(chunk)
                count += bytes(chunk).count(b"\n")
        seconds = time.perf_counter() - started
        size = out.tell()
    return {"rows": count, "seconds": seconds, "bytes": size, "rss_before_mb": before, "peak_mb": peak_mb()}


if __name__ == "__main__":
    mode, argument = sys.argv[1], sys.argv[2]
    if connection.vendor != "postgresql":
        raise SystemExit("the export benchmark runs on PostgreSQL (DATABASE_URL)")
    result = {"cohort": lambda: cohort(int(argument)), "export": lambda: export(argument),
              "copy": lambda: copy(argument)}[mode]()  # fmt: skip
    print(json.dumps(result))
