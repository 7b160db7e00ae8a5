"""Helpers shared by the portal tests: an open follow-up with a fresh link, answers, a session."""

from django.urls import reverse

from openspine.portal import wording
from openspine.portal.session import SESSION_KEY
from openspine.proms import services as proms_services
from openspine.proms.choices import FollowUpState
from openspine.proms.transitions import move
from tests import builders

IDENTITY = {"birth_year": "1965"}  # builders.make_patient's default birth date


def open_follow_up(patient, *, actor, timepoint="3m"):
    """Return (follow_up, raw_token) for a due follow-up of a new lumbar operation of ``patient``."""
    operation = builders.make_operation(patient, actor=actor)
    series = proms_services.schedule_follow_ups(operation, actor=actor)
    follow_up = series.follow_ups.get(timepoint=timepoint)
    move(follow_up, FollowUpState.DUE)
    return follow_up, proms_services.issue_link(follow_up)


def post(client, url, data=None, **extra):
    """POST like the portal's own forms do: with the session-bound form token."""
    token = client.session.get(SESSION_KEY, {}).get("csrf", "")
    return client.post(url, {**(data or {}), "portal_token": token}, **extra)


def identity(patient) -> dict:
    return {"birth_year": str(patient.birth_date.year), "phone_last4": patient.phone[-4:]}


def verified_client(client, patient, token):
    """Open the link and pass the identity check; return the client."""
    client.get(reverse("portal:link_open", args=[token]))
    response = post(client, reverse("portal:home"), identity(patient))
    assert response.status_code == 302, response.content[:500]
    return client


def first_answers(follow_up, language="zh-hans") -> list[tuple[int, str]]:
    """Return (step number, form value) answering every question with its first choice (or 50)."""
    result = []
    for number, question in enumerate(wording.questions(follow_up.instruments, language), start=1):
        result.append((number, question.choices[0].key if question.choices else "50"))
    return result


def answer_all(client, follow_up):
    for number, value in first_answers(follow_up):
        response = post(client, reverse("portal:question", args=[number]), {"answer": value})
        assert response.status_code == 302, response.content[:500]


def portal_session(client) -> dict:
    return client.session.get(SESSION_KEY, {})
