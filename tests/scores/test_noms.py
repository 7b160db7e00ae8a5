"""NOMS framework (Laufer I, et al. Oncologist 2013;18(6):744-751; classifications.md §1.5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinescores import ScoreInputError
from spinescores.base import NEEDS_REVIEW
from spinescores.classification import noms


def make(**overrides):
    return {"escc": "0", "histology": "lymphoma", "sins": 3, "can_tolerate_surgery": True, **overrides}


@pytest.mark.parametrize("histology", noms.SENSITIVE)
@pytest.mark.parametrize("escc", ["0", "1b", "2", "3"])
def test_noms_radiosensitive_any_escc_is_cebrt_laufer2013(histology, escc):
    """Radiosensitive histology, any ESCC grade -> cEBRT (Laufer 2013)."""
    result = noms.classify(make(histology=histology, escc=escc))
    assert result.category == "cebrt" and result.flags == ()


@pytest.mark.parametrize("escc", ["0", "1a", "1b"])
def test_noms_radioresistant_low_grade_is_srs_laufer2013(escc):
    """Radioresistant, ESCC 0-1b -> stereotactic radiosurgery (Laufer 2013)."""
    assert noms.classify(make(histology="melanoma", escc=escc)).category == "srs"


@pytest.mark.parametrize("escc", ["2", "3"])
def test_noms_radioresistant_high_grade_is_separation_surgery_then_srs_laufer2013(escc):
    """Radioresistant, ESCC 2-3 -> separation surgery followed by SRS (Laufer 2013)."""
    assert noms.classify(make(histology="colorectal", escc=escc)).category == "separation_surgery+srs"


def test_noms_escc_1c_radioresistant_needs_review_laufer2013():
    """ESCC 1c is controversial: needs_review and no radiation pathway for a resistant tumour (§1.5)."""
    result = noms.classify(make(histology="thyroid", escc="1c"))
    assert result.category is None and result.flags == (NEEDS_REVIEW,)


def test_noms_escc_1c_radiosensitive_is_cebrt_but_flagged_laufer2013():
    """Radiosensitive -> cEBRT at any grade, but 1c still carries needs_review (§1.5)."""
    result = noms.classify(make(escc="1c"))
    assert result.category == "cebrt" and result.flags == (NEEDS_REVIEW,)


def test_noms_sins_13_is_unstable_and_adds_stabilisation_laufer2013():
    """SINS 13-18 -> stabilisation plus radiation (Laufer 2013, Fisher 2010 bands)."""
    result = noms.classify(make(sins=13, histology="renal_cell", escc="2"))
    assert result.category == "stabilisation+separation_surgery+srs"
    assert result.subscores["stabilisation"] is True


def test_noms_sins_6_is_stable_without_judgement_laufer2013():
    """SINS 0-6 needs no stabilisation, judgement not asked (Fisher 2010 band)."""
    assert noms.classify(make(sins=6)).subscores["stabilisation"] is False


@pytest.mark.parametrize(("judged", "pathway"), [(True, "stabilisation+cebrt"), (False, "cebrt")])
def test_noms_sins_7_to_12_follows_team_judgement_laufer2013(judged, pathway):
    """SINS 7-12 is unstable only when judged so (§1.5)."""
    assert noms.classify(make(sins=7, unstable_by_judgement=judged)).category == pathway
    assert noms.classify(make(sins=12, unstable_by_judgement=judged)).category == pathway


def test_noms_sins_7_to_12_without_judgement_needs_review():
    result = noms.classify(make(sins=9))
    assert result.category is None and result.subscores["stabilisation"] is None
    assert result.flags == (NEEDS_REVIEW,)


def test_noms_cannot_tolerate_surgery_is_radiation_or_systemic_laufer2013():
    """S: patient cannot tolerate surgery -> radiation alone / systemic therapy (Laufer 2013)."""
    result = noms.classify(make(sins=15, histology="melanoma", escc="3", can_tolerate_surgery=False))
    assert result.category == "radiation_or_systemic"
    assert result.subscores["stabilisation"] is False


def test_noms_other_histology_uses_team_response():
    """Intermediate histologies are classified by the team, never hard-coded (§1.5)."""
    assert noms.classify(make(histology="other", radiation_response="resistant")).category == "srs"
    sensitive = make(histology="other", radiation_response="sensitive", escc="3")
    assert noms.classify(sensitive).category == "cebrt"
    assert noms.classify({**make(radiation_response="resistant"), "histology": "other"}).category == "srs"
    no_histology = make(radiation_response="resistant")
    del no_histology["histology"]
    assert noms.classify(no_histology).category == "srs"


def test_noms_other_histology_without_response_needs_review():
    result = noms.classify(make(histology="other", myelopathy_or_radiculopathy=True))
    assert result.category is None and result.subscores["radiation"] is None
    assert NEEDS_REVIEW in result.flags
    assert result.details["myelopathy_or_radiculopathy"] is True


def test_noms_listed_histology_matching_response_is_accepted():
    assert noms.classify(make(radiation_response="sensitive")).category == "cebrt"


def test_noms_rejects_response_contradicting_listed_histology():
    with pytest.raises(ScoreInputError, match="radiation_response.*renal_cell"):
        noms.classify(make(histology="renal_cell", radiation_response="sensitive"))


@pytest.mark.parametrize(("item_id", "value"), [("sins", 19), ("sins", -1), ("sins", None), ("escc", 2),
                                                 ("histology", "breast"), ("can_tolerate_surgery", None),
                                                 ("radiation_response", "intermediate"),
                                                 ("unstable_by_judgement", 1)])
def test_noms_rejects_bad_value(item_id, value):
    with pytest.raises(ScoreInputError) as error:
        noms.classify(make(**{item_id: value}))
    assert error.value.item == item_id


def test_noms_rejects_missing_unknown_and_options():
    inputs = make()
    del inputs["can_tolerate_surgery"]
    with pytest.raises(ScoreInputError, match="can_tolerate_surgery"):
        noms.classify(inputs)
    with pytest.raises(ScoreInputError, match="kps"):
        noms.classify(make(kps=70))
    with pytest.raises(ScoreInputError, match="option"):
        noms.classify(make(), order=True)


escc = st.sampled_from(["0", "1a", "1b", "1c", "2", "3"])
histology = st.sampled_from(noms.SENSITIVE + noms.RESISTANT)


@given(escc, histology, st.integers(0, 18), st.booleans(), st.booleans())
def test_noms_pathway_is_known_or_flagged(grade, tumour, sins, judged, tolerate):
    result = noms.classify({"escc": grade, "histology": tumour, "sins": sins, "unstable_by_judgement": judged,
                            "can_tolerate_surgery": tolerate})
    assert result.category is not None or NEEDS_REVIEW in result.flags
    if result.category and tolerate:
        assert result.category.startswith("stabilisation+") == (sins >= 13 or (sins >= 7 and judged))


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=19), st.floats(0.1, 0.9), st.booleans()))
def test_noms_invalid_sins_always_raises(bad):
    with pytest.raises(ScoreInputError):
        noms.classify(make(sins=bad))
