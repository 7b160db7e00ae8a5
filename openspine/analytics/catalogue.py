"""The indicator catalogue of outcomes.md section 1, as data.

One :class:`Indicator` per row of the reference's tables (S1-S10, E1-E7, D1, Q1-Q5), carrying only
what the reference says: numerator, denominator, windows, exclusions, direction, whether the
reference asks for risk adjustment before units are compared (section 3), and its evidence tags.
Where the reference marks something NOT FOUND or [M] (not re-read), ``caveat`` says so and the page
shows it. ``computable`` is about *this* data model: an indicator it cannot support yet names what
is missing in ``needs``.

Rules shared by every indicator (outcomes.md section 0 and 8), kept once here:

* unit of analysis: the signed index operation; a return to theatre inside the window of an earlier
  operation is that operation's outcome, not an index case of its own for the same window (0.1);
* windows are inclusive day counts from the operation (0.2), and an operation counts only once its
  window has closed, today - operation date >= window (0.3); the rest is "not yet mature";
* attribution to the primary (signing) surgeon, disease area from the operation's indication (0.4);
* internal pages never suppress counts; a rate with a denominator under 20 is "unstable"; a surgeon
  appears in a comparison only with n >= 30 and reliability >= 0.70 (8.1, 3.4).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ATTRIBUTION_RULE = "primary_surgeon"
MATURITY_RULE = "window_closed_and_signed"
SMALL_NUMBER_RULE = "internal_unstable_below_20"
COMPARISON_RULE = "n30_reliability070"
SECTION_0 = "outcomes.md 0.1-0.4"
# Mortality: counts with exact intervals, never ranked or compared (S7, 3.4).
EXACT_NEVER_RANKED = "exact_interval_never_ranked"


@dataclass(frozen=True)
class Indicator:
    """One catalogue indicator: what it counts, over what, when it is mature, and how sure the source is."""

    id: str
    section: str
    name: object
    numerator: object
    denominator: object
    windows: tuple[str, ...]
    exclusions: object
    higher_is_better: bool
    risk_adjusted: bool  # the reference adjusts for case mix before units are compared (section 3)
    compare_surgeons: bool  # a per-surgeon comparison is meaningful (never for mortality, section 3.4)
    evidence: str  # outcomes.md tags of the definition: V, M, R, NOT FOUND
    computable: bool
    needs: object = ""  # what the data model lacks, when not computable
    caveat: object = ""  # limits of the definition or of the data, shown beside the figure
    unconfirmed: bool = False  # the reference tags the definition [M] or NOT FOUND
    maturity: str = MATURITY_RULE  # when an operation enters the denominator (0.3)
    small_numbers: str = SMALL_NUMBER_RULE  # how small cells are shown (8)
    attribution: str = ATTRIBUTION_RULE  # who a figure belongs to (0.4)


DENOMINATOR = _("Signed index operations in the period whose window has closed")
NONE = _("None")
PLANNED = _("Planned staged procedures")

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        id="S1",
        section="1.1",
        name=_("Any complication"),
        numerator=_(
            "Index operations with at least one complication dated day 0-30, any Clavien-Dindo grade"
        ),
        denominator=DENOMINATOR,
        windows=("30d",),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V/M",
        computable=True,
    ),
    Indicator(
        id="S2",
        section="1.1",
        name=_("Major complication (Clavien-Dindo III or higher)"),
        numerator=_(
            "Index operations with at least one complication of Clavien-Dindo grade IIIa, IIIb, IVa, IVb "
            "or V dated day 0-30 (day 0-90)"
        ),
        denominator=DENOMINATOR,
        windows=("30d", "90d"),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="R",
        computable=True,
    ),
    Indicator(
        id="S3",
        section="1.1",
        name=_("Surgical site infection"),
        numerator=_(
            "SSI by CDC/NHSN criteria: superficial within 30 days; deep or organ/space within 90 days after "
            "fusion and 30 days after laminectomy or discectomy without implant"
        ),
        denominator=DENOMINATOR,
        windows=("30d", "90d"),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="M",
        computable=False,
        needs=_(
            "the NHSN surveillance periods confirmed (outcomes.md tags them [M], not re-read) and the "
            "NHSN category (FUSN / LAM) of each operation"
        ),
        caveat=_("NHSN surveillance periods not re-read in the reference"),
        unconfirmed=True,
    ),
    Indicator(
        id="S4",
        section="1.1",
        name=_("Unplanned return to theatre"),
        numerator=_(
            "Index operations followed by an unplanned operation for any cause dated day 1-30 (day 1-90)"
        ),
        denominator=DENOMINATOR,
        windows=("30d", "90d"),
        exclusions=PLANNED,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="M/V",
        computable=True,
        caveat=_(
            "Planned staged procedures are not flagged in the record yet: a revision of the index "
            "operation or an operation treating one of its complications counts as unplanned"
        ),
        unconfirmed=True,
    ),
    Indicator(
        id="S5",
        section="1.1",
        name=_("Unplanned reoperation rate (China, NHC 2022 target)"),
        numerator=_(
            "Index operations followed by an unplanned reoperation in the same admission or within 31 days"
        ),
        denominator=DENOMINATOR,
        windows=("31d",),
        exclusions=PLANNED,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V/NOT FOUND",
        computable=True,
        caveat=_(
            "The official formula was not found; the window is the reference's configurable default "
            "(same admission or 31 days)"
        ),
        unconfirmed=True,
    ),
    Indicator(
        id="S6",
        section="1.1",
        name=_("Unplanned readmission"),
        numerator=_(
            "Index operations followed by an unplanned admission after discharge and by day 30 (day 90) "
            "after surgery"
        ),
        denominator=DENOMINATOR,
        windows=("30d", "90d", "31d_discharge"),
        exclusions=_("Planned readmissions; transfers of the index admission"),
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V",
        computable=True,
        caveat=_(
            "Only readmissions to this hospital are recorded; the Chinese split of the 31 days after "
            "discharge (0 / 2-15 / 16-31 days) is not shown yet"
        ),
    ),
    Indicator(
        id="S7",
        section="1.1",
        name=_("Mortality"),
        numerator=_("Deaths from any cause in hospital, by day 30 and by day 90"),
        denominator=DENOMINATOR,
        windows=("in_hospital", "30d", "90d"),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="R",
        computable=True,
        small_numbers=EXACT_NEVER_RANKED,
    ),
    Indicator(
        id="S8",
        section="1.1",
        name=_("Length of stay"),
        numerator=_("Median and interquartile range of days from operation to discharge"),
        denominator=_("Signed index operations in the period whose admission has ended"),
        windows=("discharge",),
        exclusions=_("Deaths in hospital (reported separately)"),
        higher_is_better=False,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="R",
        computable=True,
        caveat=_("Prolonged stay needs a reference period per procedure group; not computed yet"),
        maturity="discharged_and_signed",
    ),
    Indicator(
        id="S9",
        section="1.1",
        name=_("Procedure-specific events"),
        numerator=_(
            "Durotomy, new neurological deficit, implant malposition needing revision, VTE, C5 palsy"
        ),
        denominator=DENOMINATOR,
        windows=(),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V",
        computable=False,
        needs=_(
            "a window for these events (the reference gives none) and C5 palsy as a complication category"
        ),
    ),
    Indicator(
        id="S10",
        section="1.1",
        name=_("Two-sided complication capture"),
        numerator=_("Share of patient-reported complications also recorded by a surgeon, and vice versa"),
        denominator=_("Complications reported by patients (or by surgeons)"),
        windows=(),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="V",
        computable=False,
        needs=_("a link between a patient-reported and a surgeon-reported record of the same event"),
    ),
    Indicator(
        id="E1",
        section="1.2",
        name=_("Mean PROM change"),
        numerator=_(
            "Mean of follow-up minus baseline, sign-normalised, with a t interval; complete pairs only"
        ),
        denominator=_("Operations with a baseline and a follow-up score at the timepoint"),
        windows=("3m", "12m", "24m"),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="R",
        computable=True,
        caveat=_(
            "Complete case only: read it beside the follow-up rate (Q1); the timepoint is the follow-up's "
            "protocol timepoint, whose default windows are those of outcomes.md 2.1"
        ),
        maturity="follow_up_window_closed",
    ),
    Indicator(
        id="E2",
        section="1.2",
        name=_("MCID responders"),
        numerator=_(
            "Share whose improvement reaches the instrument's MCID (thresholds and sources from proms.md)"
        ),
        denominator=_("Operations with a baseline and a follow-up score at the timepoint"),
        windows=("3m", "12m", "24m"),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="M",
        computable=True,
        caveat=_(
            "Counted for instruments whose first MCID set is a plain points rule; percentage and "
            "baseline-dependent rules are not counted yet"
        ),
    ),
    Indicator(
        id="E3",
        section="1.2",
        name=_("Patient acceptable symptom state (PASS)"),
        numerator=_("Share whose follow-up score is at or better than the PASS cut-off"),
        denominator=_("Operations with a follow-up score at the timepoint"),
        windows=("3m", "12m", "24m"),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="R",
        computable=False,
        needs=_("baseline-follow-up pairing in the database (methods exist; not wired to the page yet)"),
    ),
    Indicator(
        id="E4",
        section="1.2",
        name=_("Success (registry definition)"),
        numerator=_(
            "For example ODI improvement of at least 22 points at 12 months (NORspine disc herniation)"
        ),
        denominator=_("Operations with a baseline and a 12-month ODI"),
        windows=("12m",),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V",
        computable=False,
        needs=_("baseline-follow-up pairing in the database"),
    ),
    Indicator(
        id="E5",
        section="1.2",
        name=_("Global assessment and satisfaction"),
        numerator=_("Share 'much better / completely recovered' or satisfied"),
        denominator=_("Operations with the anchor item answered at the timepoint"),
        windows=("3m", "12m", "24m"),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V",
        computable=False,
        needs=_("a global assessment or satisfaction item in the follow-up protocols"),
    ),
    Indicator(
        id="E6",
        section="1.2",
        name=_("Deterioration"),
        numerator=_("Share worse by at least the MCID"),
        denominator=_("Operations with a baseline and a follow-up score at the timepoint"),
        windows=("3m", "12m", "24m"),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="R",
        computable=True,
        caveat=_("Worse by at least the set's deterioration threshold, or by its MCID when it has none [R]"),
    ),
    Indicator(
        id="E7",
        section="1.2",
        name=_("Return to work"),
        numerator=_("Among patients employed before surgery, share back at work by 3 and 12 months"),
        denominator=_("Patients employed before surgery"),
        windows=("3m", "12m"),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="V",
        computable=False,
        needs=_("employment status before surgery and return-to-work dates"),
    ),
    Indicator(
        id="D1",
        section="1.3",
        name=_("Reoperation-free survival"),
        numerator=_("Cumulative incidence of any reoperation at 1, 2 and 5 years, death as a competing risk"),
        denominator=_("Signed index operations"),
        windows=("1y", "2y", "5y"),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=True,
        compare_surgeons=True,
        evidence="R",
        computable=False,
        needs=_("the date each patient was last known alive and event-free (last_contact_on)"),
    ),
    Indicator(
        id="Q1",
        section="1.3",
        name=_("Follow-up rate"),
        numerator=_("Completed questionnaires at the timepoint"),
        denominator=_("Operations whose follow-up window has closed, deaths excluded (and reported)"),
        windows=("timepoint",),
        exclusions=_("Deaths, consent withdrawn, reoperation (a new series starts)"),
        higher_is_better=True,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="V",
        computable=True,
        maturity="follow_up_window_closed",
    ),
    Indicator(
        id="Q2",
        section="1.3",
        name=_("Baseline PROM capture"),
        numerator=_("Operations with a baseline questionnaire completed 0-90 days before surgery"),
        denominator=_("Signed index operations in the period"),
        windows=("0d",),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="R",
        computable=True,
        maturity="signed",
    ),
    Indicator(
        id="Q3",
        section="1.3",
        name=_("Registry capture"),
        numerator=_("Registry operations / operating-room log (HIS) operations for the same period"),
        denominator=_("Operations in the hospital's operating-room log"),
        windows=(),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="V",
        computable=False,
        needs=_("an import of the hospital's operating-room log"),
    ),
    Indicator(
        id="Q4",
        section="1.3",
        name=_("Timeliness"),
        numerator=_("Median days from surgery to the signed record"),
        denominator=_("Signed operations in the period"),
        windows=(),
        exclusions=NONE,
        higher_is_better=False,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="R",
        computable=True,
        maturity="signed",
    ),
    Indicator(
        id="Q5",
        section="1.3",
        name=_("Volume"),
        numerator=_("Operations per surgeon and disease area in the period"),
        denominator=_("Signed index operations in the period"),
        windows=(),
        exclusions=NONE,
        higher_is_better=True,
        risk_adjusted=False,
        compare_surgeons=False,
        evidence="R",
        computable=True,
        caveat=_(
            "Per procedure group is not shown: an operation may hold procedures of several groups and "
            "the reference gives no rule for its group"
        ),
        maturity="signed",
    ),
)

BY_ID = {indicator.id: indicator for indicator in CATALOGUE}

# Window of each variant in days after the operation (outcomes.md 0.2: inclusive day counts).
WINDOW_DAYS = {"0d": 0, "30d": 30, "31d": 31, "90d": 90}

WINDOW_LABELS = {
    "0d": _("at surgery"),
    "30d": _("30 days"),
    "31d": _("same admission or 31 days"),
    "90d": _("90 days"),
    "31d_discharge": _("31 days after discharge"),
    "in_hospital": _("in hospital"),
    "discharge": _("until discharge"),
}


def get(indicator_id: str) -> Indicator:
    """Return the catalogue entry ``indicator_id`` (KeyError names it if there is none)."""
    return BY_ID[indicator_id]
