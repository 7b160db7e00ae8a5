"""Counts and progress of a case log (teaching.md 5): plain functions over entries, tested alone.

Only confirmed entries of a still-signed operation count; pending ones are shown apart. An entry
counts once per category and once per requirement, however many categories it has.
"""

from dataclasses import dataclass

from openspine.teaching.choices import Category, EntryState, RaterRole, Zwisch

OPEN_STATES = (EntryState.PENDING, EntryState.DISPUTED)


def _counts(entry) -> bool:
    return entry.state == EntryState.CONFIRMED and entry.operation.status == "signed"


ZWISCH_ORDER = list(Zwisch.values)
TRAJECTORY_CASES = 5  # teaching.md 5: median Zwisch of the last 5 confirmed cases


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label: str
    confirmed: int
    pending: int
    median_zwisch: str = ""
    first_supervision_only: object = None

    @property
    def median_label(self) -> str:
        return str(Zwisch(self.median_zwisch).label) if self.median_zwisch else ""


def _attending_level(entry) -> str:
    levels = [r.value for r in entry.ratings.all() if r.rater_role == RaterRole.ATTENDING]
    return levels[-1] if levels else ""


def autonomy(confirmed_entries) -> tuple[str, object]:
    """Return (median Zwisch of the last five attending-rated cases, date of the first supervision_only).

    The median of an even number of ordinal levels is the lower middle one, so it never claims
    more autonomy than half the cases showed.
    """
    rated = sorted((e for e in confirmed_entries if _attending_level(e)), key=lambda e: e.performed_on)
    if not rated:
        return "", None
    last = sorted(ZWISCH_ORDER.index(_attending_level(e)) for e in rated[-TRAJECTORY_CASES:])
    median = ZWISCH_ORDER[last[(len(last) - 1) // 2]]
    first = next((e.performed_on for e in rated if _attending_level(e) == Zwisch.SUPERVISION_ONLY), None)
    return median, first


def category_counts(entries) -> list[CategoryCount]:
    """Return confirmed and pending counts and the autonomy trajectory per category."""
    rows = []
    for category in Category:
        mine = [e for e in entries if category.value in e.categories]
        confirmed = [e for e in mine if _counts(e)]
        pending = sum(1 for e in mine if e.state in OPEN_STATES)
        if confirmed or pending:
            median, first = autonomy(confirmed)
            rows.append(
                CategoryCount(category.value, str(category.label), len(confirmed), pending, median, first)
            )
    return rows


@dataclass(frozen=True)
class Progress:
    label: str
    minimum: int
    confirmed: int
    pending: int
    credit_roles: tuple

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.confirmed / self.minimum))

    @property
    def pending_percent(self) -> int:
        return min(100 - self.percent, round(100 * self.pending / self.minimum))


def requirement_progress(entries, requirement_set) -> list[Progress]:
    """Return progress toward each requirement of ``requirement_set`` (None gives no rows)."""
    if requirement_set is None:
        return []
    rows = []
    for requirement in requirement_set.requirements.all():
        wanted, roles = set(requirement.categories), set(requirement.credit_roles)
        mine = [e for e in entries if wanted & set(e.categories) and e.credit_role in roles]
        rows.append(
            Progress(
                label=requirement.label,
                minimum=requirement.minimum,
                confirmed=sum(1 for e in mine if _counts(e)),
                pending=sum(1 for e in mine if e.state in OPEN_STATES),
                credit_roles=tuple(requirement.credit_roles),
            )
        )
    return rows
