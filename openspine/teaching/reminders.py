"""Tell attendings what waits for their confirmation: at derivation, then at +1 and +7 days.

teaching.md 3: prompt the attending as soon as the operation is signed, remind at +1 and +7 days,
and stop the moment the entry is confirmed. Messages carry counts and a link, never a patient.
The reminder task runs from ``manage.py run_periodic`` (``proms.periodic``); a run that finds
nothing due sends nothing, and a second run on the same day sends nothing more.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from openspine.proms.periodic import register
from openspine.teaching.choices import EntryState
from openspine.teaching.models import CaseLogEntry

REMINDER_DAYS = (1, 7)


def _send(attending, count: int) -> None:
    if not attending.email or not count:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("teaching:confirmation_list")
    send_mail(
        _("OpenSpine: %(count)s case-log entries to confirm") % {"count": count},
        _("%(count)s trainee case-log entries wait for your confirmation: %(link)s")
        % {"count": count, "link": link},
        None,
        [attending.email],
    )


def notify_after_commit(entries) -> None:
    """Queue one message per attending about new pending ``entries`` once the sign-off commits."""
    counts = Counter(e.attending for e in entries if e.state == EntryState.PENDING)
    for attending, count in counts.items():
        transaction.on_commit(lambda a=attending, n=count: _send(a, n))


@register("teaching_confirmation_reminders")
def remind_attendings(today) -> int:
    """Send the +1 and +7 day reminders for entries still pending; return the number of entries reminded."""
    due = []
    with transaction.atomic():
        pending = CaseLogEntry.objects.select_for_update().filter(
            state__in=(EntryState.PENDING, EntryState.DISPUTED), reminders_sent__lt=len(REMINDER_DAYS)
        )
        for entry in pending.select_related("attending"):
            if entry.derived_at.date() + timedelta(days=REMINDER_DAYS[entry.reminders_sent]) <= today:
                entry.reminders_sent += 1
                due.append(entry)
        CaseLogEntry.objects.bulk_update(due, ["reminders_sent"])
        for attending, count in Counter(e.attending for e in due).items():
            transaction.on_commit(lambda a=attending, n=count: _send(a, n))
    return len(due)
