"""The only way to load a follow-up from a URL (STYLE.md section 6)."""

from django.http import Http404

from openspine import audit
from openspine.patients.access import check_capability
from openspine.proms.models import FollowUp

ACTION_CAPABILITY = {"view": "followup.manage", "manage": "followup.manage"}


def get_follow_up_for(user, public_id, *, action: str = "view") -> FollowUp:
    """Return the follow-up ``public_id`` if ``user`` may ``action`` it: 403 by role, 404 by department."""
    check_capability(user, ACTION_CAPABILITY[action], target=str(public_id))
    follow_up = (
        FollowUp.objects.visible_to(user)
        .select_related(
            "patient", "operation__primary_surgeon", "operation__diagnosis", "admission", "diagnosis"
        )
        .filter(public_id=public_id)
        .first()
    )
    if follow_up is None:
        raise Http404
    if action == "view":
        audit.record(user, "proms.followup.viewed", follow_up)
    return follow_up
