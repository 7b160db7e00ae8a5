"""Numeric rating scale (0–10) for leg or buttock pain (sciatica) (proms.md §3)."""

from spinescores.prom._nrs import NrsResult, make_instrument, make_score

__all__ = ["INSTRUMENT", "NrsResult", "score"]

INSTRUMENT = make_instrument("nrs_leg", "Leg/buttock", "腿部（含臀部）", "Leg or buttock pain (sciatica).")

score = make_score(INSTRUMENT)
