"""Audit events of a bulk-written batch, in the order the services would have recorded them."""

from openspine.audit.services import record_many


class Events:
    """Audit events of a batch, kept in each patient's service order (stay, step) until written."""

    def __init__(self):
        self.rows = []

    def add(self, plan, stay: int, step: int, actor, action: str, obj, **values):
        self.rows.append(
            (
                (plan.index, stay, step, len(self.rows)),
                {"actor": actor, "action": action, "obj": obj, **values},
            )
        )

    def write(self) -> int:
        events = [event for _key, event in sorted(self.rows, key=lambda row: row[0])]
        self.rows = []
        return record_many(events)


# Steps of one stay, in the order the services record them.
ADMISSION, BASELINE_AT_ADMISSION, DIAGNOSIS, BASELINE, OPERATION, SIGNED, CLOSED, SERIES, COMPLICATION = (
    range(9)
)
