import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy


class FollowUpState(models.TextChoices):
    """Where a follow-up stands; :data:`openspine.proms.transitions.ALLOWED` says how it may move."""

    SCHEDULED = "scheduled", pgettext_lazy("follow-up state", "Scheduled")
    DUE = "due", pgettext_lazy("follow-up state", "Due")
    INVITED = "invited", pgettext_lazy("follow-up state", "Invited")
    OPENED = "opened", pgettext_lazy("follow-up state", "Opened")
    COMPLETED = "completed", pgettext_lazy("follow-up state", "Completed")
    MISSED = "missed", pgettext_lazy("follow-up state", "Missed")
    CANCELLED = "cancelled", pgettext_lazy("follow-up state", "Cancelled")


# States in which the patient may still answer and reminders may go out.
OPEN_STATES = (FollowUpState.DUE, FollowUpState.INVITED, FollowUpState.OPENED)
# States not yet finished: cancelling a patient's follow-ups touches these.
PENDING_STATES = (FollowUpState.SCHEDULED, *OPEN_STATES)


class CancelReason(models.TextChoices):
    """Why pending follow-ups were cancelled; death and consent withdrawal leave the denominator."""

    DECEASED = "deceased", _("Patient died")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent to contact withdrawn")
    LOST_TO_CONTACT = "lost_to_contact", _("Lost to contact")
    REOPERATION = "reoperation", _("Reoperation started a new series")
    OTHER = "other", _("Other")


# Cancellations that remove a follow-up from the completion-rate denominator: the patient could
# not answer (death), may not be asked (consent withdrawn), or the question no longer applies
# (a reoperation started a new series). Loss of contact stays in: it is a follow-up failure.
NOT_ELIGIBLE_REASONS = (CancelReason.DECEASED, CancelReason.CONSENT_WITHDRAWN, CancelReason.REOPERATION)


class ResponseMode(models.TextChoices):
    SELF = "self", _("Self-completed online")
    PHONE = "phone", _("By phone with a coordinator")
    CLINIC = "clinic", _("In clinic")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class MessageStatus(models.TextChoices):
    """``sending`` is written and committed before the gateway is called: a crash leaves it there,
    and it is never retried automatically, so a message goes out at most once."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class PhoneTaskState(models.TextChoices):
    OPEN = "open", pgettext_lazy("phone task state", "Open")
    DONE = "done", pgettext_lazy("phone task state", "Done")
    CANCELLED = "cancelled", pgettext_lazy("phone task state", "Cancelled")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused")


class SeriesCloseReason(models.TextChoices):
    REOPERATION = "reoperation", _("Reoperation")
    COMPLETED = "completed", _("All timepoints finished")
    CANCELLED = "cancelled", _("Follow-up cancelled")


BASELINE_LABEL = "baseline"
_MONTHS_LABEL = re.compile(r"^(\d{1,3})m$")


def timepoint_label(label: str) -> str:
    """Return the display name of a stored timepoint label: ``baseline`` → Baseline, ``12m`` → 12 months.

    The stored label stays the short, stable key (protocols, filters and exports use it); labels
    of another shape are shown as stored.
    """
    if label == BASELINE_LABEL:
        return str(pgettext_lazy("timepoint", "Baseline"))
    match = _MONTHS_LABEL.match(label or "")
    if match:
        months = int(match.group(1))
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return label
