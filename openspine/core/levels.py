"""The vertebral level scale, C0 (occiput) to S5, stored as small integers in scale order.

Storing the position rather than the label lets the database check that a range runs from the
cranial to the caudal level (``level_from <= level_to``) and makes "contiguous" a matter of
integers.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

LABELS = (
    ["C0"]
    + [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
CHOICES = [(index, label) for index, label in enumerate(LABELS)]
MAX_INDEX = len(LABELS) - 1
_INDEX = {label: index for index, label in enumerate(LABELS)}


def label(index: int | None) -> str:
    """Return the label of a level index ("L4"), or "" for None."""
    return "" if index is None else LABELS[index]


def parse(value: str, field: str = "level") -> int:
    """Return the index of a level label such as "L4", raising a ValidationError naming the field."""
    key = str(value).strip().upper()
    if key not in _INDEX:
        raise ValidationError(
            {
                field: _("%(value)s is not a vertebral level; use C0-C7, T1-T12, L1-L5 or S1-S5.")
                % {"value": value}
            }
        )
    return _INDEX[key]


def range_label(level_from: int | None, level_to: int | None) -> str:
    """Return "L4-L5" for a range, "L4" for one level and "" for none."""
    if level_from is None:
        return ""
    if level_to is None or level_to == level_from:
        return label(level_from)
    return f"{label(level_from)}-{label(level_to)}"


def check_range(level_from: int | None, level_to: int | None, *, required: bool = False) -> None:
    """Raise a ValidationError naming the field unless the range is valid and ordered cranial to caudal."""
    if level_from is None and level_to is None:
        if required:
            raise ValidationError({"level_from": _("Give the first level of the range.")})
        return
    if level_from is None:
        raise ValidationError({"level_from": _("Give the first level as well as the last.")})
    if level_to is None:
        raise ValidationError({"level_to": _("Give the last level as well as the first.")})
    if level_to < level_from:
        raise ValidationError(
            {
                "level_to": _("The last level (%(to)s) must be at or below the first level (%(from)s).")
                % {"to": label(level_to), "from": label(level_from)}
            }
        )


def range_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Return the database backstops of a ``level_from``/``level_to`` range: known levels, ordered."""
    return [
        models.CheckConstraint(
            condition=Q(level_from__isnull=True)
            | Q(level_to__isnull=True)
            | Q(level_to__gte=F("level_from")),
            name=f"{prefix}_levels_ordered",
        ),
        models.CheckConstraint(condition=Q(level_from__lte=MAX_INDEX), name=f"{prefix}_level_from_valid"),
        models.CheckConstraint(condition=Q(level_to__lte=MAX_INDEX), name=f"{prefix}_level_to_valid"),
    ]
