"""Classify a baseline/follow-up pair of PROM scores against published change thresholds.

Every threshold here is taken from proms.md (§1–§3, §5, §8, §9.10, §10, §11) and belongs to a
named *threshold set* (one source, one population). Thresholds are population- and
procedure-specific, so a classification always names the set it used (``threshold_set`` and
``reference``); never treat one set as the global MCID (proms.md §0.6). Values tagged [M] in the
reference are marked ``unvalidated`` and every result that uses one carries that flag.

Change is sign-normalised by the instrument's direction: ``improvement`` is positive when the
patient got better, whether higher scores are better (mJOA, SRS-22r, EQ-5D) or worse (ODI, NDI,
NRS, COMI, ZCQ).

>>> from spinescores import change
>>> result = change.classify_change("odi", 46, 24, threshold_set="glassman2008")
>>> result.improvement, result.scb_reached, result.interpretation
(22.0, True, 'scb_reached')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from spinescores import registry
from spinescores.base import (
    HIGHER_IS_BETTER,
    HIGHER_IS_WORSE,
    NEEDS_REVIEW,
    UNVALIDATED,
    Instrument,
    Reference,
    Result,
    frozen_mapping,
)
from spinescores.errors import ScoreInputError, UnknownInstrumentError

__all__ = [
    "DETERIORATION",
    "MCID",
    "MDC",
    "PASS",
    "RECOVERED",
    "SCB",
    "SUCCESS",
    "ChangeResult",
    "Threshold",
    "ThresholdSet",
    "classify_all",
    "classify_change",
    "thresholds",
]

MCID = "mcid"  # minimal (clinically) important change / difference
SCB = "scb"  # substantial clinical benefit
PASS = "pass"  # noqa: S105 - patient acceptable symptom state: a follow-up level, not a change
DETERIORATION = "deterioration"  # worsening of at least ``points``
SUCCESS = "success"  # a registry or trial success definition
RECOVERED = "recovered"  # a follow-up level that identifies recovery
MDC = "mdc"  # minimal detectable change

# Differences of means such as 3.8 − 3.2 are not exact in binary floating point; a change equal to
# a threshold up to this tolerance counts as reaching it (proms.md §0.4: compare with a tolerance).
_TOLERANCE = 1e-9

# Order in which a reached threshold names the interpretation (the first reached wins).
_PRIORITY = (
    (DETERIORATION, "deteriorated"),
    (SCB, "scb_reached"),
    (MCID, "mcid_reached"),
    (SUCCESS, "success"),
    (MDC, "mdc_exceeded"),
    (PASS, "pass_reached"),
    (RECOVERED, "recovered"),
)


@dataclass(frozen=True)
class Threshold:
    """One criterion; it is reached when any of its given parts is met.

    ``points``: improvement of at least this many points (for :data:`DETERIORATION`, worsening of
    at least this many). ``percent``: improvement of at least this percentage of the baseline.
    ``level``: follow-up score at least as good as this level (``strict``: strictly better).
    ``baseline_range``: the criterion applies only when the baseline lies in this closed range.
    """

    kind: str
    points: float | None = None
    percent: float | None = None
    level: float | None = None
    strict: bool = False
    baseline_range: tuple[float, float] | None = None
    unvalidated: bool = False
    label: str = ""


@dataclass(frozen=True)
class ThresholdSet:
    """Thresholds from one source for one population, per domain (``None`` = the main value)."""

    id: str
    code: str
    population: str
    reference: Reference
    direction: str
    domains: Mapping[str | None, tuple[Threshold, ...]]
    scope: str = "individual"  # "group": meant for mean changes of a group, not for one patient
    needs_review: bool = False
    note: str = ""


@dataclass(frozen=True)
class ChangeResult(Result):
    """A classified baseline/follow-up pair; ``value`` is the sign-normalised improvement."""

    baseline: float | None = None
    follow_up: float | None = None
    improvement: float | None = None
    percent_improvement: float | None = None
    domain: str | None = None
    threshold_set: str = ""
    reference: Reference | None = None
    reached: Mapping[str, bool] = field(default_factory=frozen_mapping)

    @property
    def mcid_reached(self) -> bool | None:
        return self.reached.get(MCID)

    @property
    def scb_reached(self) -> bool | None:
        return self.reached.get(SCB)

    @property
    def pass_reached(self) -> bool | None:
        return self.reached.get(PASS)

    @property
    def deteriorated(self) -> bool | None:
        return self.reached.get(DETERIORATION)


# --- references --------------------------------------------------------------------------------

_OSTELO = Reference(
    "Ostelo RW", 2008, "Spine", "Interpreting change scores for pain and functional status in LBP"
)
_COPAY = Reference("Copay AG", 2008, "Spine J", "MCID after lumbar spine surgery")
_GLASSMAN = Reference(
    "Glassman SD", 2008, "J Bone Joint Surg Am", "Substantial clinical benefit after lumbar fusion"
)
_MANNION_2006 = Reference("Mannion AF", 2006, "Eur Spine J", "German ODI 2.1")
_NORSPINE = Reference("NORspine investigators", 2024, "JAMA Netw Open", "Disc herniation models, PMC10851101")
_VAN_HOOFF = Reference("van Hooff ML", 2016, "Spine J", "PASS for ODI 2.1a (Spine Tango)")
_LUE = Reference("Lue YJ", 2008, "Spine", "Traditional Chinese ODI 2.1")
_VERNON = Reference("Vernon H", 2008, "J Manipulative Physiol Ther", "Author's NDI scoring note")
_CARREON = Reference(
    "Carreon LY", 2010, "Spine J", "Neck Disability Index and pain MCID after cervical fusion"
)
_AUFFINGER = Reference(
    "Auffinger BM", 2013, "PLoS One", "MCID after ACDF for cervical spondylotic myelopathy"
)
_SUZUKI = Reference("Suzuki H", 2020, "PLoS One", "MCID in chronic low back pain (e0229228)")
_KAMPER = Reference("Kamper SJ", 2010, "Eur Spine J", "Recovery defined by pain NRS")
_QOD_CSM = Reference(
    "Quality Outcomes Database (QOD) / Spine CORe investigators",
    0,
    "proms.md gives no journal or year",
    "5-year cervical spondylotic myelopathy analysis",
)
_TETREAULT = Reference("Tetreault L", 2015, "Spine", "mJOA minimum clinically important difference")
_ASLS = Reference("(author not given in proms.md)", 2018, "Spine Deform", "ASLS trial, 6(1):79–83")
_ASD_COHORT = Reference("(author not given in proms.md)", 0, "Spine Deform", "ASD cohort of 1,422 patients")
_BAGO = Reference("Bagó J", 2009, "Eur Spine J", "SRS-22 MID after surgery for AIS (PMC2899428)")
_JNS_2021 = Reference("(author not given in proms.md)", 2021, "J Neurosurg Spine", "ASD thoracopelvic fusion")
_MANNION_2009 = Reference("Mannion AF", 2009, "Eur Spine J", "COMI minimal clinically important change")
_STUCKI = Reference("Stucki G", 1996, "Spine", "ZCQ; success criteria as used in the X-STOP trials")
_ZCQ_CN = Reference(
    "(author not given in proms.md)",
    2025,
    "Sci Rep",
    "Chinese ZCQ, non-surgical LSS",
    doi="10.1038/s41598-025-01380-w",
)


def _t(kind: str, points: float | None = None, **extra: Any) -> Threshold:
    return Threshold(kind, points, **extra)


def _set(
    id_: str, code: str, population: str, reference: Reference, direction: str, domains, **extra
) -> ThresholdSet:
    return ThresholdSet(id_, code, population, reference, direction, frozen_mapping(domains), **extra)


_W, _B = HIGHER_IS_WORSE, HIGHER_IS_BETTER

_SETS: tuple[ThresholdSet, ...] = (
    # ODI (proms.md §1); the first set of each code is its default.
    _set(
        "copay2008", "odi", "lumbar surgery, 1 year", _COPAY, _W, {None: (_t(MCID, 12.8, unvalidated=True),)}
    ),
    _set(
        "glassman2008",
        "odi",
        "lumbar fusion",
        _GLASSMAN,
        _W,
        {None: (_t(SCB, 18.8, percent=36.8, level=31.3, strict=True),)},
    ),
    _set(
        "ostelo2008",
        "odi",
        "low back pain (consensus)",
        _OSTELO,
        _W,
        {None: (_t(MCID, 10, percent=30, unvalidated=True, label="MIC"),)},
    ),
    _set(
        "mannion2006",
        "odi",
        "German ODI 2.1, 6 months",
        _MANNION_2006,
        _W,
        {None: (_t(MCID, percent=18, label="good outcome"),)},
    ),
    _set(
        "norspine2024",
        "odi",
        "disc herniation, 12 months (registry)",
        _NORSPINE,
        _W,
        {None: (_t(SUCCESS, 22),)},
    ),
    _set(
        "vanhooff2016",
        "odi",
        "Spine Tango, ODI 2.1a",
        _VAN_HOOFF,
        _W,
        {None: (_t(PASS, level=22, unvalidated=True),)},
    ),
    _set("lue2008", "odi", "Traditional Chinese ODI 2.1", _LUE, _W, {None: (_t(MDC, 12.8),)}),
    # NDI on 0–100 (proms.md §2)
    _set(
        "vernon",
        "ndi",
        "author's scoring note",
        _VERNON,
        _W,
        {None: (_t(MCID, 10, label="5 raw points = 10 percentage points"),)},
    ),
    _set("carreon2010", "ndi", "cervical fusion", _CARREON, _W, {None: (_t(MCID, 7.5, unvalidated=True),)}),
    _set(
        "auffinger2013",
        "ndi",
        "ACDF for CSM (MDC-based MCID; range 4.83–13.39)",
        _AUFFINGER,
        _W,
        {None: (_t(MCID, 13.39),)},
    ),
    # Pain NRS (proms.md §3)
    _set(
        "copay2008",
        "nrs_back",
        "lumbar surgery, 1 year",
        _COPAY,
        _W,
        {None: (_t(MCID, 1.2, unvalidated=True),)},
    ),
    _set(
        "ostelo2008",
        "nrs_back",
        "low back pain (consensus)",
        _OSTELO,
        _W,
        {None: (_t(MCID, 2, percent=30, unvalidated=True, label="MIC"),)},
    ),
    _set(
        "glassman2008",
        "nrs_back",
        "lumbar fusion (net change)",
        _GLASSMAN,
        _W,
        {None: (_t(SCB, 2.5, unvalidated=True),)},
    ),
    _set(
        "norspine2024",
        "nrs_back",
        "disc herniation, 12 months (registry)",
        _NORSPINE,
        _W,
        {None: (_t(SUCCESS, 2),)},
    ),
    _set("suzuki2020", "nrs_back", "chronic LBP, non-surgical", _SUZUKI, _W, {None: (_t(MCID, 2),)}),
    _set(
        "kamper2010",
        "nrs_back",
        "low back pain, self-rated recovery",
        _KAMPER,
        _W,
        {None: (_t(RECOVERED, level=0),)},
    ),
    _set(
        "copay2008",
        "nrs_leg",
        "lumbar surgery, 1 year",
        _COPAY,
        _W,
        {None: (_t(MCID, 1.6, unvalidated=True),)},
    ),
    _set(
        "glassman2008",
        "nrs_leg",
        "lumbar fusion (net change)",
        _GLASSMAN,
        _W,
        {None: (_t(SCB, 2.5, unvalidated=True),)},
    ),
    _set(
        "norspine2024",
        "nrs_leg",
        "disc herniation, 12 months (registry)",
        _NORSPINE,
        _W,
        {None: (_t(SUCCESS, 4),)},
    ),
    _set("qod_csm", "nrs_neck", "CSM, 2 and 5 years (QOD)", _QOD_CSM, _W, {None: (_t(MCID, percent=30),)}),
    _set("qod_csm", "nrs_arm", "CSM, 2 and 5 years (QOD)", _QOD_CSM, _W, {None: (_t(MCID, percent=30),)}),
    # mJOA (proms.md §5)
    _set("tetreault2015", "mjoa", "degenerative cervical myelopathy", _TETREAULT, _B, {None: (_t(MCID, 2),)}),
    _set(
        "tetreault2015_severity",
        "mjoa",
        "DCM, by baseline severity",
        _TETREAULT,
        _B,
        {
            None: (
                _t(MCID, 1, baseline_range=(15, 17), label="mild"),
                _t(MCID, 2, baseline_range=(12, 14), label="moderate"),
                _t(MCID, 3, baseline_range=(0, 11), label="severe"),
            )
        },
    ),
    # SRS-22r domains (proms.md §8)
    _set(
        "asls2018",
        "srs22r",
        "adult symptomatic lumbar scoliosis, 1 year",
        _ASLS,
        _B,
        {
            "self_image": (_t(MCID, 1.17), _t(SCB, 1.67)),
            "function": (_t(MCID, 0.40), _t(SCB, 0.60)),
            "pain": (_t(MCID, 0.60),),
            "subtotal": (_t(MCID, 0.53), _t(SCB, 0.62)),
            "total": (_t(MCID, 0.77), _t(SCB, 1.11)),
        },
    ),
    _set(
        "asd_scb",
        "srs22r",
        "adult spinal deformity (secondary report)",
        _ASD_COHORT,
        _B,
        {
            "self_image": (_t(SCB, 1.6),),
            "function": (_t(SCB, 0.87),),
            "subtotal": (_t(SCB, 0.69),),
            "total": (_t(SCB, 0.94),),
        },
    ),
    _set(
        "bago2009",
        "srs22r",
        "AIS after surgery (anchor-based MID)",
        _BAGO,
        _B,
        {
            "pain": (_t(MCID, 0.6),),
            "function": (_t(MCID, 0.3),),
            "self_image": (_t(MCID, 1.3),),
            "mental_health": (_t(MCID, 0.3),),
            "total": (_t(MCID, 0.6),),
        },
    ),
    _set(
        "jns2021",
        "srs22r",
        "ASD thoracopelvic fusion (values as applied)",
        _JNS_2021,
        _B,
        {
            "function": (_t(MCID, 0.90),),
            "pain": (_t(MCID, 0.85),),
            "self_image": (_t(MCID, 1.05),),
            "mental_health": (_t(MCID, 0.70),),
            "subtotal": (_t(MCID, 1.05),),
        },
    ),
    # COMI (proms.md §10): Mannion 2009 is a COMI-back study; none is given for COMI neck.
    _set(
        "mannion2009",
        "comi_back",
        "12 months, global-outcome anchor (individual)",
        _MANNION_2009,
        _W,
        {None: (_t(MCID, 2.2), _t(DETERIORATION, 0.3))},
    ),
    _set(
        "mannion2009_group",
        "comi_back",
        "12 months, global-outcome anchor (group level)",
        _MANNION_2009,
        _W,
        {None: (_t(MCID, 2.6), _t(DETERIORATION, 1.2))},
        scope="group",
    ),
    # ZCQ (proms.md §11)
    _set(
        "stucki_trial",
        "zcq",
        "trial success criteria (e.g. X-STOP)",
        _STUCKI,
        _W,
        {
            "symptom_severity": (_t(SUCCESS, 0.5, unvalidated=True),),
            "physical_function": (_t(SUCCESS, 0.5, unvalidated=True),),
        },
        note="Trial success also needs satisfaction ≤ 2.5 at follow-up (see zcq.score interpretation).",
    ),
    _set(
        "scirep2025",
        "zcq",
        "Chinese ZCQ, non-surgical LSS",
        _ZCQ_CN,
        _W,
        {
            "symptom_severity": (_t(MCID, 0.21),),
            "physical_function": (_t(MCID, 0.16),),
        },
    ),
    # EQ-5D index (proms.md §9.10): the reference does not say which EQ-5D version the values are for.
    *(
        _set(id_, code, population, reference, _B, {None: (_t(MCID, points),)}, needs_review=True, note=note)
        for code in ("eq5d5l", "eq5d3l")
        for id_, population, reference, points, note in (
            (
                "qod_csm",
                "CSM, 2 and 5 years (QOD)",
                _QOD_CSM,
                0.11,
                "proms.md does not state the EQ-5D version (3L or 5L) or value set of this MCID.",
            ),
            (
                "japan_clbp",
                "chronic LBP (Japan); ΔEQ-5D matching ΔNRS ≥ 2",
                _SUZUKI,
                0.08,
                "proms.md names no source for this value; the attribution to Suzuki 2020 is inferred "
                "from §3. EQ-5D version not stated.",
            ),
        )
    ),
)

# Main-value domain of instruments whose ``value`` is one of their subscores.
_DEFAULT_DOMAIN = {"srs22r": "total"}
# Scales of the domains (for range checks), when they differ from the instrument range.
_DOMAIN_RANGES = {
    ("zcq", "symptom_severity"): (1.0, 5.0),
    ("zcq", "physical_function"): (1.0, 4.0),
}


def thresholds(code: str) -> tuple[ThresholdSet, ...]:
    """Return every threshold set for ``code`` (the first is the default), possibly empty.

    Raises :class:`UnknownInstrumentError` for a code that is neither in the catalogue nor in the
    threshold table.
    """
    sets = tuple(s for s in _SETS if s.code == code)
    if not sets and code not in _known_codes():
        raise UnknownInstrumentError(code, _known_codes())
    return sets


def classify_change(
    code: str,
    baseline: Any,
    follow_up: Any,
    *,
    threshold_set: str | None = None,
    domain: str | None = None,
) -> ChangeResult:
    """Classify a baseline/follow-up pair of one instrument against one threshold set.

    Parameters
    ----------
    code : str
        Instrument code, e.g. ``"odi"``, ``"ndi"``, ``"nrs_back"``, ``"mjoa"``, ``"srs22r"``,
        ``"comi_back"``, ``"zcq"``, ``"eq5d5l"``, ``"eq5d3l"``.
    baseline, follow_up : float or Result
        Scores on the instrument's scale (NDI on 0–100), or results of its ``score``; with a
        result and a ``domain`` the subscore of that name is used. ``None`` (or a result without
        a score) gives a result with ``value=None`` and the reason in ``details``.
    threshold_set : str, optional
        Id of a set from :func:`thresholds`; default: the first set listed for ``code``.
    domain : str, optional
        Subscore to classify (SRS-22r domains, ZCQ subscales); SRS-22r defaults to ``total``.

    Returns
    -------
    ChangeResult
        ``improvement`` (= ``value``, positive = better), ``percent_improvement`` (of the
        baseline), ``reached`` (kind → bool for the kinds the set defines; properties
        ``mcid_reached``, ``scb_reached``, ``pass_reached``, ``deteriorated``),
        ``interpretation`` (``deteriorated``, ``scb_reached``, ``mcid_reached``, ``success``,
        ``mdc_exceeded``, ``pass_reached``, ``recovered`` or ``not_reached``), ``threshold_set``
        and ``reference``. Flags: ``unvalidated`` when a threshold tagged [M] was used,
        ``needs_review`` when the set's applicability is uncertain.

    Examples
    --------
    >>> classify_change("comi_back", 6.5, 7.0).interpretation
    'deteriorated'
    >>> classify_change("mjoa", 10, 13, threshold_set="tetreault2015_severity").mcid_reached
    True

    References
    ----------
    See each set's ``reference``; proms.md §0.6 on population-specific thresholds.
    """
    chosen = _choose_set(code, threshold_set)
    domain = _choose_domain(chosen, domain)
    criteria = chosen.domains[domain]
    common = {
        "code": code,
        "version": f"change@{chosen.id}",
        "domain": domain,
        "threshold_set": chosen.id,
        "reference": chosen.reference,
    }
    base = _score_of("baseline", baseline, code, domain)
    follow = _score_of("follow_up", follow_up, code, domain)
    if base is None or follow is None:
        reason = "baseline score missing" if base is None else "follow-up score missing"
        return ChangeResult(
            baseline=base, follow_up=follow, details=frozen_mapping({"reason": reason}), **common
        )
    return _classify(chosen, criteria, base, follow, common)


def classify_all(
    code: str, baseline: Any, follow_up: Any, *, domain: str | None = None
) -> tuple[ChangeResult, ...]:
    """Classify the pair against every threshold set of ``code`` that covers ``domain``."""
    wanted = domain if domain is not None else _DEFAULT_DOMAIN.get(code)
    return tuple(
        classify_change(code, baseline, follow_up, threshold_set=s.id, domain=domain)
        for s in thresholds(code)
        if wanted in s.domains
    )


def _classify(chosen: ThresholdSet, criteria, base: float, follow: float, common: dict) -> ChangeResult:
    sign = 1.0 if chosen.direction == HIGHER_IS_BETTER else -1.0
    improvement = sign * (follow - base)
    percent = improvement / base * 100.0 if base > 0 else None
    reached: dict[str, bool] = {}
    flags: list[str] = []
    for criterion in criteria:
        if criterion.baseline_range is not None and not _within(base, criterion.baseline_range):
            continue
        hit = _reached(criterion, improvement, percent, sign * follow, sign)
        reached[criterion.kind] = reached.get(criterion.kind, False) or hit
        if criterion.unvalidated:
            flags.append(UNVALIDATED)
    if chosen.needs_review:
        flags.append(NEEDS_REVIEW)
    interpretation = next((name for kind, name in _PRIORITY if reached.get(kind)), "not_reached")
    details = {"population": chosen.population, "scope": chosen.scope, "note": chosen.note}
    if not reached:
        interpretation = None
        details["reason"] = "no threshold of this set applies to this baseline"
    return ChangeResult(
        value=improvement,
        interpretation=interpretation,
        flags=tuple(dict.fromkeys(flags)),
        details=frozen_mapping(details),
        baseline=base,
        follow_up=follow,
        improvement=improvement,
        percent_improvement=percent,
        reached=frozen_mapping(reached),
        **common,
    )


def _reached(
    criterion: Threshold, improvement: float, percent: float | None, signed_follow: float, sign: float
):
    if criterion.kind == DETERIORATION:
        return -improvement >= criterion.points - _TOLERANCE
    hits = []
    if criterion.points is not None:
        hits.append(improvement >= criterion.points - _TOLERANCE)
    if criterion.percent is not None:
        hits.append(percent is not None and percent >= criterion.percent - _TOLERANCE)
    if criterion.level is not None:
        level = sign * criterion.level
        if criterion.strict:
            hits.append(signed_follow > level + _TOLERANCE)
        else:
            hits.append(signed_follow >= level - _TOLERANCE)
    return any(hits)


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _choose_set(code: str, threshold_set: str | None) -> ThresholdSet:
    sets = thresholds(code)
    if not sets:
        raise ScoreInputError(
            "code", code, sorted({s.code for s in _SETS}), hint="no change thresholds in proms.md"
        )
    if threshold_set is None:
        return sets[0]
    for candidate in sets:
        if candidate.id == threshold_set:
            return candidate
    raise ScoreInputError("threshold_set", threshold_set, [s.id for s in sets])


def _choose_domain(chosen: ThresholdSet, domain: str | None) -> str | None:
    if domain is None:
        domain = _DEFAULT_DOMAIN.get(chosen.code)
    if domain not in chosen.domains:
        allowed = [d for d in chosen.domains if d is not None] or [None]
        raise ScoreInputError("domain", domain, allowed, hint=f"threshold set {chosen.id}")
    return domain


def _score_of(name: str, given: Any, code: str, domain: str | None) -> float | None:
    if isinstance(given, Result):
        if given.code != code:
            raise ScoreInputError(name, given.code, [code], hint="a result of another instrument")
        given = (
            given.value
            if domain is None or domain == _DEFAULT_DOMAIN.get(code)
            else given.subscores.get(domain)
        )
        if given is None:
            return None
    elif given is None:
        return None
    low, high = _range(code, domain)
    allowed = f"a number from {low:g} to {high:g}"
    if isinstance(given, bool) or not isinstance(given, (int, float)) or not math.isfinite(given):
        raise ScoreInputError(name, given, allowed)
    if not low <= given <= high:
        raise ScoreInputError(name, given, allowed)
    return float(given)


def _range(code: str, domain: str | None) -> tuple[float, float]:
    if (code, domain) in _DOMAIN_RANGES:
        return _DOMAIN_RANGES[(code, domain)]
    instrument = _instrument(code)
    if instrument is not None and instrument.score_range is not None:
        return instrument.score_range
    return (-math.inf, math.inf)


def _instrument(code: str) -> Instrument | None:
    try:
        return registry.get(code).INSTRUMENT
    except UnknownInstrumentError:
        return None  # e.g. an EQ-5D module not installed: the threshold table still works


def _known_codes() -> set[str]:
    return {instrument.code for instrument in registry.catalog()} | {s.code for s in _SETS}
