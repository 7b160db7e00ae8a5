"""Core Outcome Measures Index, neck version (Spine Tango; proms.md §10)."""

from spinescores.prom._comi import SUBSCORE_KEYS, ComiResult, make_instrument, make_score

__all__ = ["INSTRUMENT", "SUBSCORE_KEYS", "ComiResult", "score"]

INSTRUMENT = make_instrument("comi_neck", "neck")

score = make_score(INSTRUMENT)
