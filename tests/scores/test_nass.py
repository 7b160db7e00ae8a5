"""NASS satisfaction index (proms.md §13): satisfied = statement 1 or 2 [M]."""

import pytest

from spinescores.errors import ScoreInputError
from spinescores.prom import nass


@pytest.mark.parametrize(
    ("answer", "label"), [(1, "satisfied"), (2, "satisfied"), (3, "not_satisfied"), (4, "not_satisfied")]
)
def test_nass_satisfied_is_statement_1_or_2_and_flagged_unvalidated(answer, label):
    result = nass.score({"satisfaction": answer})
    assert result.value == answer and result.interpretation == label
    assert result.flags == ("unvalidated",)
    assert result.category == nass.INSTRUMENT.items[0].options[answer - 1].label_en


def test_nass_blank_is_missing():
    assert nass.score({"satisfaction": None}).missing_items == ("satisfaction",)


@pytest.mark.parametrize("bad", [0, 5, "1"])
def test_nass_rejects_other_answers(bad):
    with pytest.raises(ScoreInputError, match="satisfaction"):
        nass.score({"satisfaction": bad})
