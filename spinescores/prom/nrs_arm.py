"""Numeric rating scale (0–10) for arm or shoulder pain (proms.md §3)."""

from spinescores.prom._nrs import NrsResult, make_instrument, make_score

__all__ = ["INSTRUMENT", "NrsResult", "score"]

INSTRUMENT = make_instrument("nrs_arm", "Arm/shoulder", "上肢（含肩部）", "Arm or shoulder pain.")

score = make_score(INSTRUMENT)
