"""EQ-5D-5L anchor values, one group per published value set (proms.md §9.3–9.7).

proms.md prints each value set's coefficients but no index value of any particular state. So each
anchor below is the hand-computed sum of the printed table (the arithmetic is in the docstring),
written here independently of the data file, plus every qualitative statement proms.md makes
about the set (sign of the worst state, tied levels, the constant).
"""

from __future__ import annotations

import pytest

from spinescores.prom.eq5d5l import DEFAULT_VALUE_SET, score

TOLERANCE = 1e-12
DIMENSIONS = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")


def index(profile: str, value_set: str = DEFAULT_VALUE_SET) -> float:
    return score(dict(zip(DIMENSIONS, map(int, profile), strict=True)), value_set=value_set).value


def test_china_luo2017_is_the_default_value_set():
    """proms.md §9.3: the China 5L set is the registry's default."""
    result = score(dict.fromkeys(DIMENSIONS, 1))
    assert result.details["value_set"] == "cn"
    assert result.version == "eq5d5l@cn-luo2017"


def test_cn_luo2017_state_55555_equals_sum_of_reference_decrements():
    """Luo 2017, Value Health 20:662 (proms.md §9.3): C = 0, so
    1 − (0.345 + 0.253 + 0.233 + 0.302 + 0.258) = 1 − 1.391 = −0.391; §9.3 says it is negative."""
    assert index("55555", "cn") == pytest.approx(-0.391, abs=TOLERANCE)
    assert index("55555", "cn") < 0


def test_cn_luo2017_state_21232_from_the_reference_example():
    """Luo 2017 (proms.md §9.3) on the example profile 21232 of proms.md §9.1:
    1 − (0.066 + 0 + 0.045 + 0.138 + 0.049) = 0.702."""
    assert index("21232", "cn") == pytest.approx(0.702, abs=TOLERANCE)


def test_cn_luo2017_state_12345_uses_every_level_once():
    """Luo 2017 (proms.md §9.3): 1 − (0 + 0.048 + 0.107 + 0.252 + 0.258) = 0.335."""
    assert index("12345", "cn") == pytest.approx(0.335, abs=TOLERANCE)


def test_us_pickard2019_state_55555_equals_sum_of_reference_decrements():
    """Pickard 2019, Value Health 22:931 (proms.md §9.4): C = 0, so
    1 − (0.322 + 0.261 + 0.255 + 0.414 + 0.321) = 1 − 1.573 = −0.573."""
    assert index("55555", "us") == pytest.approx(-0.573, abs=TOLERANCE)


def test_us_pickard2019_usual_activities_levels_4_and_5_share_one_value():
    """Pickard 2019 (proms.md §9.4): UA4 and UA5 are constrained equal, 1 − 0.255 = 0.745 for both."""
    assert index("11411", "us") == index("11511", "us") == pytest.approx(0.745, abs=TOLERANCE)


def test_us_pickard2019_state_21232():
    """Pickard 2019 (proms.md §9.4): 1 − (0.096 + 0 + 0.068 + 0.098 + 0.057) = 0.681."""
    assert index("21232", "us") == pytest.approx(0.681, abs=TOLERANCE)


def test_jp_shiroiwa2016_state_55555_is_slightly_below_zero():
    """Shiroiwa 2016, Value Health 19:648, cTTO model (proms.md §9.5): C = 0.060924, so
    1 − (0.060924 + 0.242916 + 0.159659 + 0.174786 + 0.191203 + 0.195961) = 1 − 1.025449
    = −0.025449, "slightly below 0" as §9.5 says."""
    assert index("55555", "jp") == pytest.approx(-0.025449, abs=TOLERANCE)
    assert -0.1 < index("55555", "jp") < 0


def test_jp_shiroiwa2016_constant_applies_to_every_state_but_11111():
    """Shiroiwa 2016 (proms.md §9.5): state 21111 is 1 − 0.060924 − 0.063865 = 0.875211."""
    assert index("21111", "jp") == pytest.approx(0.875211, abs=TOLERANCE)
    assert index("11111", "jp") == 1.0


def test_en_devlin2018_state_55555_equals_sum_of_reference_decrements():
    """Devlin 2018, Health Econ 27:7 (proms.md §9.6): C = 0, so
    1 − (0.274 + 0.203 + 0.184 + 0.335 + 0.289) = 1 − 1.285 = −0.285."""
    assert index("55555", "en") == pytest.approx(-0.285, abs=TOLERANCE)


def test_en_devlin2018_state_21232():
    """Devlin 2018 (proms.md §9.6): 1 − (0.058 + 0 + 0.050 + 0.084 + 0.078) = 0.730."""
    assert index("21232", "en") == pytest.approx(0.730, abs=TOLERANCE)


def test_hk_wong2018_state_55555_equals_sum_of_reference_decrements():
    """Wong 2018, Patient 11:235 (proms.md §9.7): C = 0, so
    1 − (0.529 + 0.352 + 0.282 + 0.354 + 0.348) = 1 − 1.865 = −0.865."""
    assert index("55555", "hk") == pytest.approx(-0.865, abs=TOLERANCE)


def test_tw_lin2018_state_55555_equals_sum_of_reference_decrements():
    """Lin 2018, PLoS One 13:e0209344 (proms.md §9.7): C = 0, so
    1 − (0.4767 + 0.3241 + 0.3505 + 0.4534 + 0.4212) = 1 − 2.0259 = −1.0259."""
    assert index("55555", "tw") == pytest.approx(-1.0259, abs=TOLERANCE)


def test_tw_lin2018_state_21232_keeps_four_decimals():
    """Lin 2018 (proms.md §9.7): 1 − (0.1076 + 0 + 0.0726 + 0.1578 + 0.0637) = 0.5983; the
    4-decimal coefficients are kept (printed values are rounded to 3 decimals, §9.7)."""
    assert index("21232", "tw") == pytest.approx(0.5983, abs=TOLERANCE)


# 1 − C − (sum of one level's column of the printed table), for levels 2–4; level 5 is tested above.
# A transcription error in any single cell of a table changes its column sum, so together with the
# 55555 tests these pin every coefficient even where proms.md itself is not available to the tests.
UNIFORM_STATES = [
    ("cn", "22222", 0.734),  # 0.066 + 0.048 + 0.045 + 0.058 + 0.049
    ("cn", "33333", 0.363),  # 0.158 + 0.116 + 0.107 + 0.138 + 0.118
    ("cn", "44444", -0.158),  # 0.287 + 0.210 + 0.194 + 0.252 + 0.215
    ("us", "22222", 0.630),  # 0.096 + 0.089 + 0.068 + 0.060 + 0.057
    ("us", "33333", 0.449),  # 0.122 + 0.107 + 0.101 + 0.098 + 0.123
    ("us", "44444", -0.329),  # 0.237 + 0.220 + 0.255 + 0.318 + 0.299
    ("jp", "22222", 0.664848),  # 0.060924 + 0.063865 + 0.043632 + 0.050407 + 0.044545 + 0.071779
    ("jp", "33333", 0.479993),  # 0.060924 + 0.112618 + 0.076660 + 0.091131 + 0.068178 + 0.110496
    ("jp", "44444", 0.188232),  # 0.060924 + 0.179043 + 0.124265 + 0.147929 + 0.131436 + 0.168171
    ("en", "22222", 0.701),  # 0.058 + 0.050 + 0.050 + 0.063 + 0.078
    ("en", "33333", 0.593),  # 0.076 + 0.080 + 0.063 + 0.084 + 0.104
    ("en", "44444", -0.094),  # 0.207 + 0.164 + 0.162 + 0.276 + 0.285
    ("hk", "22222", 0.581),  # 0.109 + 0.087 + 0.067 + 0.076 + 0.080
    ("hk", "33333", 0.324),  # 0.182 + 0.113 + 0.094 + 0.147 + 0.140
    ("hk", "44444", -0.476),  # 0.371 + 0.271 + 0.234 + 0.307 + 0.293
    ("tw", "22222", 0.5936),  # 0.1076 + 0.0757 + 0.0726 + 0.0868 + 0.0637
    ("tw", "33333", 0.2041),  # 0.1996 + 0.1322 + 0.1234 + 0.1578 + 0.1829
    ("tw", "44444", -0.5901),  # 0.3652 + 0.2644 + 0.2802 + 0.3402 + 0.3401
]


@pytest.mark.parametrize(("value_set", "profile", "expected"), UNIFORM_STATES)
def test_uniform_state_matches_reference_column_sum(value_set, profile, expected):
    """Luo 2017, Pickard 2019, Shiroiwa 2016, Devlin 2018, Wong 2018, Lin 2018 (proms.md §9.3–9.7):
    a state with every dimension at the same level loses C plus that level's column of the table."""
    assert index(profile, value_set) == pytest.approx(expected, abs=TOLERANCE)
