"""Operations and complications on the patient timeline (registered in ``SurgeryConfig.ready``)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from openspine.patients.timeline import Entry
from openspine.surgery.models import Complication


def operations(patient) -> Iterable[Entry]:
    """Yield one entry per operation; procedures are prefetched so the page stays at a few queries."""
    for operation in patient.operations.prefetch_related("procedures"):
        yield Entry(
            operation.performed_on,
            "operation",
            _("Operation"),
            "surgery/partials/entry_operation.html",
            operation,
        )


def complications(patient) -> Iterable[Entry]:
    """Yield one entry per complication of any of the patient's operations."""
    rows = Complication.objects.filter(operation__patient=patient).select_related("operation")
    for complication in rows:
        yield Entry(
            complication.onset_on,
            "complication",
            _("Complication"),
            "surgery/partials/entry_complication.html",
            complication,
        )
