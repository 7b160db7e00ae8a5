"""The follow-up state machine: the only place that changes ``FollowUp.state``."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core.errors import DomainError
from openspine.proms.choices import FollowUpState as S
from openspine.proms.models import FollowUp, FollowUpTransition

ALLOWED: dict[str, frozenset[str]] = {
    S.SCHEDULED: frozenset({S.DUE, S.MISSED, S.CANCELLED}),
    S.DUE: frozenset({S.INVITED, S.OPENED, S.COMPLETED, S.MISSED, S.CANCELLED}),
    S.INVITED: frozenset({S.OPENED, S.COMPLETED, S.MISSED, S.CANCELLED}),
    S.OPENED: frozenset({S.COMPLETED, S.MISSED, S.CANCELLED}),
    # A paper questionnaire brought to clinic after the window closed is still worth keeping.
    S.MISSED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}


def can_move(follow_up: FollowUp, to_state: str) -> bool:
    """Return True if ``follow_up`` may move from its current state to ``to_state``."""
    return to_state in ALLOWED[follow_up.state]


def move(follow_up: FollowUp, to_state: str, *, actor=None, reason: str = "", at=None) -> FollowUpTransition:
    """Move ``follow_up`` to ``to_state`` and record the transition; refuse a move the table forbids.

    Call it inside the caller's transaction, on a row locked with ``select_for_update``.
    """
    if not can_move(follow_up, to_state):
        raise DomainError(
            _("A follow-up cannot go from %(from)s to %(to)s; allowed: %(allowed)s.")
            % {
                "from": follow_up.state,
                "to": to_state,
                "allowed": ", ".join(sorted(ALLOWED[follow_up.state])) or "-",
            }
        )
    at = at or timezone.now()
    transition = FollowUpTransition.objects.create(
        follow_up=follow_up, from_state=follow_up.state, to_state=to_state, at=at, actor=actor, reason=reason
    )
    follow_up.state = to_state
    follow_up.state_changed_at = at
    fields = ["state", "state_changed_at", "updated_at"]
    if to_state == S.INVITED and follow_up.invited_at is None:
        follow_up.invited_at = at
        fields.append("invited_at")
    if to_state == S.COMPLETED:
        follow_up.completed_at = at
        fields.append("completed_at")
    follow_up.save(update_fields=fields)
    return transition
