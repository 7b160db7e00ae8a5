"""The operations behind a figure (outcomes.md 9.2: "click a point for its case list").

:func:`cases_behind` returns the mature index operations that form one rule's denominator in a
scope (the same maturity and return-to-theatre rules as the figure), those with the event first.
Who sees what is decided by the view: the director every surgeon's cases, a surgeon their own;
identifiers (hospital number, a link to the operation) only for roles that may see patients.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper

from openspine.analytics import casemix, indicators
from openspine.surgery.forms import GROUP_LABELS
from openspine.surgery.models import OperationProcedure

MAX_CASES = 500


@dataclass(frozen=True)
class CaseRow:
    public_id: object
    performed_on: object
    mrn: str
    surgeon: str
    disease_area: str
    procedure_group: str
    asa_grade: int
    event: bool


def cases_behind(operations, key: str, today, *, surgeon_id=None) -> tuple[list[CaseRow], int, int]:
    """Return (rows, denominator, numerator) of rule ``key`` over ``operations`` (at most 500 rows)."""
    rule = indicators.rule_by_key(key)
    mature, excluded, event = indicators.maturity(rule, today)
    chosen = operations.filter(mature).exclude(excluded)
    if surgeon_id is not None:
        chosen = chosen.filter(primary_surgeon_id=surgeon_id)
    chosen = chosen.annotate(flag=ExpressionWrapper(event, output_field=BooleanField()))
    denominator = chosen.count()
    numerator = chosen.filter(flag=True).count()
    records = list(
        chosen.order_by("-flag", "performed_on", "pk").values_list(
            "pk",
            "public_id",
            "performed_on",
            "patient__mrn",
            "primary_surgeon__display_name",
            "diagnosis__disease_area",
            "asa_grade",
            "flag",
        )[:MAX_CASES]
    )
    codes: dict[int, list[str]] = {}
    procedures = OperationProcedure.objects.filter(operation_id__in=[r[0] for r in records]).order_by()
    for operation_id, code in procedures.values_list("operation_id", "code"):
        codes.setdefault(operation_id, []).append(code)
    rows = [
        CaseRow(
            public_id,
            day,
            mrn,
            surgeon or "",
            area,
            str(GROUP_LABELS[casemix.main_group(codes.get(pk, ()))]),
            asa,
            bool(flag),
        )
        for pk, public_id, day, mrn, surgeon, area, asa, flag in records
    ]
    return rows, denominator, numerator
