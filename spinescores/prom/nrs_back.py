"""Numeric rating scale (0–10) for low back pain (proms.md §3)."""

from spinescores.prom._nrs import NrsResult, make_instrument, make_score

__all__ = ["INSTRUMENT", "NrsResult", "score"]

INSTRUMENT = make_instrument("nrs_back", "Back", "腰背部", "Low back pain.")

score = make_score(INSTRUMENT)
