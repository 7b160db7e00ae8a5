"""Numeric rating scale (0–10) for neck pain (proms.md §3)."""

from spinescores.prom._nrs import NrsResult, make_instrument, make_score

__all__ = ["INSTRUMENT", "NrsResult", "score"]

INSTRUMENT = make_instrument("nrs_neck", "Neck", "颈部", "Neck pain.")

score = make_score(INSTRUMENT)
