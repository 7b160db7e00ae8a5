"""The only way to load a follow-up from a URL (STYLE.md section 6)."""

from openspine.patients.access import load_for
from openspine.proms.models import FollowUp

ACTION_CAPABILITY = {"view": "followup.manage", "manage": "followup.manage"}


def get_follow_up_for(user, public_id, *, action: str = "view") -> FollowUp:
    """Return the follow-up ``public_id`` if ``user`` may ``action`` it: 403 by role, 404 by department."""
    queryset = FollowUp.objects.visible_to(user).select_related(
        "patient", "operation__primary_surgeon", "operation__diagnosis", "admission", "diagnosis"
    )
    viewed = "proms.followup.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=ACTION_CAPABILITY[action], viewed=viewed)
