"""Answering: one question per screen, save and resume, language, submit once, thanks (T-27, T-32)."""

import pytest
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.portal import wording
from openspine.proms.models import QuestionnaireResponse
from openspine.proms.services import record_response
from openspine.proms.transitions import move
from tests.openspine.test_portal_support import (
    answer_all,
    first_answers,
    open_follow_up,
    portal_session,
    post,
    verified_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up_and_client(client, patient, surgeon, diagnosis_free_patient=None):
    follow_up, token = open_follow_up(patient, actor=surgeon)
    return follow_up, verified_client(client, patient, token)


@pytest.mark.req("T-27")
def test_question_pages_show_no_identifier_or_diagnosis(follow_up_and_client, patient):
    follow_up, client = follow_up_and_client
    diagnosis = patient.diagnoses.first()
    pages = [
        client.get(reverse("portal:question", args=[n])).content.decode() for n, _ in first_answers(follow_up)
    ]
    answer_all(client, follow_up)
    pages.append(client.get(reverse("portal:review")).content.decode())
    for page in pages:
        for secret in (patient.name, patient.mrn, patient.phone, patient.national_id):
            assert secret not in page
        if diagnosis is not None:
            assert diagnosis.icd10 not in page


def test_one_question_per_screen_with_progress_and_large_touch_targets(follow_up_and_client):
    follow_up, client = follow_up_and_client
    total = len(first_answers(follow_up))
    page = client.get(reverse("portal:question", args=[3])).content.decode()
    assert f"3 / {total}" in page
    assert page.count('type="radio"') == 6  # ODI item 3: six choices, one question
    assert 'class="p-choice"' in page and "portal/portal.css" in page


def test_each_answer_is_saved_at_once_and_survives_a_new_visit(follow_up_and_client):
    follow_up, client = follow_up_and_client
    post(client, reverse("portal:question", args=[1]), {"answer": "2"})
    post(client, reverse("portal:question", args=[2]), {"answer": "1"})
    assert portal_session(client)["answers"] == {"odi.pain_intensity": 2, "odi.personal_care": 1}
    # The phone slept; the patient comes back to the portal address: resume at question 3.
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:question", args=[3])
    page = client.get(reverse("portal:question", args=[1])).content.decode()
    assert 'value="2" checked' in page


def test_an_answer_outside_the_options_is_refused_and_not_saved(follow_up_and_client):
    follow_up, client = follow_up_and_client
    response = post(client, reverse("portal:question", args=[1]), {"answer": "9"})
    assert response.status_code == 400
    assert "odi.pain_intensity" not in portal_session(client)["answers"]
    questions = wording.questions(follow_up.instruments, "zh-hans")
    vas = next(n for n, q in enumerate(questions, start=1) if q.code == "eq_vas")
    response = post(client, reverse("portal:question", args=[vas]), {"answer": "101"})
    assert response.status_code == 400 and "100" in response.content.decode()


def test_language_follows_the_patient_and_can_be_switched(client, surgeon):
    from tests import builders

    patient = builders.make_patient(actor=surgeon, preferred_language="en")
    follow_up, token = open_follow_up(patient, actor=surgeon)
    verified_client(client, patient, token)
    url = reverse("portal:question", args=[1])
    english = wording.questions(follow_up.instruments, "en")[0].text
    chinese = wording.questions(follow_up.instruments, "zh-hans")[0].text
    assert english in client.get(url).content.decode()
    response = post(client, reverse("portal:language"), {"language": "zh-hans", "next": url})
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert chinese in page and 'lang="zh-hans"' in page
    assert post(client, reverse("portal:language"), {"language": "fr", "next": "//evil.example"})[
        "Location"
    ] == reverse("portal:home")
    assert portal_session(client)["language"] == "zh-hans"


def test_large_text_mode_toggles(follow_up_and_client):
    _, client = follow_up_and_client
    url = reverse("portal:question", args=[1])
    post(client, reverse("portal:text_size"), {"next": url})
    assert 'class="portal large"' in client.get(url).content.decode()
    post(client, reverse("portal:text_size"), {"next": url})
    assert 'class="portal"' in client.get(url).content.decode()


@pytest.mark.req("T-32")
def test_submit_records_one_response_per_instrument_and_completes_the_follow_up(follow_up_and_client):
    follow_up, client = follow_up_and_client
    answer_all(client, follow_up)
    response = post(client, reverse("portal:review"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:thanks")
    follow_up.refresh_from_db()
    assert follow_up.state == "completed" and follow_up.completion_mode == "self"
    stored = QuestionnaireResponse.objects.filter(follow_up=follow_up)
    assert sorted(stored.values_list("instrument", flat=True)) == sorted(follow_up.instruments)
    odi = stored.get(instrument="odi")
    assert odi.answers["pain_intensity"] == 0 and odi.language == "zh-hans" and odi.mode == "self"
    assert AuditEvent.objects.filter(action="proms.questionnaireresponse.created").count() == len(
        follow_up.instruments
    )


@pytest.mark.req("T-32")
def test_double_submit_creates_one_response_and_a_late_post_gets_410(follow_up_and_client, client_for):
    follow_up, client = follow_up_and_client
    answer_all(client, follow_up)
    first = post(client, reverse("portal:review"))
    second = post(client, reverse("portal:review"))
    late_answer = post(client, reverse("portal:question", args=[1]), {"answer": "3"})
    assert first.status_code == 302 and second.status_code == 410 and late_answer.status_code == 410
    assert QuestionnaireResponse.objects.filter(follow_up=follow_up, instrument="odi").count() == 1
    assert (
        QuestionnaireResponse.objects.get(follow_up=follow_up, instrument="odi").answers["pain_intensity"]
        == 0
    )


@pytest.mark.req("T-32")
def test_two_tabs_racing_record_each_instrument_once(follow_up_and_client):
    follow_up, client = follow_up_and_client
    answer_all(client, follow_up)
    # The other tab got there first, through the same service.
    record_response(follow_up, "odi", {k: 1 for k in wording_items("odi")}, mode="self", language="zh-hans")
    assert post(client, reverse("portal:review")).status_code == 302
    assert QuestionnaireResponse.objects.filter(follow_up=follow_up, instrument="odi").count() == 1


def wording_items(code):
    import spinescores

    return spinescores.get(code).INSTRUMENT.item_ids


def test_review_lists_unanswered_questions_and_refuses_to_send(follow_up_and_client):
    follow_up, client = follow_up_and_client
    post(client, reverse("portal:question", args=[1]), {"answer": "1"})
    response = post(client, reverse("portal:review"))
    assert response.status_code == 400
    assert not QuestionnaireResponse.objects.filter(follow_up=follow_up).exists()


def test_thanks_page_charts_the_patients_own_recovery(follow_up_and_client, patient, surgeon):
    follow_up, client = follow_up_and_client
    baseline = follow_up.series.follow_ups.get(timepoint="baseline")
    move(baseline, "due")
    odi = {k: 3 for k in wording_items("odi")}
    record_response(baseline, "odi", odi, mode="clinic", language="zh-hans", actor=surgeon)
    answer_all(client, follow_up)
    post(client, reverse("portal:review"))
    page = client.get(reverse("portal:thanks")).content.decode()
    assert "<svg" in page and 'id="recovery-data"' in page
    assert "<polyline" in page and ">60<" in page and ">0<" in page  # ODI 60 before surgery, 0 now
    assert patient.name not in page and patient.mrn not in page


def test_free_text_answers_are_escaped(client, patient, surgeon):
    follow_up, token = open_follow_up(patient, actor=surgeon)
    follow_up.instruments = ["rtw"]
    follow_up.save(update_fields=["instruments"])
    verified_client(client, patient, token)
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    post(client, reverse("portal:question", args=[3]), {"answer": payload})
    for url in (reverse("portal:question", args=[3]), reverse("portal:review")):
        page = client.get(url).content.decode()
        assert payload not in page and "&lt;script&gt;" in page


def test_thanks_needs_a_completed_session(follow_up_and_client):
    _, client = follow_up_and_client
    assert client.get(reverse("portal:thanks"))["Location"] == reverse("portal:home")


def test_a_spent_link_reopened_in_its_own_session_resumes_but_nowhere_else(client, patient, surgeon):
    from django.test import Client

    follow_up, token = open_follow_up(patient, actor=surgeon)
    verified_client(client, patient, token)
    post(client, reverse("portal:question", args=[1]), {"answer": "2"})
    again = client.get(reverse("portal:link_open", args=[token]))
    assert again.status_code == 302 and again["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:question", args=[2])
    assert Client().get(reverse("portal:link_open", args=[token])).status_code == 410
