"""Optimistic locking: save only if nobody saved the row since it was read (T-41)."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine.core.errors import ConflictError

_NEVER_WRITTEN = {"id", "version", "created_at", "public_id"}


def save_with_version(obj, expected_version: int) -> None:
    """Write every field of ``obj`` with ``UPDATE ... WHERE version = expected``; raise on a stale version.

    On a conflict nothing is written and :class:`ConflictError` carries the current row, so the view
    can show the other user's change next to the input it keeps.
    """
    model = type(obj)
    obj.updated_at = timezone.now()
    fields = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in _NEVER_WRITTEN and not field.primary_key
    }
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if updated == 0:
        current = model.objects.get(pk=obj.pk)
        raise ConflictError(
            _("Someone else saved this record while you were editing. Review their change and save again."),
            current=current,
        )
    obj.version = expected_version + 1
