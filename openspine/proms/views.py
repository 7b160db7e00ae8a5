"""The coordinator's worklist, a follow-up's page and actions, staff questionnaire entry, the dashboard."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine import audit
from openspine.accounts.roles import can
from openspine.core.errors import DomainError
from openspine.core.forms import run_service
from openspine.core.htmx import is_htmx_partial, render_page_or_partial
from openspine.patients.access import check_capability
from openspine.patients.choices import DiseaseArea
from openspine.proms import metrics, services, worklist
from openspine.proms.access import get_follow_up_for
from openspine.proms.choices import PENDING_STATES, FollowUpState, timepoint_label
from openspine.proms.filters import WorklistFilter
from openspine.proms.forms import (
    CancelFollowUpsForm,
    PhoneCallForm,
    ProtocolForm,
    ResponseEntryForm,
    timepoints_text,
)
from openspine.proms.instruments import instrument_name, parse_answers
from openspine.proms.models import FollowUp, Protocol


@require_GET
def followup_list(request):
    """List what to chase today: phone tasks, overdue, due today and in window, with filters."""
    check_capability(request.user, "followup.manage", target="followup_list")
    form = WorklistFilter(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "proms/followup_filter_error.html", {"form": form}, status=400)
    today = timezone.localdate()
    follow_ups = form.apply(FollowUp.objects.visible_to(request.user))
    sections = worklist.sections(follow_ups, today, form.pages())
    for section in sections:
        section["previous_url"] = _page_url(request, section["key"], section["previous_page"])
        section["next_url"] = _page_url(request, section["key"], section["next_page"])
        _prepare_rows(section["rows"])
    # The list shows names and hospital numbers, so looking at it is audited (as patient search is).
    audit.record(request.user, "proms.worklist.viewed", None, after={s["key"]: s["count"] for s in sections})
    context = {"form": form, "sections": sections, "today": today, **_row_context()}
    return render_page_or_partial(
        request, "proms/followup_list.html", "proms/partials/worklist_sections.html", context
    )


_PLACEHOLDER = str(uuid.UUID(int=0))
_ROW_ACTIONS = ("resend", "call", "detail")


def _prepare_rows(rows) -> None:
    """Give each worklist row its links and labels, worked out once per page instead of per row.

    A page has up to 100 rows: reversing four URLs and looking up two choice labels per row was
    most of its render time. Each ``fu`` gets ``urls``, ``state_label`` and ``area_label`` (the
    disease area of the operation, or of the diagnosis before the operation, as
    :attr:`FollowUp.disease_area_display` gives it).
    """
    follow_up = {name: reverse(f"proms:followup_{name}", args=[_PLACEHOLDER]) for name in _ROW_ACTIONS}
    patient = reverse("patients:patient_detail", args=[_PLACEHOLDER])
    states = {value: str(label) for value, label in FollowUpState.choices}
    areas = {value: str(label) for value, label in DiseaseArea.choices}
    for fu in rows:
        fu.urls = {name: url.replace(_PLACEHOLDER, str(fu.public_id)) for name, url in follow_up.items()}
        fu.urls["patient"] = patient.replace(_PLACEHOLDER, str(fu.patient.public_id))
        fu.state_label = states.get(fu.state, fu.state)
        source = fu.operation.diagnosis if fu.operation_id else fu.diagnosis
        fu.area_label = areas.get(source.disease_area, source.disease_area) if source else ""


def _row_context() -> dict:
    """What every worklist row shares, translated once per page: its texts and the call outcomes.

    The outcomes' ``<option>`` list is the same in every row, so it is built (and escaped) once
    here instead of by a template loop in each of up to 100 rows.
    """
    call_form = PhoneCallForm()
    outcomes = format_html_join(
        "", '<option value="{}">{}</option>', call_form.fields["outcome"].choices
    )
    row_text = {
        "patient": _("Patient"),
        "no_contact_consent": _("no contact consent"),
        "phone": _("Phone"),
        "timepoint": _("Timepoint"),
        "before_surgery": _("before surgery"),
        "due": _("Due"),
        "window_closes": _("Window closes"),
        "state": _("State"),
        "messages_sent": _("Messages sent"),
        "surgeon": _("Surgeon"),
        "actions": _("Actions"),
        "resend": _("Resend"),
        "call_outcome": _("Call outcome"),
        "log_call": _("Log call"),
        "enter_answers": _("Enter answers"),
    }
    return {"call_form": call_form, "call_outcomes": outcomes, "row_text": row_text}


def _page_url(request, key: str, page: int | None) -> str:
    """The worklist URL with the current filters and ``page`` for section ``key`` ("" for no page)."""
    if page is None:
        return ""
    query = request.GET.copy()
    query[f"page_{key}"] = str(page)
    return f"{request.path}?{query.urlencode()}"


@require_GET
def followup_detail(request, public_id):
    """One follow-up: its questionnaires, messages, calls and state history."""
    follow_up = get_follow_up_for(request.user, public_id)
    answered = {r.instrument: r for r in follow_up.responses.all()}
    language = translation.get_language()
    kinds = [(code, False) for code in follow_up.instruments]
    kinds += [(code, True) for code in follow_up.clinician_tasks]
    codes = [
        {
            "code": code,
            "name": instrument_name(code, language),
            "response": answered.get(code),
            "clinician": is_cl,
        }
        for code, is_cl in kinds
    ]
    context = {
        "follow_up": follow_up,
        "is_pending": follow_up.state in PENDING_STATES,
        "codes": codes,
        "call_form": PhoneCallForm(),
        "cancel_form": CancelFollowUpsForm(),
        "deliveries": follow_up.messages.prefetch_related("deliveries"),
        "calls": [
            call for task in [getattr(follow_up, "phone_task", None)] if task for call in task.calls.all()
        ],
    }
    return render(request, "proms/followup_detail.html", context)


def _error_text(form) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


def _row_response(request, follow_up, *, notice="", error=""):
    """Re-render the worklist row for HTMX, or go back to the follow-up page with a message."""
    if is_htmx_partial(request):
        follow_up = worklist.with_counts(FollowUp.objects.filter(pk=follow_up.pk)).get()
        _prepare_rows([follow_up])
        context = {"fu": follow_up, "notice": notice, "error": error, **_row_context()}
        return render(request, "proms/partials/follow_up_row.html", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("proms:followup_detail", public_id=follow_up.public_id)


@require_POST
def followup_resend(request, public_id):
    """Send the invitation again (after commit); refused for a closed follow-up or without consent."""
    follow_up = get_follow_up_for(request.user, public_id, action="manage")
    try:
        services.resend_invitation(follow_up, actor=request.user)
    except DomainError as error:
        return _row_response(request, follow_up, error=str(error))
    return _row_response(request, follow_up, notice=_("Invitation sent again."))


@require_POST
def followup_call(request, public_id):
    """Log a phone call and its outcome."""
    follow_up = get_follow_up_for(request.user, public_id, action="manage")
    form = PhoneCallForm(request.POST)
    if not form.is_valid():
        if is_htmx_partial(request):
            return _row_response(request, follow_up, error=_error_text(form))
        return render(request, "proms/followup_filter_error.html", {"form": form}, status=400)
    services.log_phone_call(follow_up, actor=request.user, **form.cleaned_data)
    return _row_response(request, follow_up, notice=_("Call logged."))


@require_POST
def followup_cancel(request, public_id):
    """Cancel every pending follow-up of the patient (lost to contact, consent withdrawn, died)."""
    follow_up = get_follow_up_for(request.user, public_id, action="manage")
    form = CancelFollowUpsForm(request.POST)
    if not form.is_valid():
        return render(request, "proms/followup_filter_error.html", {"form": form}, status=400)
    count = services.cancel_follow_ups(follow_up.patient, actor=request.user, **form.cleaned_data)
    messages.success(request, _("%(count)s pending follow-ups cancelled.") % {"count": count})
    return redirect("proms:followup_detail", public_id=follow_up.public_id)


@require_http_methods(["GET", "POST"])
def response_enter(request, public_id, code):
    """Enter one questionnaire on the patient's behalf (by phone or in clinic)."""
    follow_up = get_follow_up_for(request.user, public_id, action="manage")
    if code not in follow_up.all_codes:
        raise Http404
    if request.method == "GET":  # the page names the patient (T-35)
        audit.record(request.user, "proms.followup.opened_for_edit", follow_up, after={"instrument": code})
    initial = {"language": follow_up.patient.preferred_language, "mode": "phone"}
    language = translation.get_language()
    form = ResponseEntryForm(request.POST or None, code=code, ui_language=language, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: _record(follow_up, code, request.POST, form.cleaned_data, request.user)
        )
        if saved:
            messages.success(request, _("Questionnaire saved: score %(value)s.") % {"value": saved.value})
            return redirect("proms:followup_detail", public_id=follow_up.public_id)
    context = {"follow_up": follow_up, "form": form, "code": code, "name": instrument_name(code, language)}
    return render(request, "proms/response_form.html", context, status=400 if form.errors else 200)


def _record(follow_up, code, post, cleaned, actor):
    answers = parse_answers(code, post)
    return services.record_response(
        follow_up, code, answers, mode=cleaned["mode"], language=cleaned["language"], actor=actor
    )


@require_GET
def followup_dashboard(request):
    """Completion rates per timepoint, by surgeon, disease area and month of surgery; response time."""
    check_capability(request.user, "followup.dashboard", target="followup_dashboard")
    today = timezone.localdate()
    follow_ups = FollowUp.objects.visible_to(request.user)
    # Counted in SQL in one GROUP BY for every table and kept a few minutes in the shared cache.
    # Every row has one disease area (or none), so the per-timepoint totals are the disease-area
    # table added up.
    figures = worklist.dashboard_figures(
        follow_ups, today, cache_key=f"department-{request.user.department_id}"
    )
    tables = figures["tables"]
    overall = metrics.rates_from_counts(tables["disease_area"], lambda r: (r["timepoint"],))
    overall.sort(key=lambda rate: metrics.timepoint_sort_key(rate.key[0]))
    # Surgeon names and counts per surgeon: reading them is audited like the worklist.
    audit.record(request.user, "proms.dashboard.viewed", None, after={"counted_at": figures["counted_at"]})
    context = {
        "today": today,
        "counted_at": figures["counted_at"],
        "recount_minutes": worklist.DASHBOARD_CACHE_SECONDS // 60,
        "overall": overall,
        "chart": [
            {"label": timepoint_label(r.key[0]), "percent": r.percent, "eligible": r.eligible}
            for r in overall
        ],
        "median_days": figures["median_days"],
        "by_surgeon": metrics.pivot_counts(tables["surgeon"], "surgeon"),
        "by_area": _labelled(
            metrics.pivot_counts(tables["disease_area"], "disease_area"), dict(DiseaseArea.choices)
        ),
        "by_month": metrics.pivot_counts(tables["surgery_month"], "surgery_month"),
    }
    return render(request, "proms/followup_dashboard.html", context)


def _labelled(pivoted, labels):
    timepoints, table = pivoted
    return timepoints, [(labels.get(value, value), rates) for value, rates in table]


@require_GET
def protocol_list(request):
    """The follow-up protocols: which questionnaires at which timepoints, per disease area."""
    if not can(request.user, "system.configure"):  # the admin who edits them may read them too
        check_capability(request.user, "followup.dashboard", target="protocol_list")
    protocols = Protocol.objects.prefetch_related("versions__timepoints")
    rows = [
        {"protocol": p, "version": max(p.versions.all(), key=lambda v: v.number, default=None)}
        for p in protocols
    ]
    return render(request, "proms/protocol_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def protocol_edit(request, public_id):
    """Change a protocol; the change is saved as a new version and existing follow-ups keep theirs."""
    check_capability(request.user, "system.configure", target=str(public_id))
    protocol = get_object_or_404(Protocol, public_id=public_id)
    current = protocol.current_version
    form = ProtocolForm(
        request.POST or None, initial={"timepoints": timepoints_text(current) if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = run_service(
            form,
            lambda: services.revise_protocol(
                protocol, data["timepoints"], actor=request.user, note=data["note"]
            ),
        )
        if version:
            messages.success(request, _("Protocol saved as version %(number)s.") % {"number": version.number})
            return redirect("proms:protocol_list")
    context = {"protocol": protocol, "form": form, "versions": protocol.versions.select_related("created_by")}
    return render(request, "proms/protocol_form.html", context, status=400 if form.errors else 200)
