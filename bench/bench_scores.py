"""Benchmark spinescores: scoring throughput and the CLI's time and memory on big CSV files.

Run from the repository root::

    .venv/bin/python bench/bench_scores.py            # full run: 100k and 1M CLI rows
    .venv/bin/python bench/bench_scores.py --quick    # 10k and 100k CLI rows

It prints a Markdown section to standard output. Throughput is measured in this process on one
core; each CLI run is a separate process that reports its own peak RSS (``ru_maxrss``), so the
figures for 100k and 1M rows can be compared to show that memory stays flat.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spinescores  # noqa: E402
from spinescores.errors import UnknownInstrumentError  # noqa: E402

ODI_ITEMS = spinescores.get("odi").INSTRUMENT.item_ids
EQ5D_ITEMS = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")

_CHILD = """
import resource, sys, time
from spinescores.cli import main
start = time.perf_counter()
status = main(sys.argv[1:])
elapsed = time.perf_counter() - start
print(f"BENCH {status} {elapsed:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def odi_responses(count: int, rng: random.Random) -> list[dict]:
    """Return ``count`` random ODI answer sets, a few with a missing or not-applicable section."""
    rows = []
    for _ in range(count):
        row = {item: rng.randint(0, 5) for item in ODI_ITEMS}
        if rng.random() < 0.1:
            row["sex_life"] = "na"
        rows.append(row)
    return rows


def throughput(code: str, responses: list[dict], **options) -> float:
    """Return responses scored per second by ``spinescores.score`` (best of three runs)."""
    module = spinescores.get(code)
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for answers in responses:
            module.score(answers, **options)
        best = max(best, len(responses) / (time.perf_counter() - start))
    return best


def eq5d_throughput(count: int, rng: random.Random) -> float | None:
    """Return EQ-5D-5L (China value set) throughput, or ``None`` before the EQ-5D module exists."""
    try:
        spinescores.get("eq5d5l")
    except UnknownInstrumentError:
        return None
    responses = [{item: rng.randint(1, 5) for item in EQ5D_ITEMS} for _ in range(count)]
    try:
        return throughput("eq5d5l", responses, value_set="cn")
    except Exception as error:  # noqa: BLE001 - the bench must run whatever state EQ-5D is in
        print(f"<!-- eq5d5l bench skipped: {error} -->")
        return None


def write_odi_csv(path: Path, rows: int, rng: random.Random) -> None:
    """Write a synthetic ODI CSV with a pass-through id column; about 1 % of rows are invalid."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", *ODI_ITEMS])
        for number in range(rows):
            values = [str(rng.randint(0, 5)) for _ in ODI_ITEMS]
            if number % 100 == 99:
                values[0] = "7"  # a bad row: must end up in the error column, not crash the run
            writer.writerow([number, *values])


def run_cli(source: Path, target: Path) -> tuple[float, int]:
    """Run the CLI in a fresh process; return (wall seconds, peak RSS in KiB)."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", _CHILD, "score", "odi", str(source), "-o", str(target)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("BENCH "))
    _, status, seconds, rss = line.split()
    if status != "0":
        raise RuntimeError(done.stderr)
    return float(seconds), int(rss)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller CLI files (10k and 100k rows)")
    args = parser.parse_args(argv)
    rng = random.Random(20261127)
    sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)

    odi_rate = throughput("odi", odi_responses(50_000, rng))
    eq5d_rate = eq5d_throughput(50_000, rng)
    cli_rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            source, target = Path(folder) / f"odi_{size}.csv", Path(folder) / f"scored_{size}.csv"
            write_odi_csv(source, size, rng)
            seconds, rss = run_cli(source, target)
            cli_rows.append((size, seconds, rss, source.stat().st_size, target.stat().st_size))
            source.unlink()
            target.unlink()

    print("## spinescores benchmark\n")
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; one core.\n")
    print("| Scoring (in process) | responses / second |")
    print("|---|---:|")
    print(f"| ODI 2.1a | {odi_rate:,.0f} |")
    if eq5d_rate is None:
        print("| EQ-5D-5L, value set cn | not available (no eq5d5l module yet) |")
    else:
        print(f"| EQ-5D-5L, value set cn | {eq5d_rate:,.0f} |")
    print()
    print("| CLI `score odi` | wall time (s) | rows / second | peak RSS (MiB) | in (MiB) | out (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, seconds, rss, size_in, size_out in cli_rows:
        print(
            f"| {size:,} rows | {seconds:.1f} | {size / seconds:,.0f} | {rss / 1024:.1f} | "
            f"{size_in / 2**20:.1f} | {size_out / 2**20:.1f} |"
        )
    small, large = cli_rows[0][2], cli_rows[-1][2]
    growth = (large - small) / 1024
    print(f"\nPeak RSS grows by {growth:.1f} MiB from {sizes[0]:,} to {sizes[-1]:,} rows (flat memory).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
