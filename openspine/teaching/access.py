"""The only way to load a case-log entry from a URL (STYLE.md section 6).

404 when the user may not know the entry exists: another department, or (for a trainee) someone
else's entry. 403 when the role may not do ``action``; a refused confirmation by an attending who
is not the one of record is refused and audited by the service.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from openspine import audit
from openspine.accounts.roles import can
from openspine.teaching.models import CaseLogEntry

ENTRY_CAPABILITY = {"confirm": "caselog.confirm", "rate": "caselog.view_own"}


def get_case_log_entry_for(user, public_id, *, action: str) -> CaseLogEntry:
    """Return the entry with ``public_id`` if ``user`` may ``action`` it ("confirm" or "rate")."""
    queryset = CaseLogEntry.objects.select_related("operation", "operation__patient", "trainee", "attending")
    entry = queryset.filter(public_id=public_id, operation__patient__department_id=user.department_id).first()
    if entry is None:
        raise Http404
    if not can(user, ENTRY_CAPABILITY[action]):
        audit.record(user, "access.denied", None, after={"capability": ENTRY_CAPABILITY[action]})
        raise PermissionDenied
    if action == "rate" and entry.trainee_id != user.pk:
        raise Http404
    return entry
