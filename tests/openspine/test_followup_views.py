"""Coordinator pages: worklist with filters, one-click actions, staff entry, dashboard, timeline, access."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from openspine.audit.models import AuditEvent
from openspine.proms import messaging, services
from openspine.proms.models import Message, PhoneCallLog, QuestionnaireResponse
from openspine.proms.transitions import move
from tests.openspine.test_followup_engine import SURGERY_DAY, at, follow_up, signed_operation

TODAY = SURGERY_DAY + timedelta(days=90)  # the 3-month due day


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def today_is_the_3_month_due_day():
    messaging.outbox.clear()
    with time_machine.travel(at(TODAY), tick=False):
        yield
    messaging.outbox.clear()


@pytest.fixture
def due_follow_up(surgeon):
    fu = follow_up(signed_operation(surgeon), "3m")
    move(fu, "due")
    return fu


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("surgeon", 200),
        ("director", 200),
        ("resident", 403),
        ("researcher", 403),
        ("teacher", 403),
        ("auditor", 403),
        ("admin", 403),
        ("secadmin", 403),
        ("anaesthetist", 403),
    ],
)
@pytest.mark.parametrize("page", ["list", "dashboard", "detail"])
def test_follow_up_pages_by_persona(request, client_for, due_follow_up, persona, status, page):
    user = request.getfixturevalue(persona)
    urls = {
        "list": reverse("proms:followup_list"),
        "dashboard": reverse("proms:followup_dashboard"),
        "detail": reverse("proms:followup_detail", args=[due_follow_up.public_id]),
    }
    assert client_for(user).get(urls[page]).status_code == status


def test_anonymous_is_sent_to_login(client, due_follow_up):
    response = client.get(reverse("proms:followup_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_other_department_sees_an_empty_worklist_and_no_follow_up(client_for, outsider, due_follow_up):
    client = client_for(outsider)
    page = client.get(reverse("proms:followup_list"))
    assert page.status_code == 200 and due_follow_up.patient.name not in page.content.decode()
    assert client.get(reverse("proms:followup_detail", args=[due_follow_up.public_id])).status_code == 404


def test_worklist_shows_the_follow_up_due_today_and_is_audited(client_for, coordinator, due_follow_up):
    page = client_for(coordinator).get(reverse("proms:followup_list"))
    body = page.content.decode()
    assert due_follow_up.patient.name in body and str(due_follow_up.public_id) in body
    assert f'class="date">{due_follow_up.due_on:%Y-%m-%d}</td>' in body
    assert '<option value="no_answer">No answer</option>' in body  # the call outcomes, in every row
    sections = {s["key"]: s for s in page.context["sections"]}
    assert [fu.pk for fu in sections["today"]["rows"]] == [due_follow_up.pk]
    assert sections["overdue"]["count"] == 0
    assert AuditEvent.objects.filter(action="proms.worklist.viewed", actor=coordinator).exists()


def test_worklist_filters_by_surgeon_area_and_timepoint(client_for, coordinator, surgeon, due_follow_up):
    client = client_for(coordinator)
    url = reverse("proms:followup_list")
    hit = client.get(
        url, {"surgeon": surgeon.username, "disease_area": "lumbar_degenerative", "timepoint": "3m"}
    )
    assert hit.status_code == 200 and due_follow_up.patient.name in hit.content.decode()
    miss = client.get(url, {"timepoint": "12m"})
    assert miss.status_code == 200 and due_follow_up.patient.name not in miss.content.decode()


@pytest.mark.parametrize(
    ("param", "value", "named"),
    [("disease_area", "knee", "lumbar_degenerative"), ("timepoint", "99m", "baseline, 3m, 12m, 24m")],
)
def test_a_bad_filter_value_is_a_400_naming_the_allowed_values(client_for, coordinator, param, value, named):
    response = client_for(coordinator).get(reverse("proms:followup_list"), {param: value})
    body = response.content.decode()
    assert response.status_code == 400
    assert param in body and value in body and named in body


def test_resend_by_htmx_queues_and_sends_once_and_returns_the_row(
    client_for, coordinator, due_follow_up, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    url = reverse("proms:followup_resend", args=[due_follow_up.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert (
        response.content.decode().lstrip().startswith("<tr")
        and "Invitation sent again" in response.content.decode()
    )
    message = Message.objects.get(follow_up=due_follow_up)
    assert (message.resend, message.status, message.requested_by) == (1, "sent", coordinator)
    assert len(messaging.outbox) == 1
    due_follow_up.refresh_from_db()
    assert due_follow_up.state == "invited"
    assert AuditEvent.objects.filter(action="proms.message.queued", actor=coordinator).exists()


def test_resend_is_refused_for_a_completed_follow_up(client_for, coordinator, due_follow_up):
    move(due_follow_up, "completed")
    response = client_for(coordinator).post(
        reverse("proms:followup_resend", args=[due_follow_up.public_id]), HTTP_HX_REQUEST="true"
    )
    assert "Only an open follow-up can be resent" in response.content.decode()
    assert not Message.objects.exists()


def test_log_a_call_outcome(client_for, coordinator, due_follow_up):
    response = client_for(coordinator).post(
        reverse("proms:followup_call", args=[due_follow_up.public_id]),
        {"outcome": "no_answer", "note": "try after 6pm"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    call = PhoneCallLog.objects.get()
    assert (call.outcome, call.caller, call.note) == ("no_answer", coordinator, "try after 6pm")
    assert AuditEvent.objects.filter(action="proms.phonecall.logged").exists()


def test_a_bad_call_outcome_is_a_400_naming_the_allowed_values(client_for, coordinator, due_follow_up):
    response = client_for(coordinator).post(
        reverse("proms:followup_call", args=[due_follow_up.public_id]), {"outcome": "voicemail"}
    )
    assert response.status_code == 400 and "outcome" in response.content.decode()
    assert not PhoneCallLog.objects.exists()


def test_resident_cannot_act_on_follow_ups(client_for, resident, due_follow_up):
    client = client_for(resident)
    assert client.post(reverse("proms:followup_resend", args=[due_follow_up.public_id])).status_code == 403
    assert (
        client.post(
            reverse("proms:followup_call", args=[due_follow_up.public_id]), {"outcome": "reached"}
        ).status_code
        == 403
    )
    assert not Message.objects.exists() and not PhoneCallLog.objects.exists()


def test_coordinator_enters_odi_by_phone_from_the_form(client_for, coordinator, due_follow_up):
    client = client_for(coordinator)
    url = reverse("proms:response_enter", args=[due_follow_up.public_id, "odi"])
    form_page = client.get(url)
    assert form_page.status_code == 200 and "lifting" in form_page.content.decode()
    data = {item: "2" for item in ("pain_intensity", "personal_care", "lifting", "walking", "sitting")}
    data.update({item: "2" for item in ("standing", "sleeping", "social_life", "travelling")})
    data.update({"sex_life": "na", "mode": "phone", "language": "zh-hans"})
    response = client.post(url, data)
    assert response.status_code == 302
    saved = QuestionnaireResponse.objects.get(follow_up=due_follow_up, instrument="odi")
    assert (saved.value, saved.mode, saved.entered_by, saved.answers["sex_life"]) == (
        40.0,
        "phone",
        coordinator,
        "na",
    )


def test_entry_with_an_out_of_range_value_is_refused_naming_the_item(client_for, coordinator, due_follow_up):
    url = reverse("proms:response_enter", args=[due_follow_up.public_id, "eq_vas"])
    response = client_for(coordinator).post(url, {"vas": "170", "mode": "clinic", "language": "en"})
    assert response.status_code == 400 and "vas" in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_entry_for_an_instrument_the_follow_up_does_not_ask_is_404(client_for, coordinator, due_follow_up):
    url = reverse("proms:response_enter", args=[due_follow_up.public_id, "ndi"])
    assert client_for(coordinator).get(url).status_code == 404


def test_cancel_pending_follow_ups_from_the_follow_up_page(client_for, coordinator, due_follow_up):
    url = reverse("proms:followup_cancel", args=[due_follow_up.public_id])
    response = client_for(coordinator).post(url, {"reason": "lost_to_contact", "note": "number disconnected"})
    assert response.status_code == 302
    due_follow_up.refresh_from_db()
    assert (due_follow_up.state, due_follow_up.cancel_reason) == ("cancelled", "lost_to_contact")


def test_timeline_shows_scores_change_from_baseline_and_mcid(client_for, surgeon, coordinator):
    operation = signed_operation(surgeon)
    baseline = follow_up(operation, "baseline")
    move(baseline, "due")
    odi = {k: 0 for k in ("pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing")}
    odi.update({k: 0 for k in ("sleeping", "sex_life", "social_life", "travelling")})
    services.record_response(
        baseline,
        "odi",
        {**odi, "lifting": 5, "walking": 5, "sitting": 5, "standing": 5, "travelling": 3},
        mode="clinic",
        language="zh-hans",
        actor=coordinator,
    )
    services.record_response(
        baseline, "eq_vas", {"vas": 50}, mode="clinic", language="zh-hans", actor=coordinator
    )
    three = follow_up(operation, "3m")
    move(three, "due")
    services.record_response(three, "odi", {**odi, "lifting": 1}, mode="self", language="zh-hans")
    services.record_response(three, "eq_vas", {"vas": 80}, mode="self", language="zh-hans")
    page = client_for(surgeon).get(reverse("patients:patient_detail", args=[operation.patient.public_id]))
    body = page.content.decode()
    assert "Follow-up 3 months" in body
    assert "-44" in body  # ODI 46 -> 2
    assert "MCID reached" in body and "MCID unavailable for this instrument" in body


def test_worklist_in_chinese(client_for, coordinator, due_follow_up):
    client = client_for(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    body = client.get(reverse("proms:followup_list")).content.decode()
    assert "随访工作清单" in body and "今日到期" in body and "记录通话" in body


def test_worklist_query_count_does_not_grow_with_rows(client_for, coordinator, surgeon):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(coordinator)

    def queries_for_worklist():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("proms:followup_list"))
        return len(captured)

    move(follow_up(signed_operation(surgeon), "3m"), "due")
    one = queries_for_worklist()
    for _ in range(5):
        move(follow_up(signed_operation(surgeon), "3m"), "due")
    assert queries_for_worklist() == one


def test_a_follow_up_of_another_department_is_neither_listed_nor_counted(
    client_for, coordinator, outsider, due_follow_up
):
    theirs = follow_up(signed_operation(outsider), "3m")
    move(theirs, "due")
    # Each follow-up carries its patient's department from the moment it was scheduled.
    assert theirs.department_id == outsider.department_id == theirs.patient.department_id
    assert due_follow_up.department_id == coordinator.department_id != theirs.department_id
    page = client_for(coordinator).get(reverse("proms:followup_list"))
    body = page.content.decode()
    sections = {s["key"]: s for s in page.context["sections"]}
    assert sum(s["count"] for s in sections.values()) == 1 and sections["today"]["count"] == 1
    assert [fu.pk for s in sections.values() for fu in s["rows"]] == [due_follow_up.pk]
    assert theirs.patient.name not in body and str(theirs.public_id) not in body
    detail = reverse("proms:followup_detail", args=[theirs.public_id])
    assert client_for(coordinator).get(detail).status_code == 404
    event = AuditEvent.objects.filter(action="proms.worklist.viewed", actor=coordinator).order_by("-pk")[0]
    assert sum(event.after.values()) == 1
