from django.conf import settings

from openspine.accounts.roles import CAPABILITIES, can


def capabilities(request):
    """Expose ``can.patient_view`` etc. so templates show only what the role may use."""
    user = getattr(request, "user", None)
    return {"can": {name.replace(".", "_"): can(user, name) for name in CAPABILITIES}}


def session(request):
    """Expose the idle timeout so the page can warn before the server ends the session (T-15)."""
    return {"session_idle_seconds": settings.SESSION_IDLE_SECONDS}
