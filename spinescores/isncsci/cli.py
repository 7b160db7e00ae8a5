"""Command line: classify a CSV worksheet of ISNCSCI exams, one row per exam.

Usage::

    python -m spinescores.isncsci classify exams.csv -o results.csv

The output repeats every input column, then the result columns of
:data:`spinescores.isncsci.worksheet.RESULT_COLUMNS` and an ``error`` column. Rows are read,
classified and written one at a time, so files of any size stream in constant memory. A row that
cannot be classified keeps empty result cells and gets the error message (naming the side, level
and value); the other rows are still classified. The exit status is 0 when every row was
classified, 1 when at least one row has an error and 2 for a usage error.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from spinescores.errors import SpinescoresError
from spinescores.isncsci.classifier import classify
from spinescores.isncsci.worksheet import RESULT_COLUMNS, exam_from_row, row_from_result

ERROR_COLUMN = "error"


def classify_rows(rows: Iterable[dict[str, str]], *, legacy_non_key_muscle: bool = False
                  ) -> Iterator[dict[str, str]]:
    """Yield each worksheet row extended with the result columns and ``error``."""
    for row in rows:
        extended = dict(row)
        try:
            result = classify(exam_from_row(row), legacy_non_key_muscle=legacy_non_key_muscle)
        except SpinescoresError as error:
            extended.update(dict.fromkeys(RESULT_COLUMNS, ""))
            extended[ERROR_COLUMN] = str(error)
        else:
            extended.update(row_from_result(result))
            extended[ERROR_COLUMN] = "; ".join(result.warnings)
        yield extended


def classify_file(source: TextIO, target: TextIO, *, legacy_non_key_muscle: bool = False) -> tuple[int, int]:
    """Classify every row of the CSV ``source`` into ``target``; return (rows, rows with an error)."""
    reader = csv.DictReader(source)
    input_columns = [c for c in (reader.fieldnames or []) if c not in RESULT_COLUMNS and c != ERROR_COLUMN]
    writer = csv.DictWriter(target, [*input_columns, *RESULT_COLUMNS, ERROR_COLUMN], extrasaction="ignore")
    writer.writeheader()
    rows = errors = 0
    for row in classify_rows(reader, legacy_non_key_muscle=legacy_non_key_muscle):
        rows += 1
        if row[ERROR_COLUMN] and not row["AIS"]:
            errors += 1
        writer.writerow(row)
    return rows, errors


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m spinescores.isncsci",
                                     description="Classify ISNCSCI exams (2019 revision).")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("classify", help="classify a CSV worksheet, one exam per row")
    run.add_argument("exams", help="input CSV file ('-' for standard input)")
    run.add_argument("-o", "--output", default="-", help="output CSV file (default: standard output)")
    run.add_argument("--legacy-non-key-muscle", action="store_true",
                     help="accept pre-2019 non-key muscle levels such as T5 or L1 (with a warning)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        source = sys.stdin if args.exams == "-" else open(args.exams, newline="", encoding="utf-8-sig")  # noqa: SIM115
        target = sys.stdout if args.output == "-" else open(args.output, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        print(f"cannot open {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        rows, errors = classify_file(source, target, legacy_non_key_muscle=args.legacy_non_key_muscle)
    finally:
        for stream in (source, target):
            if stream not in (sys.stdin, sys.stdout):
                stream.close()
    print(f"classified {rows - errors} of {rows} exams; {errors} with errors", file=sys.stderr)
    return 1 if errors else 0
