"""The audit trail. ``audit.record(actor, "app.model.verb", obj, before=..., after=...)`` from services."""


def record(*args, **kwargs):
    """Append an audit event (see :func:`openspine.audit.services.record`)."""
    from openspine.audit.services import record as _record

    return _record(*args, **kwargs)
