"""Scale benchmark (issue 9): staff pages and API lists against /health/, gunicorn, PostgreSQL.

Usage (``make bench`` runs it after the micro benchmarks; ``bench/run.py --help`` lists the options)::

    bench/run.py --scale-only --operations 30000 --label After
    bench/run.py --scale-only --operations 30000 --label Before --serve-tree /work/wt/before
    bench/run.py --scale-only --operations 30000 --label After --also Before=/work/wt/before

What it does:

1. A base database ``h_bench_ops<N>`` on the PostgreSQL server of ``BENCH_PG`` (default
   ``postgres://postgres@127.0.0.1:5432``): created, migrated and seeded once with
   ``manage.py seed_demo --operations N`` of this tree, then kept, so every label measures the same
   data. ``scale_fixture.py`` then picks the targets (the patient with the most operations, their
   newest operation) and opens one questionnaire link. ``--reseed`` starts it again.
2. Each run works on a copy (``CREATE DATABASE ... TEMPLATE``) with a copy of the audit anchors.
   When ``--serve-tree`` has fewer migrations than this tree, the copy is migrated back to that
   tree's newest ones first, so old code runs on its own schema (indexes added later are removed).
3. gunicorn, 2 sync workers, serves the tree with ``OPENSPINE_DEBUG=false`` and persistent database
   connections (``OPENSPINE_DB_CONN_MAX_AGE=60``). It is the development profile otherwise: no TLS
   and no MFA, because the benchmark logs in over plain HTTP with the demo personas' password.
4. One client, one request at a time. Before every measured request it times a ``/health/`` request,
   so each target has its own interleaved /health/ p95 and the ratio stays fair on a loaded machine.
   Each target gets ``--samples`` requests (fewer, but at least ``MIN_SAMPLES``, when one target would
   take longer than ``--budget`` seconds), after two unmeasured warm-up requests. With ``--also``
   several trees are served at once (each on its own copy) and measured target by target in turn,
   so a Before and an After see the same load on a shared machine.
5. Audited writes: ``audit_writer.py`` processes (1, 2, 8) write ``patients.patient.viewed`` events
   for ``--write-seconds``; the questionnaire answer POST is timed alone and while
   ``LOAD_WRITERS`` writers run.

Only addresses on this machine are contacted; every loop is bounded in count and time.
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This directory, whether run as a script or imported by run.py.
import report  # noqa: E402
from http_client import Client, Portal, Server, api_client, login  # noqa: E402
from pg import (  # noqa: E402
    ROOT,
    VAR,
    commit_of,
    database_exists,
    django_env,
    drop_database,
    log,
    psql,
    row_counts,
    run_django,
)

MIN_SAMPLES = 10
SLOW_SAMPLES = 3
WARM_UP = 2
WRITER_COUNTS = (1, 2, 8)
LOAD_WRITERS = 4


def seed_arguments(tree: Path, env: dict, operations: int) -> list[str]:
    """Return seed_demo's arguments for ``operations`` index operations in this tree's seeder.

    The bulk seeder takes ``--operations N``; the older one only years and operations per year, so
    there N patients over three years stand in (it adds a few revisions on top).
    """
    help_text = run_django(tree, env, "seed_demo", "--help", capture=True)
    if re.search(r"--operations[ =]", help_text):
        return ["seed_demo", "--operations", str(operations)]
    return ["seed_demo", "--years", "3", "--operations-per-year", str(max(1, operations // 3))]


def ensure_base(operations: int, reseed: bool) -> tuple[str, dict]:
    """Return the seeded base database for ``operations`` and its fixture, creating them if needed."""
    base = f"h_bench_ops{operations}"
    var_dir = VAR / base
    fixture_file = var_dir / "fixture.json"
    if reseed or not (database_exists(base) and fixture_file.exists()):
        drop_database(base)
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        psql(f'CREATE DATABASE "{base}"')
        env = django_env(ROOT, base, var_dir)
        log(f"migrating {base}")
        run_django(ROOT, env, "migrate", "--noinput", "-v0")
        arguments = seed_arguments(ROOT, env, operations)
        log(f"seeding {base}: manage.py {' '.join(arguments)}")
        started = time.monotonic()
        run_django(ROOT, env, *arguments)
        (var_dir / "seed.json").write_text(
            json.dumps(
                {
                    "command": " ".join(arguments),
                    "seconds": round(time.monotonic() - started),
                    "commit": commit_of(ROOT),
                }
            )
        )
        psql("VACUUM ANALYZE", base)
        fixture = run_django(ROOT, env, str(ROOT / "bench" / "scale_fixture.py"), capture=True)
        fixture_file.write_text(fixture.strip().splitlines()[-1])
    return base, json.loads(fixture_file.read_text())


def migrations_of(tree: Path) -> dict[str, set[str]]:
    found = {}
    for directory in (tree / "openspine").glob("*/migrations"):
        names = {p.stem for p in directory.glob("[0-9]*.py")}
        if names:
            found[directory.parent.name] = names
    return found


def align_schema(database: str, tree: Path, var_dir: Path) -> list[str]:
    """Migrate ``database`` back to ``tree``'s newest migrations where this tree has newer ones."""
    env = django_env(ROOT, database, var_dir)
    run_django(ROOT, env, "migrate", "--noinput", "-v0")
    mine, theirs = migrations_of(ROOT), migrations_of(tree)
    reverted = []
    for app, names in sorted(mine.items()):
        extra = names - theirs.get(app, set())
        if extra:
            target = max(theirs[app]) if theirs.get(app) else "zero"
            run_django(ROOT, env, "migrate", app, target, "--noinput", "-v0")
            reverted += sorted(f"{app}.{name}" for name in extra)
    run_django(tree, django_env(tree, database, var_dir), "migrate", "--noinput", "-v0")
    return reverted


# --- measuring ----------------------------------------------------------------------------------


def measure(
    name, send, health: Client, *, expect: int, samples: int, budget: float, label: str = ""
) -> report.Row | None:
    """Time ``send()`` ``samples`` times, each right after a /health/ request; count wrong statuses.

    Return None when the first answer is 404: the page is not in this tree (a newer page in a Before).
    """
    first = send()
    if first.status == 404 and expect != 404:
        log(f"{label}: {name}: 404, not in this tree; skipped")
        return None
    first = first.ms
    # A page slower than budget / MIN_SAMPLES gets only SLOW_SAMPLES: its p95 is then its slowest.
    slow = first > budget * 1000 / MIN_SAMPLES
    minimum = SLOW_SAMPLES if slow else MIN_SAMPLES
    for _ in range(0 if slow else WARM_UP - 1):
        send()
    times, health_times, errors = [], [], 0
    deadline = time.monotonic() + budget
    while len(times) < samples and (len(times) < minimum or time.monotonic() < deadline):
        health_times.append(health.get("/health/").ms)
        response = send()
        errors += response.status != expect
        times.append(response.ms)
    row = report.Row(name, tuple(times), tuple(health_times), errors, first)
    where = f"{label}: {name}" if label else name
    log(
        f"{where}: p95 {row.p95:.1f} ms, /health/ p95 {row.health_p95:.1f} ms, {row.ratio:.1f}x {row.verdict}"
    )
    return row


def start_writers(tree: Path, env: dict, count: int, seconds: float, stop_file: str = ""):
    start = time.time() + 3 + 0.5 * count  # every writer set up before the clock starts
    script = str(ROOT / "bench" / "audit_writer.py")
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, script, str(start), str(seconds), str(n), stop_file],
            cwd=tree,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(count)
    ]
    return start, processes


def collect_writers(processes) -> tuple[int, float]:
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise RuntimeError("an audit writer failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return sum(r["count"] for r in results), max(r["seconds"] for r in results)


def api_has_query(client: Client) -> bool:
    """Return True if the served API documents a ``q`` parameter on GET /api/surgery/operations."""
    schema = client.get("/api/openapi.json")
    if schema.status != 200:
        return False
    operation = json.loads(schema.body).get("paths", {}).get("/api/surgery/operations", {}).get("get", {})
    return any(p.get("name") == "q" for p in operation.get("parameters", []))


def targets(port: int, fixture: dict) -> list:
    """Return (name, send, expected status) for every staff page and API list."""
    coordinator, surgeon, director = (login(port, who) for who in ("coordinator", "surgeon", "director"))
    api = api_client(port, "surgeon")
    name, mrn = quote(fixture["patient_name"]), quote(fixture["patient_mrn"])
    later = "page_" + "=10&page_".join(("phone", "overdue", "today", "window")) + "=10"
    pages = [
        ("follow-up worklist", coordinator, "/followup/"),
        ("worklist ?surgeon=", coordinator, f"/followup/?surgeon={fixture['surgeon']}"),
        ("worklist page 10 of each section", coordinator, f"/followup/?{later}"),
        ("follow-up dashboard", coordinator, "/followup/dashboard/"),
        ("/patients/", surgeon, "/patients/"),
        ("patient search by name", surgeon, f"/patients/?q={name}"),
        ("patient search by MRN", surgeon, f"/patients/?q={mrn}"),
        ("patient detail", surgeon, f"/patients/{fixture['patient']}/"),
        ("operation detail", surgeon, f"/surgery/operations/{fixture['operation']}/"),
        ("quality page (director)", director, "/quality/"),
        ("GET /api/surgery/operations", api, "/api/surgery/operations"),
        ("GET /api/patients/?q=name", api, f"/api/patients/?q={name}"),
    ]
    if api_has_query(surgeon):
        pages.append(("GET /api/surgery/operations?q=name", api, f"/api/surgery/operations?q={name}"))
    return [(label, (lambda c=client, p=path: c.get(p)), 200) for label, client, path in pages]


class Deployment:
    """One labelled source tree, served on its own copy of the base database."""

    def __init__(self, label: str, tree: Path, base: str, index: int):
        self.label, self.tree = label, tree
        self.database = f"{base}_run{index}"
        self.var_dir = VAR / self.database
        self.env = django_env(tree, self.database, self.var_dir)
        self.rows: list = []
        self.reverted: list = []
        self.writes: dict = {}

    def create(self, base: str) -> None:
        drop_database(self.database)
        psql(f'CREATE DATABASE "{self.database}" TEMPLATE "{base}"')
        shutil.rmtree(self.var_dir, ignore_errors=True)
        shutil.copytree(VAR / base / "audit-anchor", self.var_dir / "audit-anchor")
        self.reverted = align_schema(self.database, self.tree, self.var_dir)

    def connect(self, port: int, fixture: dict) -> None:
        self.health, self.alone = Client(port), Client(port)
        self.targets = targets(port, fixture)
        self.portal = Portal(port, fixture)

    def portal_under_load(self, budget: dict, seconds: float) -> report.Row:
        with tempfile.TemporaryDirectory() as scratch:
            stop = str(Path(scratch) / "stop")
            start, processes = start_writers(self.tree, self.env, LOAD_WRITERS, seconds, stop)
            time.sleep(max(0.0, start - time.time()) + 1)
            name = f"questionnaire answer POST, {LOAD_WRITERS} audit writers running"
            row = measure(name, self.portal.post_answer, self.health, expect=302, **budget, label=self.label)
            Path(stop).touch()
            collect_writers(processes)
        return row


def run(deployments: list, fixture: dict, options) -> None:
    """Measure every target on every deployment in turn, target by target, so all see the same load."""
    budget = {"samples": options.samples, "budget": options.budget}
    with contextlib.ExitStack() as stack:
        for d in deployments:
            d.connect(stack.enter_context(Server(d.tree, d.database, d.var_dir)).port, fixture)
        for d in deployments:
            d.rows.append(
                measure(
                    "/health/",
                    lambda d=d: d.alone.get("/health/"),
                    d.health,
                    expect=200,
                    **budget,
                    label=d.label,
                )
            )
        for index in range(len(deployments[0].targets)):
            for d in deployments:
                name, send, expect = d.targets[index]
                row = measure(name, send, d.health, expect=expect, **budget, label=d.label)
                if row is not None:
                    d.rows.append(row)
        for d in deployments:
            row = measure(
                "questionnaire answer POST",
                d.portal.post_answer,
                d.health,
                expect=302,
                **budget,
                label=d.label,
            )
            d.rows.append(row)
        for d in deployments:
            d.rows.append(d.portal_under_load(budget, options.budget * 3))
        for count in WRITER_COUNTS:
            for d in deployments:
                _, processes = start_writers(d.tree, d.env, count, options.write_seconds)
                d.writes[count] = collect_writers(processes)
                done, seconds = d.writes[count]
                log(f"{d.label}: audited writes, {count} processes: {done / seconds:.0f}/s")


def deployments_of(options, base: str) -> list[Deployment]:
    """Return the labelled trees of this run: ``--label``/``--serve-tree`` first, then each ``--also``."""
    trees = [(options.label, Path(options.serve_tree).resolve() if options.serve_tree else ROOT)]
    for item in options.also:
        label, _, path = item.partition("=")
        if not label or not path or not (Path(path) / "manage.py").exists():
            raise SystemExit(f"--also {item!r}: give LABEL=PATH, PATH a source tree with manage.py")
        trees.append((label, Path(path).resolve()))
    return [Deployment(label, tree, base, index) for index, (label, tree) in enumerate(trees)]


def scale(options, machine: str) -> list[tuple[str, str]]:
    """Run the scale benchmark for ``options``; return a (label, Markdown block) per served tree."""
    load_before = os.getloadavg()
    base, fixture = ensure_base(options.operations, options.reseed)
    counts = row_counts(base)
    deployments = deployments_of(options, base)
    try:
        for d in deployments:
            d.create(base)
        run(deployments, fixture, options)
    finally:
        if not options.keep_db:
            for d in deployments:
                drop_database(d.database)
    seeded = json.loads((VAR / base / "seed.json").read_text())
    load_after = os.getloadavg()
    labels = [d.label for d in deployments]
    shared = {
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Machine": machine,
        "Command": f"`{options.command}`",
    }
    common = {
        "Data": ", ".join(f"{n:,} {label}" for label, n in counts.items())
        + f" (`manage.py {seeded['command']}` of `{seeded.get('commit', '?')}`, {seeded['seconds']} s)",
        "Server": "gunicorn, 2 sync workers, PostgreSQL "
        + psql("SHOW server_version")
        + ", OPENSPINE_DEBUG=false, persistent connections, no TLS and no MFA (development profile)",
        "Load average (1/5/15 min)": "before "
        + "/".join(f"{v:.2f}" for v in load_before)
        + ", after "
        + "/".join(f"{v:.2f}" for v in load_after),
        "Method": "one client, one request at a time, each timed right after a /health/ request; "
        f"{WARM_UP} unmeasured warm-ups (the first shown as first ms), then {options.samples} samples "
        f"or {options.budget:g} s per target (at least {MIN_SAMPLES}; {SLOW_SAMPLES} after one warm-up "
        f"when the "
        f"first took over {options.budget / MIN_SAMPLES:g} s); p95 by nearest rank"
        + (
            f"; {', '.join(labels)} measured in the same run, target by target in turn"
            if len(labels) > 1
            else ""
        ),
        "Audited write": '`audit.record(..., "patients.patient.viewed", patient)` in its own transaction, '
        "on a random one of 300 patients per process, in-process (not over HTTP), "
        f"{options.write_seconds:g} s per run; the questionnaire POST under load runs beside "
        f"{LOAD_WRITERS} such writers",
    }
    sections = []
    for d in deployments:
        meta = {
            **shared,
            "Code served": f"`{d.tree}` at {commit_of(d.tree)}",
            "Schema": "migrated back (removed: " + ", ".join(d.reverted) + ")" if d.reverted else "newest",
            **common,
        }
        sections.append((d.label, report.format_section(d.label, meta, d.rows, d.writes)))
    return sections


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scale benchmark")
    group.add_argument("--operations", type=int, default=30000, help="index operations to seed (30000)")
    group.add_argument("--label", default="current", help="section label in docs/benchmarks.md")
    group.add_argument("--serve-tree", default="", help="serve this source tree instead (same data)")
    group.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="LABEL=PATH",
        help="also serve the tree at PATH as LABEL, measured in turn with the first (repeatable)",
    )
    group.add_argument("--samples", type=int, default=40, help="requests per target (40)")
    group.add_argument("--budget", type=float, default=40.0, help="seconds per target before stopping early")
    group.add_argument("--write-seconds", type=float, default=10.0, help="seconds per audited-write run")
    group.add_argument("--reseed", action="store_true", help="drop and seed the base database again")
    group.add_argument("--keep-db", action="store_true", help="keep the run's copy of the database")


if __name__ == "__main__":
    print("run it through bench/run.py (e.g. bench/run.py --scale-only)", file=sys.stderr)
    raise SystemExit(2)
