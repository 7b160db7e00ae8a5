"""Small-number rules for what the pages show (outcomes.md section 8) [R].

1. Internal staff dashboards (role-restricted, audited): counts are never suppressed; a rate
   with a denominator under 20 is shown with its interval and an "unstable" badge.
2. Exports leaving the department (reports, slides, the public profile page): counts 1-7 become
   "<8" with secondary suppression so totals cannot reveal them (or HES rounding to the nearest 5,
   configurable); no rate with a denominator under 20.
3. Suppression happens here, in the presentation layer; stored figures stay exact.

The thresholds follow NHS Digital's HES/ECDS disclosure control (counts 1-7 suppressed, others
rounded to 5; 2018) as adopted by outcomes.md section 8.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openspine.analytics.methods._base import check_choice, check_count

INTERNAL, EXTERNAL = "internal", "external"
AUDIENCES = (INTERNAL, EXTERNAL)
SUPPRESSED = "<8"
SMALLEST_SHOWN_COUNT = 8  # counts 1-7 are suppressed outside the department
MIN_RATE_DENOMINATOR = 20  # below it: "unstable" inside, no rate outside


@dataclass(frozen=True)
class RateDisplay:
    """How one rate may be shown to an audience."""

    show_rate: bool
    unstable: bool
    numerator_text: str
    denominator_text: str
    reason: str  # "" or "too_few_cases"


def count_text(count: int, *, audience: str = INTERNAL, rounding: str = "suppress") -> str:
    """Return ``count`` as the audience may see it: exact inside; "<8" (or rounded to 5) outside.

    ``rounding`` for external audiences: ``suppress`` (1-7 -> "<8", others exact) or ``hes``
    (1-7 -> "<8", every other count rounded to the nearest 5; 0 stays 0).
    """
    count = check_count("count", count)
    check_choice("audience", audience, AUDIENCES)
    check_choice("rounding", rounding, ("suppress", "hes"))
    if audience == INTERNAL or count == 0:
        return str(count)
    if count < SMALLEST_SHOWN_COUNT:
        return SUPPRESSED
    return str(5 * round(count / 5)) if rounding == "hes" else str(count)


def rate_display(numerator: int, denominator: int, *, audience: str = INTERNAL) -> RateDisplay:
    """Return whether the rate numerator / denominator may be shown, and its counts as text."""
    numerator, denominator = check_count("numerator", numerator), check_count("denominator", denominator)
    check_choice("audience", audience, AUDIENCES)
    small = denominator < MIN_RATE_DENOMINATOR
    if audience == INTERNAL:
        return RateDisplay(denominator > 0, small, str(numerator), str(denominator), "")
    return RateDisplay(
        not small,
        False,
        count_text(numerator, audience=EXTERNAL),
        count_text(denominator, audience=EXTERNAL),
        "too_few_cases" if small else "",
    )


def suppress_cells(cells: Mapping[str, int], *, audience: str = EXTERNAL) -> dict[str, str]:
    """Return the cells of one row of a table (whose total is published) as text, with secondary suppression.

    Primary: counts 1-7 become "<8". Secondary: when exactly one cell is suppressed, the total and
    the other cells would reveal it, so the smallest other non-zero cell is suppressed too.
    """
    check_choice("audience", audience, AUDIENCES)
    values = {key: check_count(key, value) for key, value in cells.items()}
    if audience == INTERNAL:
        return {key: str(value) for key, value in values.items()}
    hidden = {key for key, value in values.items() if 0 < value < SMALLEST_SHOWN_COUNT}
    if len(hidden) == 1:
        others = sorted((value, key) for key, value in values.items() if key not in hidden and value > 0)
        if others:
            hidden.add(others[0][1])
    return {key: SUPPRESSED if key in hidden else str(value) for key, value in values.items()}
