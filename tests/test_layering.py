"""The layering promises: spinescores works without Django; every module imports."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_NO_DJANGO = """
import builtins, importlib, pkgutil, sys
real_import = builtins.__import__
def guarded(name, *args, **kwargs):
    if name == "django" or name.startswith(("django.", "openspine", "ninja")):
        raise ImportError("spinescores must not import " + name)
    return real_import(name, *args, **kwargs)
builtins.__import__ = guarded
import spinescores
count = 0
for info in pkgutil.walk_packages(spinescores.__path__, "spinescores."):
    if info.name.endswith("__main__"):
        continue  # running, not importing, is what a __main__ module is for
    importlib.import_module(info.name)
    count += 1
print(count, len(spinescores.catalog()))
"""


def test_every_spinescores_module_imports_with_django_unavailable():
    result = subprocess.run(
        [sys.executable, "-c", _NO_DJANGO], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    modules, instruments = (int(n) for n in result.stdout.split())
    assert modules > 3


@pytest.mark.django_db
def test_no_missing_migrations():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
