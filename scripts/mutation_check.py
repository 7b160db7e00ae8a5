"""Mutation check for the ISNCSCI classifier: do the tests notice a changed rule?

Two modes, both restoring every source file before they return (even on Ctrl-C):

``named``  applies the three mutations named in issue 9 one at a time and expects the ISNCSCI tests
           to fail for each: "more than three levels below" read as four, S1 dropping out of the
           lumbar key-muscle scans, and the L5 key-muscle entry. Exit status 1 if any survives.
``sweep``  a small hand-rolled AST mutator over spinescores/isncsci: comparison operators, integer
           constants, elements of literal tuples / sets (level and value lists), and/or, ``not``,
           ``+``/``-``. Prints every surviving mutant; exit status 1 if any survives that is not
           listed in EQUIVALENT below with the reason it cannot change a result.

Usage::

    .venv/bin/python scripts/mutation_check.py named
    .venv/bin/python scripts/mutation_check.py sweep [--files impairment.py levels.py] [--full]

A mutant is "killed" when the fast ISNCSCI tests (tests/isncsci without the property tests) fail or
time out; ``--full`` also runs the property tests on the survivors of the fast run.
"""

from __future__ import annotations

import argparse
import ast
import copy
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "spinescores" / "isncsci"
#: The classification logic; cli.py, __main__.py and worksheet.py are presentation.
LOGIC_FILES = ("exam.py", "levels.py", "impairment.py", "zpp.py", "classifier.py", "result.py")
PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "-p",
    "no:randomly",
    "-p",
    "no:django",
    "-p",
    "no:cov",
    "--noconftest",
    "-x",
    "-q",
    "-W",
    "ignore",
]
FAST_TESTS = ["tests/isncsci", "--deselect", "tests/isncsci/test_properties.py"]
FULL_TESTS = ["tests/isncsci", "tests/scores/test_cli.py"]
TIMEOUT = 120


@dataclass(frozen=True)
class Named:
    """A textual mutation: replace ``old`` (which must occur exactly once) by ``new`` in ``file``."""

    name: str
    file: str
    old: str
    new: str


#: The mutations of issue 9, "Tests that do not catch what they claim".
NAMED = (
    Named(
        "more than three levels below read as more than four (section 9 table)",
        "impairment.py",
        "first_key_at_or_below(i + 4)",
        "first_key_at_or_below(i + 5)",
    ),
    Named(
        "more than three levels below read as three or more (section 9 table)",
        "impairment.py",
        "first_key_at_or_below(i + 4)",
        "first_key_at_or_below(i + 3)",
    ),
    Named(
        "S1 drops out of the lumbar scans: FK(S1) = none (section 1 FK table)",
        "impairment.py",
        "    if i <= 25:\n        return i - 16",
        "    if i <= 24:\n        return i - 16",
    ),
    Named(
        "lumbar FK rows shifted by one: FK(L3..S1) = K[i-15]",
        "impairment.py",
        "return i - 16",
        "return i - 15",
    ),
    Named(
        "L5 key-muscle entry missing from the key muscles more than three below",
        "impairment.py",
        "_FAR_BELOW = tuple(first_key_at_or_below(i + 4) for i in range(INT + 1))",
        "_FAR_BELOW = tuple(first_key_at_or_below(i + 4) for i in range(INT + 1))\n"
        "_FAR_BELOW = tuple(9 if k == 8 else k for k in _FAR_BELOW)",
    ),
    Named(
        "L5 key muscle read as S1 in the NLI / motor walk slots",
        "levels.py",
        "seconds = c[:5] + c[4:5] + c[5:] + c[9:]",
        "seconds = c[:5] + c[4:5] + c[5:8] + c[9:] + c[9:]",
    ),
    Named(
        "the S1 scan stops one muscle early (B: range to L5)",
        "impairment.py",
        "stop = next(k for k in range(start, 10)",
        "stop = next(k for k in range(start, 9)",
    ),
    Named(
        "motor scans for B and MI skip S1",
        "impairment.py",
        "        scan = side.motor[start:]\n        if _NO_FUNCTION_POSSIBLE",
        "        scan = side.motor[start:9]\n        if _NO_FUNCTION_POSSIBLE",
    ),
    Named(
        "MI scan skips S1",
        "impairment.py",
        "        scan = side.motor[start:]\n        if scan.count",
        "        scan = side.motor[start:9]\n        if scan.count",
    ),
)

#: Sweep survivors judged equivalent: (file, description prefix) -> why no result can change.
EQUIVALENT: dict[tuple[str, str], str] = {
    # FK(i) boundaries: at each edge both branches give the same key muscle (section 1 FK table)
    ("impairment.py", "29: LtE -> Lt"): "FK(4): 'i <= 4 -> 0' and 'i - 4' both give C5",
    ("impairment.py", "29: 4 -> 3"): "FK(4): 'i - 4' gives C5 (0) as the first branch did",
    ("impairment.py", "31: 8 -> 9"): "FK(9): 'i - 4' = 5 = L2, the T2-L2 branch's value",
    ("impairment.py", "33: 21 -> 20"): "FK(21): 'i - 16' = 5 = L2, the T2-L2 branch's value",
    ("impairment.py", "33: LtE -> Lt"): "FK(21): 'i - 16' = 5 = L2, the T2-L2 branch's value",
    ("impairment.py", "35: 25 -> 26"): "FK(26): 'i - 16' = 10 = none, the fallback's value",
}


def run_tests(tests: list[str]) -> str:
    """Return "killed", "timeout" or "survived" for the current state of the sources."""
    try:
        result = subprocess.run(  # noqa: S603
            [*PYTEST, *tests], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if result.returncode == 0 else "killed"


class Restore:
    """Keep the original text of the files touched and put it back on exit, whatever happens."""

    def __init__(self) -> None:
        self.saved: dict[Path, str] = {}

    def write(self, path: Path, text: str) -> None:
        self.saved.setdefault(path, path.read_text())
        path.write_text(text)

    def restore(self) -> None:
        for path, text in self.saved.items():
            path.write_text(text)
        self.saved.clear()

    def __enter__(self) -> Restore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()


def check_clean() -> None:
    """Refuse to start on a modified package: the restore would otherwise keep a mutant around."""
    diff = subprocess.run(["git", "diff", "--quiet", "--", str(PACKAGE)], cwd=ROOT, check=False)  # noqa: S603,S607
    if diff.returncode != 0:
        sys.exit("spinescores/isncsci has uncommitted changes; commit or stash them first")


def named(args: argparse.Namespace) -> int:
    check_clean()
    if run_tests(FAST_TESTS) != "survived":
        sys.exit("the unmutated tests fail; fix them first")
    survivors = 0
    with Restore() as restore:
        for mutation in NAMED:
            path = PACKAGE / mutation.file
            text = path.read_text()
            if text.count(mutation.old) != 1:
                sys.exit(f"{mutation.name}: pattern not found exactly once in {mutation.file}")
            restore.write(path, text.replace(mutation.old, mutation.new))
            outcome = run_tests(FULL_TESTS if args.full else FAST_TESTS)
            restore.restore()
            survivors += outcome == "survived"
            print(f"{outcome:8}  {mutation.file}: {mutation.name}", flush=True)
    print(f"{len(NAMED) - survivors}/{len(NAMED)} named mutations killed")
    return 1 if survivors else 0


# --- the AST sweep ---------------------------------------------------------------------------

_SWAP_CMP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Site:
    """One mutation: the index of the node in ``ast.walk`` order and what to do to it."""

    index: int
    action: str
    line: int
    description: str


def _docstring_ids(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def sites(tree: ast.AST) -> Iterator[Site]:
    """Yield every mutation site of a module, skipping docstrings and message strings."""
    skip = _docstring_ids(tree)
    for index, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in _SWAP_CMP:
                    new = _SWAP_CMP[type(op)].__name__
                    yield Site(index, f"cmp:{k}", line, f"{type(op).__name__} -> {new}")
        elif isinstance(node, ast.Constant) and type(node.value) is int and id(node) not in skip:
            yield Site(index, "int:+1", line, f"{node.value} -> {node.value + 1}")
            yield Site(index, "int:-1", line, f"{node.value} -> {node.value - 1}")
        elif isinstance(node, ast.Tuple | ast.Set | ast.List) and isinstance(node.ctx, ast.Load):
            if 2 <= len(node.elts) and all(isinstance(e, ast.Constant) for e in node.elts):
                for k, elt in enumerate(node.elts):
                    yield Site(index, f"drop:{k}", line, f"drop element {elt.value!r}")
        elif isinstance(node, ast.BoolOp):
            new = "or" if isinstance(node.op, ast.And) else "and"
            yield Site(index, "boolop", line, f"{'and' if new == 'or' else 'or'} -> {new}")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield Site(index, "not", line, "drop not")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            yield Site(index, "binop", line, "+ <-> -")


def mutate(tree: ast.AST, site: Site) -> ast.AST:
    """Return a mutated copy of ``tree``."""
    tree = copy.deepcopy(tree)
    node = next(n for i, n in enumerate(ast.walk(tree)) if i == site.index)
    kind, _, arg = site.action.partition(":")
    if kind == "cmp":
        node.ops[int(arg)] = _SWAP_CMP[type(node.ops[int(arg)])]()
    elif kind == "int":
        node.value += int(arg)
    elif kind == "drop":
        del node.elts[int(arg)]
    elif kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":
        return _replace(tree, node, node.operand)
    elif kind == "binop":
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    return tree


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return tree
            if isinstance(value, list) and any(v is old for v in value):
                value[value.index(old)] = new
                return tree
    raise AssertionError("node not found")


def sweep(args: argparse.Namespace) -> int:
    check_clean()
    files = args.files or list(LOGIC_FILES)
    survivors: list[tuple[str, Site]] = []
    total = killed = 0
    started = time.monotonic()
    with Restore() as restore:
        for name in files:
            path = PACKAGE / name
            tree = ast.parse(path.read_text())
            for site in sites(tree):
                try:
                    source = ast.unparse(mutate(tree, site))
                except (ValueError, TypeError, AttributeError) as error:
                    print(f"skipped   {name}:{site.line}: {site.description} ({error})")
                    continue
                restore.write(path, source)
                outcome = run_tests(FAST_TESTS)
                if outcome == "survived" and args.full:
                    outcome = run_tests(FULL_TESTS)
                restore.restore()
                total += 1
                if outcome == "survived":
                    survivors.append((name, site))
                    print(f"SURVIVED  {name}:{site.line}: {site.description}", flush=True)
                else:
                    killed += 1
    elapsed = time.monotonic() - started
    unexplained = [(n, s) for n, s in survivors if not _equivalent(n, s)]
    print(
        f"{killed}/{total} mutants killed in {elapsed:.0f} s; {len(survivors)} survived, "
        f"{len(unexplained)} not listed as equivalent"
    )
    return 1 if unexplained else 0


def _equivalent(name: str, site: Site) -> bool:
    return any(name == f and f"{site.line}: {site.description}".startswith(d) for f, d in EQUIVALENT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p_named = sub.add_parser("named", help="the mutations named in issue 9")
    p_named.add_argument("--full", action="store_true", help="also run the property tests")
    p_sweep = sub.add_parser("sweep", help="AST sweep over the ISNCSCI logic")
    p_sweep.add_argument("--files", nargs="*", help=f"files in spinescores/isncsci (default {LOGIC_FILES})")
    p_sweep.add_argument("--full", action="store_true", help="rerun survivors with the property tests")
    args = parser.parse_args(argv)
    return named(args) if args.mode == "named" else sweep(args)


if __name__ == "__main__":
    sys.exit(main())
