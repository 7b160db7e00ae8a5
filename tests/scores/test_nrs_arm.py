"""Pain NRS, arm (proms.md §3): module metadata; shared rules are in test_nrs_back.py."""

from spinescores.prom import nrs_arm


def test_nrs_arm_has_its_own_code_and_site_label():
    assert nrs_arm.INSTRUMENT.code == "nrs_arm"
    assert nrs_arm.score({"pain": 4}).code == "nrs_arm"
    assert nrs_arm.INSTRUMENT.items[0].topic_zh.endswith("疼痛程度")
