#!/usr/bin/env python3
"""Print the requirement -> test matrix (Part 11 11.10(a) traceability) from ``@pytest.mark.req`` markers.

Reads the test files without importing them (no Django needed), so it runs anywhere:

    python scripts/req_matrix.py                 # matrix, then the T-checks with no test yet
    python scripts/req_matrix.py --missing-only
    python scripts/req_matrix.py --reference path/to/security.md   # add the check titles

A marker counts on a test function, on its class, or in a module-level ``pytestmark``.
"""

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK_COUNT = 84  # security.md section 2 numbers its checks T-1 ... T-84


def _req_ids(node) -> list[str]:
    """Return the ids of every ``pytest.mark.req(...)`` call inside ``node``."""
    ids = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "req":
            ids += [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return ids


def _module_marks(tree) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets):
            return _req_ids(node.value)
    return []


def collect(tests_dir: Path) -> dict[str, list[str]]:
    """Map each requirement id to the tests (``file::[Class::]name``) that carry it."""
    matrix = defaultdict(list)
    for path in sorted(tests_dir.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module_ids = _module_marks(tree)
        rel = path.relative_to(ROOT)
        for node in tree.body:
            tests = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                tests = [(node, [], "")]
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                class_ids = [i for d in node.decorator_list for i in _req_ids(d)]
                tests = [
                    (f, class_ids, f"{node.name}::")
                    for f in node.body
                    if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test")
                ]
            for func, extra, prefix in tests:
                ids = [i for d in func.decorator_list for i in _req_ids(d)] + extra + module_ids
                for req in dict.fromkeys(ids):
                    matrix[req].append(f"{rel}::{prefix}{func.name}")
    return matrix


def titles(reference: Path | None) -> dict[str, str]:
    if reference is None or not reference.exists():
        return {}
    found = {}
    for line in reference.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(\d+)\. \*\*(.+?)\*\*", line)
        if match:
            found[f"T-{match.group(1)}"] = match.group(2).rstrip(".")
    return found


def _order(req: str):
    match = re.match(r"^([A-Z]+)-(\d+)$", req)
    return (match.group(1), int(match.group(2))) if match else (req, 0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=Path, default=ROOT / "tests")
    parser.add_argument("--reference", type=Path, default=None, help="security.md, to print check titles")
    parser.add_argument("--missing-only", action="store_true")
    args = parser.parse_args(argv)
    matrix = collect(args.tests)
    names = titles(args.reference)
    if not args.missing_only:
        for req in sorted(matrix, key=_order):
            heading = f"{req}  {names.get(req, '')}".rstrip()
            print(heading)
            for test in matrix[req]:
                print(f"    {test}")
    missing = [f"T-{n}" for n in range(1, CHECK_COUNT + 1) if f"T-{n}" not in matrix]
    automated = CHECK_COUNT - len(missing)
    print(f"\n{automated} of {CHECK_COUNT} T-checks have at least one test; not yet automated:")
    for req in missing:
        print(f"    {req}  {names.get(req, '')}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
