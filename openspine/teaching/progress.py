"""Counts and progress of a case log (teaching.md 5): plain functions over entries, tested alone.

Only confirmed entries of a still-signed operation count; pending ones are shown apart. An entry
counts once per category and once per requirement, however many categories it has.
"""

from dataclasses import dataclass

from openspine.teaching.choices import Category, EntryState

OPEN_STATES = (EntryState.PENDING, EntryState.DISPUTED)


def _counts(entry) -> bool:
    return entry.state == EntryState.CONFIRMED and entry.operation.status == "signed"


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label: str
    confirmed: int
    pending: int


def category_counts(entries) -> list[CategoryCount]:
    """Return confirmed and pending counts per category, in the order of the category list."""
    rows = []
    for category in Category:
        mine = [e for e in entries if category.value in e.categories]
        confirmed = sum(1 for e in mine if _counts(e))
        pending = sum(1 for e in mine if e.state in OPEN_STATES)
        if confirmed or pending:
            rows.append(CategoryCount(category.value, str(category.label), confirmed, pending))
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
