"""Command line: score a CSV file row by row, or list the catalogue.

``spinescores score odi answers.csv -o scored.csv`` reads a CSV with one column per item id (other
columns are passed through unchanged) and writes it back with result columns prefixed by the
code: ``odi_value``, ``odi_interpretation``, ``odi_category``, ``odi_missing_items``,
``odi_not_applicable_items``, ``odi_flags``, ``odi_version``, ``odi_error`` and one column per
subscore. Rows are streamed, so memory stays flat for millions of rows. A row that cannot be
scored gets a message in the error column; the run carries on.

Cells: blank = missing; ``na`` = not applicable; numbers as written (``0.5``, ``-1``); booleans
as ``true``/``false``/``yes``/``no``/``1``/``0``. Lists (several answers) cannot be given in a CSV.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

from spinescores import registry
from spinescores.base import Instrument, Item, Result
from spinescores.errors import SpinescoresError, UnknownInstrumentError

RESULT_COLUMNS = (
    "value",
    "interpretation",
    "category",
    "missing_items",
    "not_applicable_items",
    "flags",
    "version",
    "error",
)
PROGRESS_EVERY = 10_000
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class UsageError(Exception):
    """A problem with the command line itself (exit status 2)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 usage error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            return _list(sys.stdout)
        return _score(args)
    except UsageError as error:
        print(f"spinescores: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. "spinescores list | head": the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinescores", description="Score spine PROMs and classifications.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the catalogue of instruments and schemes")
    score = commands.add_parser("score", help="score a CSV file, one row per questionnaire")
    score.add_argument("code", help="instrument code, e.g. odi (see 'spinescores list')")
    score.add_argument("input", help="input CSV file, or - for standard input")
    score.add_argument("-o", "--output", default="-", help="output CSV file (default: standard output)")
    score.add_argument("--value-set", help="value set of instruments that have one (eq5d5l: cn, us, jp, …)")
    score.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE",
        help="extra keyword option of the score function, e.g. min_answered=8 (repeatable)",
    )
    score.add_argument("--prefix", help="prefix of the result columns (default: the code)")
    score.add_argument("--delimiter", default=",", help="CSV delimiter (default: ,)")
    return parser


def _list(out: TextIO) -> int:
    instruments = registry.catalog()
    width = max(len(instrument.code) for instrument in instruments)
    for i in instruments:
        out.write(f"{i.code:<{width}}  {i.kind:<14}  {i.version:<28}  {i.name}\n")
    return 0


def _score(args: argparse.Namespace) -> int:
    try:
        module = registry.get(args.code)
    except UnknownInstrumentError as error:
        raise UsageError(str(error))
    entry = getattr(module, "score", None) or module.classify
    options = _options(args, entry)
    prefix = args.prefix or args.code
    subscores = tuple(getattr(module, "SUBSCORE_KEYS", ()))
    with _open(args.input, "r") as source, _open(args.output, "w") as target:
        reader = csv.DictReader(source, delimiter=args.delimiter)
        fieldnames = list(reader.fieldnames or [])
        added = [f"{prefix}_{name}" for name in (*RESULT_COLUMNS, *subscores)]
        clash = sorted(set(fieldnames) & set(added))
        if clash:
            raise UsageError(f"the input already has column {clash[0]!r}; choose another --prefix")
        writer = csv.DictWriter(target, fieldnames=fieldnames + added, delimiter=args.delimiter)
        writer.writeheader()
        rows = errors = 0
        for row in _progress(reader):
            rows += 1
            columns = score_row(module.INSTRUMENT, entry, row, options, prefix, subscores)
            errors += bool(columns[f"{prefix}_error"])
            row.pop(None, None)  # cells beyond the header have no column to go to
            writer.writerow(row | columns)
    print(f"spinescores: {rows} rows scored with {args.code}, {errors} with errors", file=sys.stderr)
    return 0


def score_row(
    instrument: Instrument,
    entry: Callable[..., Result],
    row: dict[str, Any],
    options: dict[str, Any],
    prefix: str,
    subscores: Iterable[str] = (),
) -> dict[str, str]:
    """Score one CSV row and return the result columns (the error column on bad input)."""
    columns = dict.fromkeys((f"{prefix}_{name}" for name in (*RESULT_COLUMNS, *subscores)), "")
    try:
        result = entry(_responses(instrument, row), **options)
    except SpinescoresError as error:
        columns[f"{prefix}_error"] = str(error)
        return columns
    except Exception as error:  # noqa: BLE001 - one broken row must not stop a million-row run
        columns[f"{prefix}_error"] = f"unexpected {type(error).__name__}: {error}"
        return columns
    columns[f"{prefix}_value"] = _cell(result.value)
    columns[f"{prefix}_interpretation"] = _cell(result.interpretation)
    columns[f"{prefix}_category"] = _cell(result.category)
    columns[f"{prefix}_missing_items"] = ";".join(result.missing_items)
    columns[f"{prefix}_not_applicable_items"] = ";".join(getattr(result, "not_applicable_items", ()))
    columns[f"{prefix}_flags"] = ";".join(result.flags)
    columns[f"{prefix}_version"] = result.version
    for name in subscores:
        columns[f"{prefix}_{name}"] = _cell(result.subscores.get(name))
    return columns


def _responses(instrument: Instrument, row: dict[str, Any]) -> dict[str, Any]:
    responses = {}
    for item, known in _cell_tables(instrument):
        text = row.get(item.id)
        if not text:
            continue
        value = known.get(text, _UNKNOWN)
        if value is _UNKNOWN:
            text = text.strip()
            if not text:
                continue
            value = parse_cell(item, text)
        responses[item.id] = value
    return responses


_UNKNOWN = object()
_TABLES: dict[int, tuple[Instrument, list[tuple[Item, dict[str, Any]]]]] = {}


def _cell_tables(instrument: Instrument) -> list[tuple[Item, dict[str, Any]]]:
    """Return each item with a lookup of the exact cell texts of its options (fast path per row)."""
    entry = _TABLES.get(id(instrument))
    if entry is None or entry[0] is not instrument:  # the entry keeps the instrument, so ids stay unique
        tables = [(item, {str(o.value): o.value for o in item.options}) for item in instrument.items]
        entry = _TABLES[id(instrument)] = (instrument, tables)
    return entry[1]


def parse_cell(item: Item, text: str) -> Any:
    """Return the Python value of a non-blank CSV cell for ``item`` (unparsable text is kept)."""
    if text.lower() == "na":
        return "na"
    if item.kind == "boolean":
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    if item.kind == "text":
        return text
    if item.kind == "choice":
        for option in item.options:
            if str(option.value) == text:
                return option.value
    number = _number(text)
    return text if number is None else number


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _options(args: argparse.Namespace, entry: Callable[..., Result]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.value_set is not None:
        options["value_set"] = args.value_set
    for text in args.option:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise UsageError(f"--option wants NAME=VALUE, got {text!r}")
        options[name] = _option_value(value)
    parameters = inspect.signature(entry).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    for name in options:
        if not takes_any and name not in parameters:
            known = [p for p, spec in parameters.items() if spec.kind is inspect.Parameter.KEYWORD_ONLY]
            raise UsageError(f"{args.code} has no option {name!r}; options: {', '.join(known) or 'none'}")
    _probe(entry, options)
    return options


def _probe(entry: Callable[..., Result], options: dict[str, Any]) -> None:
    """Reject a bad option value once, instead of on every row."""
    try:
        entry({}, **options)
    except SpinescoresError as error:
        if getattr(error, "item", None) in options:
            raise UsageError(str(error))
    except Exception:  # noqa: BLE001, S110 - an empty row may fail for other reasons; rows will show them
        pass


def _option_value(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    number = _number(text)
    return text if number is None else number


def _progress(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    if not sys.stderr.isatty():
        yield from rows
        return
    count = 0
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_EVERY == 0:
            print(f"\r{count:,} rows", end="", file=sys.stderr, flush=True)
        yield row
    print(f"\r{count:,} rows", file=sys.stderr)


def _open(path: str, mode: str) -> TextIO:
    if path == "-":
        stream = sys.stdin if mode == "r" else sys.stdout
        return _Unclosed(stream)
    try:
        if mode == "r":
            return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the with block
        return open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as error:
        raise UsageError(f"cannot open {path}: {error.strerror}")


class _Unclosed:
    """Use stdin/stdout in a with block without closing it."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()
