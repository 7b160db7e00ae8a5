"""Case-mix rows for the risk models: one plain row per mature index operation (outcomes.md 3.1).

:func:`case_rows` reads the signed operations of a queryset with two queries (the operations with
their outcome flag, then their procedure codes) and returns plain dicts that
:func:`openspine.analytics.methods.risk.fit_risk_model` and ``RiskModel.predict`` take.

Predictors are those of the reference's "OpenSpine minimum set" [R] that the record holds today:
age, sex, ASA grade, urgency (ASA E), number of levels, prior spine surgery (the operation is a
revision), diagnosis group (disease area), procedure group and approach. BMI, smoking, diabetes,
osteoporosis and symptom duration are not recorded yet, so they are not in the model (the card
says so). Nothing the surgeon controls during the operation (time, blood loss, implants) is used
(3.1). Age enters linearly: the restricted cubic splines of guardrail 3.2.6 are not implemented.

Population [R, 3.1]: tumour, tuberculosis / infection, trauma and spinal cord injury are left out
of the degenerative benchmark, "pooling them makes adjustment meaningless".

The order matters: a predictor that earlier ones determine (collinear) is left out and named
(:func:`openspine.analytics.services.fit_risk_model`), so the procedure group comes before the
disease area and the approach.

"levels" is the number of vertebrae from the most cranial to the most caudal level treated.

Missing values are never dropped (3.2.6): unknown levels become ``levels_unknown = 1`` with
``levels = 0`` (a missing-indicator term).

Procedure group of an operation with several procedures: the most extensive of its groups, in
:data:`GROUP_PRECEDENCE` (a choice of ours; the reference only says "from the operation record").
"""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, ExpressionWrapper

from openspine.analytics import indicators
from openspine.patients.choices import DiseaseArea
from openspine.surgery.choices import OperationKind, procedure_group
from openspine.surgery.models import OperationProcedure

EXCLUDED_AREAS = (
    DiseaseArea.PRIMARY_TUMOUR,
    DiseaseArea.METASTATIC_TUMOUR,
    DiseaseArea.INFECTION,
    DiseaseArea.TRAUMA,
    DiseaseArea.SPINAL_CORD_INJURY,
)
PREDICTORS = (
    "age",
    "sex",
    "asa_grade",
    "emergency",
    "levels",
    "levels_unknown",
    "revision",
    "procedure_group",
    "disease_area",
    "approach",
)
NOT_RECORDED = ("BMI", "smoking", "diabetes", "osteoporosis", "symptom duration", "employment")
GROUP_PRECEDENCE = (
    "tumour",
    "osteotomy",
    "deformity",
    "infection",
    "fusion",
    "arthroplasty",
    "stabilisation",
    "laminoplasty",
    "augmentation",
    "decompression",
    "discectomy",
    "other",
)


def population(operations):
    """Return the operations the degenerative benchmark covers (the excluded areas left out)."""
    return operations.exclude(diagnosis__disease_area__in=EXCLUDED_AREAS)


def population_record() -> dict:
    """Describe the population for the model card."""
    return {"excluded_disease_areas": [str(a) for a in EXCLUDED_AREAS], "unit": "signed index operation"}


def main_group(codes) -> str:
    """Return the most extensive procedure group among ``codes`` (see :data:`GROUP_PRECEDENCE`)."""
    groups = {procedure_group(code) for code in codes} or {"other"}
    return next(group for group in GROUP_PRECEDENCE if group in groups)


def case_rows(operations, outcome: str, today: date) -> list[dict]:
    """Return one row per mature index operation of ``operations`` for ``outcome`` (``S1_30d``).

    Each row has ``operation_id``, ``surgeon_id``, ``performed_on``, the outcome under the key
    ``y`` (0/1) and every name in :data:`PREDICTORS`. Rows come in operation order (date, start).
    """
    rule = indicators.rule_by_key(outcome)
    mature, excluded, event = indicators.maturity(rule, today)
    chosen = (
        population(operations)
        .filter(mature)
        .exclude(excluded)
        .annotate(flag=ExpressionWrapper(event, output_field=BooleanField()))
        .order_by("performed_on", "started_at", "pk")
    )
    fields = (
        "pk",
        "primary_surgeon",
        "performed_on",
        "patient__birth_date",
        "patient__sex",
        "asa_grade",
        "asa_emergency",
        "level_from",
        "level_to",
        "kind",
        "diagnosis__disease_area",
        "approach",
        "flag",
        "public_id",
    )
    records = list(chosen.values_list(*fields))
    codes: dict[int, list[str]] = {}
    procedures = OperationProcedure.objects.filter(operation__in=chosen.values("pk")).order_by()
    for operation_id, code in procedures.values_list("operation_id", "code"):
        codes.setdefault(operation_id, []).append(code)
    return [_row(record, codes.get(record[0], ())) for record in records]


def _row(record, codes) -> dict:
    (
        pk,
        surgeon,
        day,
        born,
        sex,
        asa,
        emergency,
        level_from,
        level_to,
        kind,
        area,
        approach,
        flag,
        public_id,
    ) = record
    known = level_from is not None and level_to is not None
    return {
        "operation_id": pk,
        "public_id": public_id,
        "surgeon_id": surgeon,
        "performed_on": day,
        "y": int(bool(flag)),
        "age": _age(born, day),
        "sex": sex,
        "asa_grade": asa,
        "emergency": int(emergency),
        "levels": level_to - level_from + 1 if known else 0,
        "levels_unknown": 0 if known else 1,
        "revision": int(kind == OperationKind.REVISION),
        "disease_area": area,
        "procedure_group": main_group(codes),
        "approach": approach,
    }


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
