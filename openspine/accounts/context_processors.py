from openspine.accounts.roles import CAPABILITIES, can


def capabilities(request):
    """Expose ``can.patient_view`` etc. so templates show only what the role may use."""
    user = getattr(request, "user", None)
    return {"can": {name.replace(".", "_"): can(user, name) for name in CAPABILITIES}}
