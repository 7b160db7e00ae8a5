"""What a coordinator works through: open follow-ups by urgency, phone tasks, and dashboard rows."""

from collections import Counter
from datetime import UTC

from django.db.models import Count, DurationField, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from openspine.proms import metrics
from openspine.proms.choices import NOT_ELIGIBLE_REASONS, FollowUpState, MessageStatus, PhoneTaskState

# Rows per section and page: four sections of 25 rows keep the page's render time (most of its
# cost once the queries are indexed) at half of what four sections of 50 took; the pager shows the rest.
PAGE_SIZE = 25
SECTION_KEYS = ("phone", "overdue", "today", "window")


# The columns a worklist row (proms/partials/follow_up_row.html and views._prepare_rows) reads.
ROW_FIELDS = (
    "public_id",
    "state",
    "timepoint",
    "due_on",
    "window_closes_on",
    "patient__public_id",
    "patient__name",
    "patient__mrn",
    "patient__contact_consent",
    "operation__primary_surgeon__username",
    "operation__primary_surgeon__display_name",
    "operation__diagnosis__disease_area",
    "diagnosis__disease_area",
    "phone_task__state",
)


def with_counts(queryset, *, phone=True):
    """Add what a worklist row shows: patient, surgeon, diagnosis, and the number of messages sent.

    The count is a correlated subquery per shown row, not a join and GROUP BY over every message.
    Only the columns a row shows are read (:data:`ROW_FIELDS`): it never shows the national ID, and
    shows the phone number only with an open phone task, so those are not read (nor decrypted)
    when not shown (``phone=False``).
    """
    from openspine.proms.models import Message

    related = ("patient", "operation__primary_surgeon", "operation__diagnosis", "diagnosis", "phone_task")
    sent = (
        Message.objects.filter(follow_up=OuterRef("pk"), status=MessageStatus.SENT)
        .order_by()
        .values("follow_up")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related(*related)
        .only(*ROW_FIELDS, *(["patient__phone"] if phone else []))
        .annotate(sent_count=Coalesce(Subquery(sent, output_field=IntegerField()), 0))
    )


def _section_specs(today):
    from django.utils.translation import gettext_lazy as _

    calling = Q(pk__in=_open_phone_task_follow_ups())
    not_calling = ~calling
    return [
        ("phone", _("Phone tasks"), calling, ("phone_task__due_on", "due_on", "pk")),
        ("overdue", _("Overdue"), Q(due_on__lt=today) & not_calling, ("due_on", "pk")),
        ("today", _("Due today"), Q(due_on=today) & not_calling, ("patient__mrn", "pk")),
        ("window", _("In window"), Q(due_on__gt=today) & not_calling, ("due_on", "pk")),
    ]


def _open_phone_task_follow_ups():
    from openspine.proms.models import PhoneTask

    return PhoneTask.objects.filter(state=PhoneTaskState.OPEN).values("follow_up_id")


def sections(queryset, today, pages=None) -> list[dict]:
    """Split open follow-ups (already filtered) into the worklist's sections, most urgent first.

    Phone tasks: a call is due (reminders went unanswered). Overdue: the due day has passed, the
    window is still open. Due today. In window: open, due day ahead. Each section shows one page of
    :data:`PAGE_SIZE` rows (``pages`` maps a section key to its 1-based page; a page past the end
    shows the last one) with its full count. The four counts are one query; each page is one more
    (:func:`_page`).
    """
    pages = pages or {}
    open_rows = queryset.open().order_by()
    specs = _section_specs(today)
    counts = open_rows.aggregate(**{key: Count("pk", filter=where) for key, _t, where, _o in specs})
    result = []
    for key, title, where, ordering in specs:
        count = counts[key] or 0
        last = max(1, -(-count // PAGE_SIZE))
        page = min(max(1, pages.get(key) or 1), last)
        offset = (page - 1) * PAGE_SIZE
        rows = list(_page(open_rows.filter(where), ordering, offset, phone=key == "phone")) if count else []
        result.append(
            {
                "key": key,
                "title": title,
                "count": count,
                "rows": rows,
                "page": page,
                "pages": last,
                "first_shown": offset + 1 if rows else 0,
                "last_shown": offset + len(rows),
                "previous_page": page - 1 if page > 1 else None,
                "next_page": page + 1 if page < last else None,
            }
        )
    return result


def _page(rows, ordering, offset: int, *, phone: bool):
    """One page of ``rows`` in ``ordering``, with what a row shows, as one query.

    The page's ids are picked by a narrow subquery (only what the filter and the order need), so
    the patient, operation, surgeon and diagnosis are joined for the page's rows only: ordered by
    the phone task's due day, the database otherwise joined every follow-up with an open phone
    task before sorting them.
    """
    page_ids = rows.order_by(*ordering).values("pk")[offset : offset + PAGE_SIZE]
    return with_counts(rows.model.objects.filter(pk__in=page_ids).order_by(*ordering), phone=phone)


def dashboard_rows(queryset) -> list[dict]:
    """Return plain rows for :mod:`openspine.proms.metrics`, one per follow-up of an operation.

    A baseline opened at admission counts once its operation is signed (it has no surgeon or month
    of surgery before that, and a stay may end without surgery). This loads every row: use it for
    exports and tests; the dashboard counts in SQL with :func:`dashboard_counts`.
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


# What each dashboard group is grouped by in SQL, and how a counted row gets its plain group value.
_GROUPS = {
    "surgeon": (
        ("operation__primary_surgeon__username", "operation__primary_surgeon__display_name"),
        lambda row: (
            row["operation__primary_surgeon__display_name"] or row["operation__primary_surgeon__username"]
        ),
    ),
    "disease_area": (
        ("operation__diagnosis__disease_area",),
        lambda row: row["operation__diagnosis__disease_area"],
    ),
    "surgery_month": (("surgery_month",), lambda row: row["surgery_month"].strftime("%Y-%m")),
}


def _count_filters(today) -> dict:
    """The four counts of :data:`metrics.COUNT_KEYS` as conditional aggregates (rules of metrics)."""
    excluded = Q(state=FollowUpState.CANCELLED, cancel_reason__in=NOT_ELIGIBLE_REASONS)
    closed = Q(window_closes_on__lt=today) & ~excluded
    still_open = Q(window_closes_on__gte=today) & ~excluded
    completed = Q(state=FollowUpState.COMPLETED)
    return {
        "eligible": Count("pk", filter=closed),
        "completed": Count("pk", filter=closed & completed),
        "immature": Count("pk", filter=still_open),
        "immature_completed": Count("pk", filter=still_open & completed),
    }


# Every dashboard table at once: grouped by all of these, then added up per table in Python.
ALL_GROUPS = ("surgeon", "disease_area", "surgery_month")


def dashboard_counts(queryset, today, group: str) -> list[dict]:
    """Count follow-ups of operations per (``group``, timepoint) in one GROUP BY query (one table).

    Returns plain rows ``{group: value, "timepoint": ..., "eligible": n, "completed": n,
    "immature": n, "immature_completed": n}`` for :func:`metrics.rates_from_counts`, with the same
    rules as :func:`metrics.is_eligible` and :func:`metrics.is_immature`. ``group`` is one of
    ``surgeon``, ``disease_area``, ``surgery_month``. The number of rows is the number of groups,
    whatever the number of follow-ups.
    """
    fields, value_of = _GROUPS[group]
    rows = queryset.filter(operation__isnull=False).order_by()
    if group == "surgery_month":
        rows = rows.annotate(surgery_month=TruncMonth("operation__performed_on"))
    counted = rows.values(*fields, "timepoint").annotate(**_count_filters(today))
    return [
        {group: value_of(row), "timepoint": row["timepoint"], **{key: row[key] for key in metrics.COUNT_KEYS}}
        for row in counted
    ]


def dashboard_tables(queryset, today) -> dict[str, list[dict]]:
    """Return :func:`dashboard_counts` for every group of :data:`ALL_GROUPS` from one pass.

    One GROUP BY over (surgeon, disease area, month of surgery, timepoint) reads the follow-ups
    once instead of once per table; Python then adds the counted rows up per table (counts are
    sums, so any grouping adds up to a coarser one). Its rows are group combinations, bounded by
    surgeons x areas x months x timepoints whatever the number of follow-ups. Surgeons are grouped
    by id and named from one query on the users.
    """
    counted = (
        queryset.filter(operation__isnull=False)
        .order_by()
        .annotate(surgery_month=TruncMonth("operation__performed_on"))
        .values_list(
            "operation__primary_surgeon_id",
            "operation__diagnosis__disease_area",
            "surgery_month",
            "timepoint",
        )
        .annotate(**_count_filters(today))
    )
    totals = {group: {} for group in ALL_GROUPS}
    for surgeon_id, area, month, timepoint, *counts in counted:
        for group, value in zip(ALL_GROUPS, (surgeon_id, area, month), strict=True):
            tally = totals[group].setdefault((value, timepoint), [0] * len(counts))
            for index, count in enumerate(counts):
                tally[index] += count
    names = _surgeon_names({surgeon_id for surgeon_id, _tp in totals["surgeon"]})
    label = {
        "surgeon": names.get,
        "disease_area": lambda area: area,
        "surgery_month": lambda month: month.strftime("%Y-%m"),
    }
    return {
        group: [
            {
                group: label[group](value),
                "timepoint": timepoint,
                **dict(zip(metrics.COUNT_KEYS, tally, strict=True)),
            }
            for (value, timepoint), tally in totals[group].items()
        ]
        for group in ALL_GROUPS
    }


def _surgeon_names(ids) -> dict:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "display_name", "username")
    return {pk: display_name or username for pk, display_name, username in users}


DASHBOARD_CACHE_SECONDS = 300


def dashboard_figures(queryset, today, *, cache_key: str) -> dict:
    """Return the dashboard's counted tables, median response days and when they were counted.

    Counting reads every follow-up of the department (one GROUP BY and the median), so the result
    is kept in the shared cache (the database cache by default, so every worker sees it) for
    :data:`DASHBOARD_CACHE_SECONDS`, per ``cache_key`` and day; the page shows ``counted_at``.
    """
    from django.core.cache import cache
    from django.utils import timezone

    return cache.get_or_set(
        f"proms.dashboard:{cache_key}:{today.isoformat()}",
        lambda: {
            "tables": dashboard_tables(queryset, today),
            "median_days": median_response_days(queryset),
            "counted_at": timezone.now(),
        },
        DASHBOARD_CACHE_SECONDS,
    )


def median_response_days(queryset) -> float | None:
    """Return :func:`metrics.median_response_days` over the follow-ups of operations, in one query.

    The database counts the completed follow-ups per number of response days (dates in UTC, as
    :func:`metrics.response_days` takes them): a few hundred distinct values, whatever the number
    of follow-ups, and no sort of every completed row. Python clips each count of days at zero and
    takes the median of that histogram (:func:`metrics.median_of_counts`).
    """
    completed = queryset.filter(
        operation__isnull=False, state=FollowUpState.COMPLETED, completed_at__isnull=False
    ).order_by()
    start = Coalesce(TruncDate("invited_at", tzinfo=UTC), "window_opens_on")
    days = ExpressionWrapper(TruncDate("completed_at", tzinfo=UTC) - start, output_field=DurationField())
    histogram = Counter()
    for delta, count in completed.annotate(days=days).values_list("days").annotate(n=Count("pk")):
        histogram[max(0, delta.days)] += count
    return metrics.median_of_counts(histogram)
