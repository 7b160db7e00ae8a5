"""Research export benchmark (issue 12): long-format rows/s and peak memory beside PostgreSQL COPY.

Usage (``make bench`` runs it after the scale benchmark; ``bench/run.py --help`` lists the options)::

    bench/run.py --export-only --export-operations 100000 --export-rows 100000,1000000

What it does:

1. The seeded base database of the scale benchmark (``h_bench_ops<N>``, made once by
   ``bench_scale.ensure_base``), with ``N`` = ``--export-operations`` large enough for the largest size.
2. For each size in ``--export-rows``, ``export_worker.py cohort`` saves a research cohort ("operations
   from day D") holding at least that many long rows.
3. Each cohort is then exported twice, each run in a fresh process so its peak RSS is its own:
   once by the product (``write_long_csv``: de-identified long CSV with the canary scan and the
   SHA-256, to a file) and once by ``COPY (same query) TO STDOUT`` to a file.

Issue 12's targets: peak RSS under 150 MB and flat from 100k to 1M rows; at least half of COPY's
rows/s. Only the local PostgreSQL server is contacted.
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_scale  # noqa: E402
from pg import ROOT, VAR, commit_of, django_env, log, psql, row_counts, run_django  # noqa: E402

WORKER = str(ROOT / "bench" / "export_worker.py")
RSS_LIMIT_MB = 150
COPY_SHARE = 0.5


def worker(env: dict, *args: str) -> dict:
    return json.loads(run_django(ROOT, env, WORKER, *args, capture=True).strip().splitlines()[-1])


def measure(env: dict, target: int) -> dict:
    found = worker(env, "cohort", str(target))
    log(f"cohort of operations from {found['performed_from']}: {found['rows']:,} rows")
    product = worker(env, "export", found["performed_from"])
    raw = worker(env, "copy", found["performed_from"])
    for name, result in (("export", product), ("COPY", raw)):
        rows, seconds, peak = result["rows"], result["seconds"], result["peak_mb"]
        log(f"{name}: {rows:,} rows in {seconds:.1f} s, peak RSS {peak:.0f} MB")
    return {"target": target, "from": found["performed_from"], "export": product, "copy": raw}


def rate(result: dict) -> float:
    return result["rows"] / result["seconds"] if result["seconds"] else float("nan")


def format_section(meta: dict, sizes: list[dict]) -> str:
    """Return the Markdown block: metadata, then one row per size, then the verdicts."""
    lines = ["## Research export (issue 12)", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()]
    lines += [
        "",
        "| cohort | long rows | export rows/s | COPY rows/s | export / COPY | export peak RSS "
        "| COPY peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        product, raw = size["export"], size["copy"]
        share = rate(product) / rate(raw) if rate(raw) else float("nan")
        lines.append(
            f"| operations from {size['from']} | {product['rows']:,} | {rate(product):,.0f} | "
            f"{rate(raw):,.0f} | {share:.2f} | {product['peak_mb']:.0f} MB | {raw['peak_mb']:.0f} MB |"
        )
    lines += ["", *verdicts(sizes)]
    return "\n".join(lines) + "\n"


def verdicts(sizes: list[dict]) -> list[str]:
    """Issue 12's three targets, each PASS or FAIL with its figure."""
    peaks = [size["export"]["peak_mb"] for size in sizes]
    shares = [rate(s["export"]) / rate(s["copy"]) for s in sizes if rate(s["copy"])]
    growth = peaks[-1] - peaks[0] if len(peaks) > 1 else 0.0
    under = max(peaks) < RSS_LIMIT_MB
    # "Flat": the largest export peaks within 10 % of the smallest one.
    flat = growth <= 0.1 * peaks[0] if peaks else False
    fast = bool(shares) and min(shares) >= COPY_SHARE
    word = {True: "PASS", False: "FAIL"}
    return [
        f"- Peak RSS under {RSS_LIMIT_MB} MB: {word[under]} (largest {max(peaks):.0f} MB).",
        f"- Peak RSS flat from the smallest to the largest cohort (within 10 %): {word[flat]} "
        f"({peaks[0]:.0f} MB to {peaks[-1]:.0f} MB).",
        f"- At least {COPY_SHARE:.0%} of COPY's rows/s: {word[fast]} "
        f"(lowest {min(shares) if shares else float('nan'):.2f}).",
    ]


def export(options, machine: str) -> str:
    """Run the export benchmark for ``options``; return its Markdown block."""
    base, _fixture = bench_scale.ensure_base(options.export_operations, options.reseed)
    env = django_env(ROOT, base, VAR / base)
    # The base database may have been seeded by an older tree: bring its schema up to this one.
    run_django(ROOT, env, "migrate", "--noinput", "-v0")
    load_before = os.getloadavg()
    targets = sorted(int(n) for n in options.export_rows.split(","))
    sizes = [measure(env, target) for target in targets]
    load_after = os.getloadavg()
    meta = {
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Machine": machine,
        "Command": f"`{options.command}`",
        "Data": f"`{base}`: " + ", ".join(f"{n:,} {label}" for label, n in row_counts(base).items()),
        "Code": f"`{ROOT}` at {commit_of(ROOT)}",
        "PostgreSQL": psql("SHOW server_version"),
        "Load average (1/5/15 min)": "before "
        + "/".join(f"{v:.2f}" for v in load_before)
        + ", after "
        + "/".join(f"{v:.2f}" for v in load_after),
        "Method": "each export in its own process (peak RSS = that process's ru_maxrss); the product's "
        "`write_long_csv` (Safe Harbor long CSV, canary scan, SHA-256) and `COPY (the same query) TO STDOUT "
        "WITH (FORMAT csv)`, both to a file",
    }
    return format_section(meta, sizes)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("export benchmark")
    group.add_argument(
        "--export-operations", type=int, default=100000, help="index operations in its base database (100000)"
    )
    group.add_argument(
        "--export-rows",
        default="100000,1000000",
        help="long rows per cohort, comma-separated (100000,1000000)",
    )


if __name__ == "__main__":
    print("run it through bench/run.py (e.g. bench/run.py --export-only)", file=sys.stderr)
    raise SystemExit(2)
