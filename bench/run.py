"""Run the benchmarks and merge their Markdown blocks into docs/benchmarks.md.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py [options]``; ``--help`` lists them).
The micro benchmarks (every ``bench/bench_*.py`` but the scale one) run pinned to one core and
form the block ``micro``. The scale benchmark (``bench/bench_scale.py``) serves the application
with gunicorn on PostgreSQL and forms the block ``Scale: LABEL``; the research export benchmark
(``bench/bench_export.py``) forms the block ``export``. Each block records the machine,
the date and the command; rerunning a label replaces only its block, so a "Before" and an "After"
measured on the same data stand side by side.
"""

import argparse
import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_export  # noqa: E402
import bench_scale  # noqa: E402
import report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "benchmarks.md"
# Benchmarks that serve the application on PostgreSQL: not micro benchmarks.
SERVED_SCRIPTS = {"bench_scale.py", "bench_export.py"}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}; Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores{memory}; {system}"


def micro() -> str:
    """Run each micro benchmark on one core; return their sections under the machine and date."""
    sections = []
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if script.name in SERVED_SCRIPTS:
            continue
        # taskset pins each benchmark to one core where available, so figures are per core.
        command = [sys.executable, str(script)]
        if Path("/usr/bin/taskset").exists():
            command = ["taskset", "-c", "0", *command]
        print(f"running {script.name} ...", file=sys.stderr)
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            sections.append(f"## {script.name}\n\nFAILED:\n\n```\n{result.stderr[-2000:]}\n```\n")
        else:
            sections.append(result.stdout.strip() + "\n")
    header = (
        f"Measured {datetime.date.today().isoformat()} on: {machine()}.\n\n"
        "Command: `make bench` (runs `bench/run.py`; each micro benchmark is pinned to one core).\n"
    )
    return header + "\n" + "\n".join(sections)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--scale-only", action="store_true", help="run only the scale benchmark")
    which.add_argument("--export-only", action="store_true", help="run only the research export benchmark")
    which.add_argument("--no-scale", action="store_true", help="run only the micro benchmarks")
    bench_scale.add_arguments(parser)
    bench_export.add_arguments(parser)
    options = parser.parse_args(argv)
    options.command = "bench/run.py " + shlex.join(argv) if argv else "make bench"
    return options


def write(label: str, body: str) -> None:
    document = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    document = report.refresh_header(report.merge_section(report.adopt_legacy(document), label, body))
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(document, encoding="utf-8")


def main(argv: list[str]) -> int:
    options = parse(argv)
    served = not options.no_scale
    if not (options.scale_only or options.export_only):
        write("micro", micro())
    if served and not options.export_only:
        for label, body in bench_scale.scale(options, machine()):
            write(f"scale {label}", body)
            print(body)
    if served and not options.scale_only:
        body = bench_export.export(options, machine())
        write("export", body)
        print(body)
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
