"""The catalogue: find every instrument module and dispatch to it by code.

Modules are discovered in ``spinescores.prom``, ``spinescores.classification`` and
``spinescores.isncsci``: any module that defines ``INSTRUMENT`` joins the catalogue, so adding an
instrument never means editing a central list.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType
from typing import Any

from spinescores.base import Instrument, Result
from spinescores.errors import UnknownInstrumentError

_PACKAGES = ("spinescores.prom", "spinescores.classification", "spinescores.isncsci")


@cache
def _modules() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, package_name + "."):
            module = importlib.import_module(info.name)
            instrument = getattr(module, "INSTRUMENT", None)
            if isinstance(instrument, Instrument):
                found[instrument.code] = module
    return found


def catalog() -> list[Instrument]:
    """Return the metadata of every instrument and scheme, sorted by code."""
    return [module.INSTRUMENT for _, module in sorted(_modules().items())]


def get(code: str) -> ModuleType:
    """Return the module implementing ``code``, or raise :class:`UnknownInstrumentError`."""
    modules = _modules()
    if code not in modules:
        raise UnknownInstrumentError(code, modules)
    return modules[code]


def score(code: str, responses: Any, **options: Any) -> Result:
    """Score ``responses`` with the questionnaire or clinician score ``code``."""
    return get(code).score(responses, **options)


def classify(code: str, inputs: Any, **options: Any) -> Result:
    """Classify ``inputs`` with the scheme ``code``."""
    return get(code).classify(inputs, **options)
