"""What a coordinator works through: open follow-ups by urgency, phone tasks, and dashboard rows."""

from django.db.models import Count, Q

from openspine.proms.choices import MessageStatus, PhoneTaskState

SECTION_LIMIT = 100


def with_counts(queryset):
    """Add what a worklist row shows: patient, surgeon, diagnosis, and the number of messages sent."""
    related = ("patient", "operation__primary_surgeon", "operation__diagnosis", "diagnosis", "phone_task")
    return queryset.select_related(*related).annotate(
        sent_count=Count("messages", filter=Q(messages__status=MessageStatus.SENT))
    )


def sections(queryset, today) -> list[dict]:
    """Split open follow-ups (already filtered) into the worklist's sections, most urgent first.

    Phone tasks: a call is due (reminders went unanswered). Overdue: the due day has passed, the
    window is still open. Due today. In window: open, due day ahead. Each lists at most
    :data:`SECTION_LIMIT` rows, with the full count.
    """
    from django.utils.translation import gettext_lazy as _

    open_rows = queryset.open()
    calling = Q(phone_task__state=PhoneTaskState.OPEN)
    specs = [
        ("phone", _("Phone tasks"), open_rows.filter(calling).order_by("phone_task__due_on", "due_on")),
        ("overdue", _("Overdue"), open_rows.filter(due_on__lt=today).exclude(calling).order_by("due_on")),
        ("today", _("Due today"), open_rows.filter(due_on=today).exclude(calling).order_by("patient__mrn")),
        ("window", _("In window"), open_rows.filter(due_on__gt=today).exclude(calling).order_by("due_on")),
    ]
    return [
        {"key": key, "title": title, "count": rows.count(), "rows": list(with_counts(rows)[:SECTION_LIMIT])}
        for key, title, rows in specs
    ]


def dashboard_rows(queryset) -> list[dict]:
    """Return plain rows for :mod:`openspine.proms.metrics`, one per follow-up of an operation.

    A baseline opened at admission counts once its operation is signed (it has no surgeon or month
    of surgery before that, and a stay may end without surgery).
    """
    values = queryset.filter(operation__isnull=False).values(
        "timepoint",
        "state",
        "cancel_reason",
        "window_opens_on",
        "window_closes_on",
        "invited_at",
        "completed_at",
        "operation__performed_on",
        "operation__diagnosis__disease_area",
        "operation__primary_surgeon__username",
        "operation__primary_surgeon__display_name",
    )
    rows = []
    for row in values:
        row["surgeon"] = row.pop("operation__primary_surgeon__display_name") or row.pop(
            "operation__primary_surgeon__username"
        )
        row.pop("operation__primary_surgeon__username", None)
        row["disease_area"] = row.pop("operation__diagnosis__disease_area")
        row["surgery_month"] = row.pop("operation__performed_on").strftime("%Y-%m")
        rows.append(row)
    return rows
