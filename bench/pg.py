"""PostgreSQL and Django-in-a-source-tree helpers shared by the benchmarks that serve the app.

``BENCH_PG`` (default ``postgres://postgres@127.0.0.1:5432``) names the server; every database the
benchmarks create is named by them (``h_bench_...``), so the f-string SQL below only ever sees our
own names.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def log(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- PostgreSQL ---------------------------------------------------------------------------------


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(  # noqa: S603
        ["psql", f"{PG}/{database}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def database_exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608 (our names)


def drop_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(database: str) -> dict:
    tables = {
        "operations": "surgery_operation",
        "patients": "patients_patient",
        "follow-ups": "proms_followup",
        "audit events": "audit_auditevent",
    }
    counts = {}
    for label, table in tables.items():
        counts[label] = int(psql(f"SELECT count(*) FROM {table}", database))  # noqa: S608 (names above)
    return counts


# --- Django commands in a chosen source tree ----------------------------------------------------


def django_env(tree: Path, database: str, var_dir: Path) -> dict:
    """Return the environment that runs ``tree``'s code against ``database`` with DEBUG off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENSPINE_", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        PYTHONPATH=str(tree),
        DJANGO_SETTINGS_MODULE="openspine.settings",
        OPENSPINE_DEBUG="false",
        OPENSPINE_DB_CONN_MAX_AGE="60",
        OPENSPINE_VAR_DIR=str(var_dir),
        OPENSPINE_AUDIT_ANCHOR_DIR=str(var_dir / "audit-anchor"),
        OPENSPINE_ALLOWED_HOSTS="127.0.0.1,localhost",
        OPENSPINE_LOG_LEVEL="ERROR",
        PYTHONWARNINGS="ignore::RuntimeWarning",
    )
    return env


def run_django(tree: Path, env: dict, *args: str, capture: bool = False) -> str:
    """Run ``manage.py ARGS`` (or a script path given as first arg) from ``tree``; raise on failure."""
    command = [sys.executable, *args] if args[0].endswith(".py") else [sys.executable, "manage.py", *args]
    result = subprocess.run(  # noqa: S603
        command, cwd=tree, env=env, capture_output=capture, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or "")[-2000:] if capture else ""
        raise RuntimeError(f"{' '.join(args[:2])} failed in {tree}: {detail}")
    return result.stdout if capture else ""


def commit_of(tree: Path) -> str:
    result = subprocess.run(  # noqa: S603
        ["git", "-C", str(tree), "log", "-1", "--format=%h %s"],  # noqa: S607
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    dirty = subprocess.run(  # noqa: S603
        # The benchmarks file the run itself writes does not count as a change to the code.
        ["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no", "--", ".",  # noqa: S607
         ":!docs/benchmarks.md"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return result.stdout.strip()[:70] + (" (and uncommitted changes)" if dirty else "")
