"""Pain NRS, neck (proms.md §3): module metadata; shared rules are in test_nrs_back.py."""

from spinescores.prom import nrs_neck


def test_nrs_neck_has_its_own_code_and_site_label():
    assert nrs_neck.INSTRUMENT.code == "nrs_neck"
    assert nrs_neck.score({"pain": 4}).code == "nrs_neck"
    assert nrs_neck.INSTRUMENT.items[0].topic_zh.endswith("疼痛程度")
