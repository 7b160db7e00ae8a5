"""Many signed operations at once, written with bulk inserts (the services would take minutes).

Only for the risk-model tests: the rows are what the demo's bulk writer produces, one patient,
admission and diagnosis per disease area shared by every operation (the indicators only look at
the operation, its complications and its returns to theatre).
"""

from datetime import date, time, timedelta

from openspine.core import levels
from openspine.surgery.models import Complication, Operation, OperationProcedure
from tests import builders


def bulk_operations(surgeon, cases, *, area="lumbar_degenerative", start=date(2024, 1, 2)):
    """Write one signed operation per case dict (``asa``, ``complication`` grade or None, ``surgeon``).

    Operations are one day apart from ``start``; returns them in order.
    """
    patient = builders.make_patient(actor=surgeon)
    admission = builders.make_admission(
        patient,
        actor=surgeon,
        admitted_on=start - timedelta(days=1),
        discharged_on=None,
        discharge_destination="",
    )
    diagnosis = builders.make_diagnosis(patient, actor=surgeon, disease_area=area)
    operations = []
    for n, case in enumerate(cases):
        day = start + timedelta(days=n)
        operations.append(
            Operation(
                patient=patient,
                admission=admission,
                diagnosis=diagnosis,
                performed_on=day,
                started_at=builders.aware(day, time(8, 30)),
                ended_at=builders.aware(day, time(11, 0)),
                primary_surgeon=case.get("surgeon", surgeon),
                asa_grade=case.get("asa", 2),
                approach=case.get("approach", "posterior"),
                technique="open",
                level_from=levels.parse("L4"),
                level_to=levels.parse(case.get("to", "L5")),
                status="signed",
                created_by=surgeon,
            )
        )
    Operation.objects.bulk_create(operations)
    OperationProcedure.objects.bulk_create(
        OperationProcedure(operation=op, code=case.get("procedure", "fusion_tlif"))
        for op, case in zip(operations, cases, strict=True)
    )
    Complication.objects.bulk_create(
        Complication(
            operation=op,
            category="dural_tear",
            timing="intraoperative",
            onset_on=op.performed_on,
            clavien_dindo=case["complication"],
            reported_by="surgeon",
        )
        for op, case in zip(operations, cases, strict=True)
        if case.get("complication")
    )
    return operations
