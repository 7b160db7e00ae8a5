"""Run every bench/bench_*.py on one core and write their Markdown sections to docs/benchmarks.md.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py``). Each benchmark prints its own Markdown
section; this script adds the machine, the date and the command, so figures can be reproduced.
"""

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "benchmarks.md"


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


def main() -> int:
    sections = []
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
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
        "# Benchmarks\n\n"
        f"Measured {datetime.date.today().isoformat()} on: {machine()}.\n\n"
        "Command: `make bench` (runs `bench/run.py`; each `bench/bench_*.py` is pinned to one core).\n"
    )
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(header + "\n" + "\n".join(sections), encoding="utf-8")
    print(OUTPUT.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
