"""kill -9 of the import worker mid-batch leaves the whole batch or nothing (security.md T-74).

Runs the real settings against a temporary SQLite file: a setup process previews a synthetic batch
and queues its commit, a real ``db_worker`` process picks it up, and the test SIGKILLs the worker
once the check pass is over (the write transaction is open), after a random short delay. The
invariants are then read straight from the database file: either every accepted row and the
ledger are there and the batch is committed, or no patient of the batch and no ledger row is.
Running the commit again reaches the full batch, and a second preview of the same file finds every
row unchanged.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 120

SETUP = """
import sys
import django
django.setup()
from openspine.accounts.models import Department, User
from openspine.interop import services
from django.db import transaction
from tests.interop.workbooks import front_page_row, workbook
department = Department.objects.create(code="spine", name="Spine")
user = User.objects.create(username="records", role="coordinator", department=department)
content = workbook([front_page_row(n) for n in range(1, int(sys.argv[1]) + 1)])
open(sys.argv[2], "wb").write(content)
batch = services.preview_batch(content, "k.xlsx", hospital="main", actor=user)
services.queue_commit(batch, actor=user)
print(batch.pk)
"""

RERUN = """
import sys
import django
django.setup()
from openspine.accounts.models import User
from openspine.interop import services
from openspine.interop.models import ImportBatch
user = User.objects.get(username="records")
batch = ImportBatch.objects.get(pk=int(sys.argv[1]))
if batch.status != "committed":
    services.commit_batch(batch, actor=user)
again = services.preview_batch(open(sys.argv[2], "rb").read(), "k.xlsx", hospital="main", actor=user)
print("unchanged", again.counts["unchanged"], "new", again.counts["new"], "changed", again.counts["changed"])
"""


def _run(env, *args, timeout=300):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _state(db: Path, batch_id: int) -> tuple:
    with sqlite3.connect(db, timeout=30) as conn:
        status, done, total = conn.execute(
            "SELECT status, progress_done, progress_total FROM interop_importbatch WHERE id = ?", [batch_id]
        ).fetchone()
        patients = conn.execute("SELECT COUNT(*) FROM patients_patient").fetchone()[0]
        ledger = conn.execute("SELECT COUNT(*) FROM interop_importledger").fetchone()[0]
        admissions = conn.execute("SELECT COUNT(*) FROM patients_admission").fetchone()[0]
    return status, done, total, patients, ledger, admissions


@pytest.mark.req("T-74")
def test_kill_9_of_the_worker_mid_batch_leaves_all_or_nothing(tmp_path):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="openspine.settings", OPENSPINE_VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT)
    )
    db = tmp_path / "openspine.sqlite3"
    workbook_path = tmp_path / "k.xlsx"
    _run(env, sys.executable, "manage.py", "migrate", "--noinput", "-v0")
    batch_id = int(
        _run(env, sys.executable, "-c", SETUP, str(ROWS), str(workbook_path)).strip().splitlines()[-1]
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "imports", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            status, done, total, *_ = _state(db, batch_id)
            if status == "committed" or (status == "running" and done and done >= total):
                break
            time.sleep(0.05)
        time.sleep(random.uniform(0, 0.3))  # noqa: S311 (a random point inside the write)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    status, _done, _total, patients, ledger, admissions = _state(db, batch_id)
    if status == "committed":
        assert (patients, ledger, admissions) == (ROWS, ROWS, ROWS)
    else:
        assert (patients, ledger, admissions) == (0, 0, 0)
    out = _run(env, sys.executable, "-c", RERUN, str(batch_id), str(workbook_path))
    assert f"unchanged {ROWS} new 0 changed 0" in out
    assert _state(db, batch_id)[3:] == (ROWS, ROWS, ROWS)
