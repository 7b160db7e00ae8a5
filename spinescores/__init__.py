"""spinescores: validated spine PROMs, scores and classifications, in pure Python.

>>> import spinescores
>>> result = spinescores.score("odi", {...})  # doctest: +SKIP

The package uses the standard library only and never imports Django.
"""

from spinescores.base import Instrument, Item, Option, Reference, Result
from spinescores.errors import ScoreInputError, SpinescoresError, UnknownInstrumentError
from spinescores.registry import catalog, classify, get, score

__version__ = "0.1.0"

__all__ = [
    "Instrument",
    "Item",
    "Option",
    "Reference",
    "Result",
    "ScoreInputError",
    "SpinescoresError",
    "UnknownInstrumentError",
    "catalog",
    "classify",
    "get",
    "score",
]
