"""SQLite: concurrent submits wait for each other instead of failing with "database is locked".

A service reads (validation, the current version) before it writes, inside one transaction. In
SQLite's default DEFERRED mode two such transactions both take a read lock, and the second to write
fails at once: SQLite cannot let it wait without a deadlock, so the busy timeout does not help.
``transaction_mode=IMMEDIATE`` takes the write lock at BEGIN, so the second simply waits.

The test database is in memory and shared by one connection, so this runs the real settings in a
subprocess against a temporary file database, with one connection per thread.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 6

SCRIPT = """
import sys, threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE submit (id INTEGER PRIMARY KEY, n INTEGER)")
WORKERS = int(sys.argv[1])
barrier = threading.Barrier(WORKERS)
errors = []

def submit(n):
    try:
        barrier.wait()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM submit")  # read first, as every service does
                time.sleep(0.05)
                cursor.execute("INSERT INTO submit (n) VALUES (%s)", [n])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=submit, args=(n,)) for n in range(WORKERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM submit")
    print("rows", cursor.fetchone()[0])
print("errors", len(errors))
for error in errors:
    print(error)
"""


@pytest.mark.req("T-75")
def test_concurrent_submits_on_a_sqlite_file_all_commit(tmp_path):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the settings' own SQLite default, under a temporary var dir
    env.update(DJANGO_SETTINGS_MODULE="openspine.settings", OPENSPINE_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(WORKERS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "database is locked" not in result.stdout
    assert f"rows {WORKERS}" in result.stdout and "errors 0" in result.stdout, result.stdout
