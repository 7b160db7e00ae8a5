"""Pain NRS, leg (proms.md §3): module metadata; shared rules are in test_nrs_back.py."""

from spinescores.prom import nrs_leg


def test_nrs_leg_has_its_own_code_and_site_label():
    assert nrs_leg.INSTRUMENT.code == "nrs_leg"
    assert nrs_leg.score({"pain": 4}).code == "nrs_leg"
    assert nrs_leg.INSTRUMENT.items[0].topic_zh.endswith("疼痛程度")
