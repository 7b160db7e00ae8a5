"""Pure helpers of the scale benchmark: percentiles, ratios to /health/, Markdown, merging by label.

Nothing here touches a server or a database, so ``tests/test_bench_report.py`` checks it all.
``docs/benchmarks.md`` is a header followed by labelled blocks, each between
``<!-- bench:LABEL -->`` and ``<!-- /bench:LABEL -->``; rerunning one label replaces only its block.
"""

import math
import re
from dataclasses import dataclass

# Issue 9: every staff page and API list p95 within 5x the /health/ p95 of the same run.
RATIO_LIMIT = 5.0
TITLE = "# Benchmarks"
HEADER = (
    f"{TITLE}\n\n`make bench` writes this file (`bench/run.py --help`); rerunning a label replaces only its"
    " block.\nScale blocks: each target's p95 over the p95 of the /health/ requests interleaved with it;"
    " issue 9 asks for every staff page and API list within 5x at 300,000 operations.\n"
)


@dataclass(frozen=True)
class Row:
    """One measured target: its latencies in ms and the /health/ latencies interleaved with them.

    ``first`` is the first (unmeasured, warm-up) request: a cold cache or a first query plan shows there.
    """

    name: str
    samples: tuple
    health: tuple
    errors: int = 0
    first: float = math.nan

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def health_p95(self) -> float:
        return percentile(self.health, 95)

    @property
    def ratio(self) -> float:
        return ratio(self.p95, self.health_p95)

    @property
    def verdict(self) -> str:
        return verdict(self.ratio, self.errors)


def percentile(values, q: float) -> float:
    """Return the ``q``-th percentile of ``values`` by the nearest-rank method (NaN when empty).

    Nearest rank never interpolates, so the p95 of 20 samples is the 19th smallest, a real sample.
    """
    if not 0 < q <= 100:
        raise ValueError(f"q must be in (0, 100], not {q!r}")
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = math.ceil(q / 100 * len(ordered))
    return float(ordered[max(rank, 1) - 1])


def ratio(p95: float, health_p95: float) -> float:
    """Return ``p95 / health_p95``, NaN when either is missing or /health/ took no time."""
    if math.isnan(p95) or math.isnan(health_p95) or health_p95 <= 0:
        return math.nan
    return p95 / health_p95


def verdict(value: float, errors: int = 0) -> str:
    """PASS when within :data:`RATIO_LIMIT` and every answer was the expected one, else FAIL."""
    if errors or math.isnan(value):
        return "FAIL"
    return "PASS" if value <= RATIO_LIMIT else "FAIL"


def _ms(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def format_rows(rows) -> str:
    """Return the Markdown table of ``rows``: samples, p50, p95, /health/ p95, ratio and verdict."""
    lines = [
        "| target | n | first ms | p50 ms | p95 ms | /health/ p95 ms | ratio | within 5x |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        shown = "–" if math.isnan(row.ratio) else f"{row.ratio:.1f}x"
        errors = f" ({row.errors} errors)" if row.errors else ""
        lines.append(
            f"| {row.name} | {len(row.samples)} | {_ms(row.first)} | {_ms(row.p50)} | {_ms(row.p95)} | "
            f"{_ms(row.health_p95)} | {shown} | {row.verdict}{errors} |"
        )
    return "\n".join(lines)


def format_writes(writes: dict) -> str:
    """Return the table of audited writes per second by number of writing processes."""
    lines = ["| processes | audited writes | seconds | writes/s |", "| ---: | ---: | ---: | ---: |"]
    for processes, (count, seconds) in sorted(writes.items()):
        rate = count / seconds if seconds else math.nan
        lines.append(f"| {processes} | {count:,} | {seconds:.1f} | {rate:,.0f} |")
    return "\n".join(lines)


def format_section(label: str, meta: dict, rows, writes: dict) -> str:
    """Return the block of one labelled run: what was measured, how, and the two tables."""
    passed = sum(row.verdict == "PASS" for row in rows)
    facts = "\n".join(f"- {key}: {value}" for key, value in meta.items())
    return (
        f"## Scale: {label}\n\n{facts}\n\n"
        f"{passed} of {len(rows)} targets within {RATIO_LIMIT:g}x the /health/ p95 "
        "measured alongside them.\n\n"
        f"{format_rows(rows)}\n\n{format_writes(writes)}\n"
    )


def _block(label: str, body: str) -> str:
    return f"<!-- bench:{label} -->\n{body.strip()}\n<!-- /bench:{label} -->\n"


def merge_section(document: str, label: str, body: str) -> str:
    """Return ``document`` with the block of ``label`` replaced by ``body`` (appended if new).

    Text outside the blocks (the header) is kept; other labels' blocks are kept in their order.
    """
    if not re.fullmatch(r"[\w .:-]+", label):
        raise ValueError(f"label {label!r}: use letters, digits, spaces and . _ : - only")
    block = _block(label, body)
    if not document.strip():
        document = HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(label)} -->\n.*?<!-- /bench:{re.escape(label)} -->\n?", re.DOTALL
    )
    if pattern.search(document):
        return pattern.sub(lambda _match: block, document, count=1)
    return document.rstrip("\n") + "\n\n" + block


def adopt_legacy(document: str, label: str = "micro") -> str:
    """Return ``document`` with block markers; a file written before them becomes block ``label``."""
    if labels(document) or not document.strip():
        return document
    body = document.strip()
    if body.startswith(TITLE):
        body = body[len(TITLE) :].strip()
    return HEADER + "\n" + _block(label, body)


def refresh_header(document: str) -> str:
    """Return ``document`` with the text before its first block replaced by :data:`HEADER`."""
    start = document.find("<!-- bench:")
    return HEADER + ("\n" + document[start:] if start >= 0 else "")


def labels(document: str) -> list[str]:
    """Return the labels of the blocks in ``document``, in order."""
    return re.findall(r"<!-- bench:([\w .:-]+) -->", document)
