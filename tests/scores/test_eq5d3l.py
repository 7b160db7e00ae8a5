"""EQ-5D-3L anchor values, one group per value set (proms.md §9.8).

proms.md prints coefficients but no index value of a particular state; each anchor is the
hand-computed value of U = 1 − C − Σd − N3·[any level 3] from the printed numbers (arithmetic in
the docstring), plus the qualitative statements of §9.8.
"""

from __future__ import annotations

import pytest

from spinescores.prom.eq5d3l import DEFAULT_VALUE_SET, score

TOLERANCE = 1e-12
DIMENSIONS = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")


def index(profile: str, value_set: str = DEFAULT_VALUE_SET) -> float:
    return score(dict(zip(DIMENSIONS, map(int, profile), strict=True)), value_set=value_set).value


def test_china_liu2014_is_the_default_value_set():
    result = score(dict.fromkeys(DIMENSIONS, 1))
    assert result.details["value_set"] == "cn"
    assert result.version == "eq5d3l@cn-liu2014"


def test_cn_liu2014_state_33333_is_negative():
    """Liu 2014, Value Health 17:597 (proms.md §9.8):
    1 − 0.039 − (0.246 + 0.208 + 0.193 + 0.236 + 0.205) − 0.022 = 1 − 1.149 = −0.149.
    §9.8: Liu 2014's worst state is negative (unlike the eq5dsuite "CN" 3L table)."""
    assert index("33333", "cn") == pytest.approx(-0.149, abs=TOLERANCE)
    assert index("33333", "cn") < 0


def test_cn_liu2014_n3_applies_only_when_a_dimension_is_at_level_3():
    """Liu 2014 (proms.md §9.8): 11112 = 1 − 0.039 − 0.086 = 0.875;
    11113 = 1 − 0.039 − 0.205 − 0.022 = 0.734."""
    assert index("11112", "cn") == pytest.approx(0.875, abs=TOLERANCE)
    assert index("11113", "cn") == pytest.approx(0.734, abs=TOLERANCE)


def test_cn_liu2014_state_21232():
    """Liu 2014 (proms.md §9.8): 1 − 0.039 − (0.099 + 0 + 0.074 + 0.236 + 0.086) − 0.022 = 0.444."""
    assert index("21232", "cn") == pytest.approx(0.444, abs=TOLERANCE)


def test_uk_dolan1997_state_33333():
    """Dolan 1997, Med Care 35:1095 (proms.md §9.8):
    1 − 0.081 − (0.314 + 0.214 + 0.094 + 0.386 + 0.236) − 0.269 = 1 − 1.594 = −0.594."""
    assert index("33333", "uk") == pytest.approx(-0.594, abs=TOLERANCE)


def test_uk_dolan1997_state_11211_has_constant_but_no_n3():
    """Dolan 1997 (proms.md §9.8): 1 − 0.081 − 0.036 = 0.883."""
    assert index("11211", "uk") == pytest.approx(0.883, abs=TOLERANCE)


def test_jp_tsuchiya2002_state_33333():
    """Tsuchiya 2002, Health Econ 11:341 (proms.md §9.8), no N3 term:
    1 − 0.152 − (0.418 + 0.102 + 0.133 + 0.194 + 0.112) = 1 − 1.111 = −0.111."""
    assert index("33333", "jp") == pytest.approx(-0.111, abs=TOLERANCE)


def test_jp_tsuchiya2002_has_no_n3_term():
    """Tsuchiya 2002 (proms.md §9.8): 11113 = 1 − 0.152 − 0.112 = 0.736, nothing more for level 3."""
    assert index("11113", "jp") == pytest.approx(0.736, abs=TOLERANCE)


@pytest.mark.parametrize(
    ("value_set", "expected"),
    [
        ("cn", 0.505),  # Liu 2014: 1 − 0.039 − (0.099 + 0.105 + 0.074 + 0.092 + 0.086)
        ("uk", 0.516),  # Dolan 1997: 1 − 0.081 − (0.069 + 0.104 + 0.036 + 0.123 + 0.071)
        ("jp", 0.532),  # Tsuchiya 2002: 1 − 0.152 − (0.075 + 0.054 + 0.044 + 0.080 + 0.063)
    ],
)
def test_state_22222_matches_reference_column_sum(value_set, expected):
    """Liu 2014, Dolan 1997, Tsuchiya 2002 (proms.md §9.8): 22222 loses C plus the level-2 column
    and no N3; with the 33333 tests this pins every 3L coefficient."""
    assert index("22222", value_set) == pytest.approx(expected, abs=TOLERANCE)
