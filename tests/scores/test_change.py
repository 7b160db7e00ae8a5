"""Change classification (spinescores.change) against the thresholds of proms.md."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spinescores
from spinescores import change
from spinescores.errors import ScoreInputError, UnknownInstrumentError
from spinescores.prom import mjoa, odi, srs22r


def test_every_threshold_set_cites_a_reference_and_a_direction():
    for code in (
        "odi",
        "ndi",
        "nrs_back",
        "nrs_leg",
        "nrs_neck",
        "nrs_arm",
        "mjoa",
        "srs22r",
        "comi_back",
        "zcq",
        "eq5d5l",
        "eq5d3l",
    ):
        sets = change.thresholds(code)
        assert sets, code
        ids = [s.id for s in sets]
        assert len(ids) == len(set(ids)), code
        for threshold_set in sets:
            assert threshold_set.reference.first_author and threshold_set.reference.journal
            assert threshold_set.direction in ("higher_is_better", "higher_is_worse")


@pytest.mark.parametrize("code", ["joa_cervical_1975", "joa_lbp", "comi_neck", "eq_vas", "nass", "joabpeq"])
def test_codes_without_thresholds_in_the_reference_have_none(code):
    """proms.md: no verified MCID for JOA 17; none given for COMI neck, EQ VAS, NASS."""
    assert change.thresholds(code) == ()
    with pytest.raises(ScoreInputError, match="no change thresholds"):
        change.classify_change(code, 1, 2)


def test_unknown_code_raises_unknown_instrument_error():
    with pytest.raises(UnknownInstrumentError):
        change.thresholds("odi_v3")


# --- ODI ---------------------------------------------------------------------------------------


def test_odi_default_set_is_copay_mcid_and_is_flagged_unvalidated():
    """proms.md §1: MCID 12.8 points [M] (Copay 2008)."""
    result = change.classify_change("odi", 50, 37.2)
    assert result.threshold_set == "copay2008" and result.reference.first_author == "Copay AG"
    assert result.mcid_reached is True and result.flags == ("unvalidated",)
    assert change.classify_change("odi", 50, 37.3).mcid_reached is False


@pytest.mark.parametrize(
    ("baseline", "follow_up", "reached"),
    [
        (70, 51.2, True),  # 18.8-point improvement
        (70, 51.3, False),  # 18.7 points, 26.7 %, follow-up above 31.3
        (50, 31.6, True),  # 36.8 % improvement (18.4 points)
        (50, 31.65, False),  # 36.7 %, follow-up above 31.3
    ],
)
def test_odi_glassman_scb_points_or_percent(baseline, follow_up, reached):
    """proms.md §1 [V]: SCB = 18.8-point improvement, or 36.8 % improvement, or 1-year score < 31.3."""
    result = change.classify_change("odi", baseline, follow_up, threshold_set="glassman2008")
    assert result.scb_reached is reached
    assert result.flags == ()


@pytest.mark.parametrize(("follow_up", "reached"), [(31.29, True), (31.3, False), (31.31, False)])
def test_odi_glassman_scb_absolute_score_is_strictly_below_31_3(follow_up, reached):
    result = change.classify_change("odi", 40, follow_up, threshold_set="glassman2008")
    assert result.scb_reached is reached
    assert result.interpretation == ("scb_reached" if reached else "not_reached")


@pytest.mark.parametrize(("follow_up", "reached"), [(30, True), (30.01, False), (20, True)])
def test_odi_ostelo_mic_is_10_points_or_30_percent(follow_up, reached):
    """proms.md §1: MIC 10 points or 30 % improvement [M] (Ostelo 2008)."""
    result = change.classify_change("odi", 40, follow_up, threshold_set="ostelo2008")
    assert result.mcid_reached is reached and "unvalidated" in result.flags
    # 30 % of a low baseline: 20 → 14 is 6 points but 30 %
    assert change.classify_change("odi", 20, 14, threshold_set="ostelo2008").mcid_reached is True


@pytest.mark.parametrize(("follow_up", "reached"), [(41, True), (41.01, False)])
def test_odi_mannion_good_outcome_is_18_percent_reduction(follow_up, reached):
    """proms.md §1 [V]: ≥18 % reduction from baseline (Mannion 2006)."""
    assert change.classify_change("odi", 50, follow_up, threshold_set="mannion2006").mcid_reached is reached


@pytest.mark.parametrize(("follow_up", "reached"), [(28, True), (28.1, False)])
def test_odi_norspine_success_is_22_points(follow_up, reached):
    """proms.md §1 [V]: ≥22-point improvement at 12 months."""
    result = change.classify_change("odi", 50, follow_up, threshold_set="norspine2024")
    assert result.reached["success"] is reached
    assert result.interpretation == ("success" if reached else "not_reached")


@pytest.mark.parametrize(("follow_up", "reached"), [(22, True), (22.1, False)])
def test_odi_pass_is_at_most_22_and_unvalidated(follow_up, reached):
    """proms.md §1: PASS commonly quoted as ≤22 [M] (van Hooff 2016)."""
    result = change.classify_change("odi", 50, follow_up, threshold_set="vanhooff2016")
    assert result.pass_reached is reached and result.flags == ("unvalidated",)


def test_odi_lue_mdc_is_12_8():
    assert change.classify_change("odi", 50, 37.2, threshold_set="lue2008").interpretation == "mdc_exceeded"


def test_odi_worsening_is_a_negative_improvement():
    result = change.classify_change("odi", 20, 30, threshold_set="glassman2008")
    assert result.improvement == -10 and result.percent_improvement == pytest.approx(-50)
    assert result.deteriorated is None  # Glassman defines no deterioration threshold


def test_odi_zero_baseline_has_no_percent_change():
    assert change.classify_change("odi", 0, 10, threshold_set="ostelo2008").percent_improvement is None


# --- NDI, NRS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold_set", "points", "flags"),
    [("vernon", 10, ()), ("carreon2010", 7.5, ("unvalidated",)), ("auffinger2013", 13.39, ())],
)
def test_ndi_mcid_on_the_0_to_100_scale(threshold_set, points, flags):
    """proms.md §2: Vernon 5 raw = 10 % [V]; Carreon 7.5 [M]; Auffinger 13.39 [V]."""
    yes = change.classify_change("ndi", 60, 60 - points, threshold_set=threshold_set)
    no = change.classify_change("ndi", 60, 60 - points + 0.01, threshold_set=threshold_set)
    assert yes.mcid_reached and not no.mcid_reached and yes.flags == flags


def test_ndi_accepts_ndi_results():
    answers = dict.fromkeys(spinescores.get("ndi").INSTRUMENT.item_ids, 3)
    before = spinescores.score("ndi", answers)
    after = spinescores.score("ndi", dict(answers, pain_intensity=0, work=1))
    assert change.classify_change("ndi", before, after).improvement == pytest.approx(10)


@pytest.mark.parametrize(
    ("code", "threshold_set", "points"),
    [("nrs_back", "copay2008", 1.2), ("nrs_leg", "copay2008", 1.6), ("nrs_back", "suzuki2020", 2)],
)
def test_nrs_mcid_values(code, threshold_set, points):
    """proms.md §3: Copay back 1.2, leg 1.6 [M]; Suzuki ΔNRS 2 [V]."""
    assert change.classify_change(code, 7, 7 - points, threshold_set=threshold_set).mcid_reached
    assert not change.classify_change(code, 7, 7 - points + 0.1, threshold_set=threshold_set).mcid_reached


@pytest.mark.parametrize(("code", "points"), [("nrs_back", 2), ("nrs_leg", 4)])
def test_nrs_norspine_success(code, points):
    """proms.md §3 [V]: back ≥2, leg ≥4 point improvement at 12 months."""
    assert (
        change.classify_change(code, 8, 8 - points, threshold_set="norspine2024").interpretation == "success"
    )
    assert (
        change.classify_change(code, 8, 9 - points, threshold_set="norspine2024").interpretation
        == "not_reached"
    )


def test_nrs_glassman_scb_is_2_5_and_unvalidated():
    result = change.classify_change("nrs_leg", 8, 5.5, threshold_set="glassman2008")
    assert result.scb_reached and result.flags == ("unvalidated",)


def test_nrs_back_ostelo_two_points_or_30_percent():
    assert change.classify_change("nrs_back", 3, 2.1, threshold_set="ostelo2008").mcid_reached  # 30 %
    assert not change.classify_change("nrs_back", 8, 6.1, threshold_set="ostelo2008").mcid_reached


@pytest.mark.parametrize(("follow_up", "recovered"), [(0, True), (1, False)])
def test_nrs_back_kamper_recovered_is_zero(follow_up, recovered):
    """proms.md §3 [V]: NRS = 0 best identifies self-rated recovery."""
    result = change.classify_change("nrs_back", 6, follow_up, threshold_set="kamper2010")
    assert result.reached["recovered"] is recovered


@pytest.mark.parametrize("code", ["nrs_neck", "nrs_arm"])
@pytest.mark.parametrize(("follow_up", "reached"), [(7, True), (7.01, False)])
def test_neck_and_arm_pain_qod_30_percent(code, follow_up, reached):
    """proms.md §3 [V]: ≥30 % improvement performed best (QOD CSM)."""
    assert change.classify_change(code, 10, follow_up).mcid_reached is reached


# --- mJOA, SRS-22r, COMI, ZCQ, EQ-5D ---------------------------------------------------------------


def test_mjoa_mcid_is_2_points_higher_is_better():
    """proms.md §5 [V]: MCID 2 points overall (Tetreault 2015)."""
    assert change.classify_change("mjoa", 11, 13).mcid_reached is True
    assert change.classify_change("mjoa", 11, 12).mcid_reached is False
    assert change.classify_change("mjoa", 13, 11).improvement == -2


@pytest.mark.parametrize(
    ("baseline", "follow_up", "reached"),
    [(15, 16, True), (16, 16, False), (12, 14, True), (14, 15, False), (11, 14, True), (5, 7, False)],
)
def test_mjoa_mcid_by_baseline_severity(baseline, follow_up, reached):
    """proms.md §5 [V]: MCID 1 (mild), 2 (moderate), 3 (severe)."""
    result = change.classify_change("mjoa", baseline, follow_up, threshold_set="tetreault2015_severity")
    assert result.mcid_reached is reached


def test_mjoa_baseline_18_has_no_applicable_threshold():
    result = change.classify_change("mjoa", 18, 16, threshold_set="tetreault2015_severity")
    assert (
        result.interpretation is None and result.reached == {} and "no threshold" in result.details["reason"]
    )


def test_mjoa_accepts_results_and_reports_missing_scores():
    full = {"upper_motor": 3, "lower_motor": 3, "upper_sensory": 2, "sphincter": 2}
    assert change.classify_change(
        "mjoa", mjoa.score(full), mjoa.score(dict(full, lower_motor=6))
    ).mcid_reached
    missing = change.classify_change("mjoa", mjoa.score({}), 12)
    assert missing.value is None and missing.details["reason"] == "baseline score missing"
    assert change.classify_change("mjoa", 12, None).details["reason"] == "follow-up score missing"


@pytest.mark.parametrize(
    ("domain", "mcid", "scb"),
    [("self_image", 1.17, 1.67), ("function", 0.40, 0.60), ("subtotal", 0.53, 0.62), ("total", 0.77, 1.11)],
)
def test_srs22r_asls_mcid_and_scb_per_domain(domain, mcid, scb):
    """proms.md §8 [V]: ASLS 2018 MCID and SCB."""
    just_mcid = change.classify_change("srs22r", 2.5, 2.5 + mcid, domain=domain)
    assert just_mcid.mcid_reached and not just_mcid.scb_reached
    assert change.classify_change("srs22r", 2.5, 2.5 + scb, domain=domain).interpretation == "scb_reached"
    assert not change.classify_change("srs22r", 2.5, 2.49 + mcid, domain=domain).mcid_reached


def test_srs22r_defaults_to_total_and_reads_results():
    before = srs22r.score({f"q{n}": 3 for n in range(1, 23)})
    after = srs22r.score({f"q{n}": 4 for n in range(1, 23)})
    result = change.classify_change("srs22r", before, after)
    assert result.domain == "total" and result.improvement == pytest.approx(1)
    pain = change.classify_change("srs22r", before, after, domain="pain", threshold_set="bago2009")
    assert pain.mcid_reached and pain.reference.first_author == "Bagó J"


def test_srs22r_domain_missing_from_a_set_raises():
    with pytest.raises(ScoreInputError, match="domain"):
        change.classify_change("srs22r", 3, 4, domain="satisfaction")
    with pytest.raises(ScoreInputError, match="domain"):
        change.classify_change("srs22r", 3, 4, threshold_set="asd_scb", domain="pain")


@pytest.mark.parametrize(
    ("follow_up", "label"),
    [(3.8, "mcid_reached"), (3.81, "not_reached"), (6.3, "deteriorated"), (6.29, "not_reached")],
)
def test_comi_mannion_individual_improvement_and_deterioration(follow_up, label):
    """proms.md §10 [V]: improvement = decrease ≥2.2; deterioration = increase ≥0.3."""
    assert change.classify_change("comi_back", 6.0, follow_up).interpretation == label


def test_comi_group_level_thresholds_are_marked_group_scope():
    result = change.classify_change("comi_back", 6.0, 3.4, threshold_set="mannion2009_group")
    assert result.mcid_reached and result.details["scope"] == "group"
    assert change.classify_change("comi_back", 6.0, 7.2, threshold_set="mannion2009_group").deteriorated


def test_zcq_needs_a_domain_and_uses_its_scale():
    with pytest.raises(ScoreInputError, match="domain"):
        change.classify_change("zcq", 3, 2)
    result = change.classify_change("zcq", 3, 2.5, domain="physical_function")
    assert result.reached["success"] and result.flags == ("unvalidated",)
    with pytest.raises(ScoreInputError, match="follow_up"):
        change.classify_change("zcq", 3, 4.5, domain="physical_function")  # function is 1–4


def test_zcq_chinese_mcid():
    """proms.md §11 [V]: Chinese ZCQ MCID symptom severity −0.21, physical function −0.16."""
    result = change.classify_change("zcq", 3, 2.79, domain="symptom_severity", threshold_set="scirep2025")
    assert result.mcid_reached and result.reference.doi == "10.1038/s41598-025-01380-w"
    assert not change.classify_change(
        "zcq", 3, 2.85, domain="physical_function", threshold_set="scirep2025"
    ).mcid_reached


@pytest.mark.parametrize("code", ["eq5d5l", "eq5d3l"])
def test_eq5d_thresholds_from_section_9_10_need_review(code):
    """proms.md §9.10 [V]: 0.11 for EQ-5D in CSM (QOD); ΔEQ-5D 0.08 in chronic LBP (Japan)."""
    assert change.classify_change(code, 0.5, 0.61).mcid_reached
    assert not change.classify_change(code, 0.5, 0.6).mcid_reached
    result = change.classify_change(code, 0.5, 0.58, threshold_set="japan_clbp")
    assert result.mcid_reached and result.flags == ("needs_review",)


def test_classify_all_covers_every_set_with_the_domain():
    results = change.classify_all("odi", 50, 20)
    assert [r.threshold_set for r in results] == [s.id for s in change.thresholds("odi")]
    assert all(r.reference for r in results)
    assert len(change.classify_all("srs22r", 3, 4, domain="mental_health")) == 2


# --- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["40", True, float("nan"), float("inf"), -1, 101, [40]])
def test_bad_scores_raise_score_input_error(bad):
    with pytest.raises(ScoreInputError, match="baseline"):
        change.classify_change("odi", bad, 20)


def test_unknown_threshold_set_lists_the_known_ones():
    with pytest.raises(ScoreInputError) as error:
        change.classify_change("odi", 40, 20, threshold_set="fairbank")
    assert "glassman2008" in error.value.allowed


def test_result_of_another_instrument_is_refused():
    result = odi.score(dict.fromkeys(odi.INSTRUMENT.item_ids, 1))
    with pytest.raises(ScoreInputError, match="another instrument"):
        change.classify_change("ndi", result, 20)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 100), st.floats(0, 100))
def test_improvement_is_sign_normalised_and_monotonic(baseline, follow_up):
    worse_is_higher = change.classify_change("odi", baseline, follow_up, threshold_set="glassman2008")
    assert worse_is_higher.improvement == pytest.approx(baseline - follow_up)
    if follow_up <= baseline - 18.8:
        assert worse_is_higher.scb_reached


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 18), st.integers(0, 18))
def test_mjoa_improvement_is_follow_up_minus_baseline(baseline, follow_up):
    result = change.classify_change("mjoa", baseline, follow_up)
    assert result.improvement == follow_up - baseline
    assert result.mcid_reached is (follow_up - baseline >= 2)


def test_thresholds_work_when_the_instrument_module_is_absent(monkeypatch):
    """EQ-5D thresholds must not depend on the EQ-5D module being installed."""
    from spinescores import registry

    def missing(code):
        raise UnknownInstrumentError(code, [])

    monkeypatch.setattr(registry, "get", missing)
    result = change.classify_change("eq5d5l", -0.2, 0.5)
    assert result.mcid_reached and result.improvement == pytest.approx(0.7)
