"""Questionnaire links at service level: hash only, expiry at the window's end, revocation, lock-out."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from openspine.proms import links, services
from openspine.proms.choices import CancelReason
from openspine.proms.models import QuestionnaireLink
from openspine.proms.transitions import move
from tests.openspine.test_followup_engine import SURGERY_DAY, at, follow_up, signed_operation


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages in English so assertions can quote them (zh-hans is the site default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def in_the_3_month_window():
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=61)), tick=False):
        yield


def open_follow_up(surgeon):
    fu = follow_up(signed_operation(surgeon), "3m")
    move(fu, "due")
    return fu


def test_only_a_keyed_hash_of_the_token_is_stored(surgeon):
    fu = open_follow_up(surgeon)
    raw = links.issue_link(fu)
    link = QuestionnaireLink.objects.get()
    assert len(raw) >= 43  # 32 random bytes, url-safe base64
    assert raw not in link.token_hash and link.token_hash == links.hash_token(raw)
    assert links.hash_token(raw) != links.hash_token(raw + "x")
    assert links.resolve_link(raw) == link


def test_the_hash_depends_on_the_secret_key(surgeon, settings):
    raw = links.issue_link(open_follow_up(surgeon))
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789-abcdef"
    assert links.resolve_link(raw) is None


def test_unknown_and_malformed_tokens_resolve_to_none(db):
    assert links.resolve_link("nope") is None
    assert links.resolve_link("") is None
    assert links.resolve_link("x" * 500) is None


def test_a_link_expires_at_the_end_of_the_window(surgeon):
    fu = open_follow_up(surgeon)
    raw = links.issue_link(fu)
    last_day = fu.window_closes_on
    with time_machine.travel(at(last_day, 23), tick=False):
        assert links.resolve_link(raw) is not None
    with time_machine.travel(at(last_day + timedelta(days=1), 0), tick=False):
        assert links.resolve_link(raw) is None


def test_cancelling_revokes_the_link(surgeon):
    fu = open_follow_up(surgeon)
    raw = links.issue_link(fu)
    services.cancel_follow_ups(fu.patient, reason=CancelReason.LOST_TO_CONTACT, actor=surgeon)
    assert links.resolve_link(raw) is None
    assert QuestionnaireLink.objects.get().revoked_at is not None


def test_a_used_link_cannot_be_used_again_and_opens_the_follow_up(surgeon):
    fu = open_follow_up(surgeon)
    raw = links.issue_link(fu)
    opened = links.use_link(links.resolve_link(raw))
    assert opened.state == "opened"
    assert opened.transitions.last().to_state == "opened"
    assert links.resolve_link(raw) is None


def test_repeated_failed_checks_lock_the_link_for_a_while(surgeon):
    fu = open_follow_up(surgeon)
    raw = links.issue_link(fu)
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=61)), tick=False):
        for _ in range(links.MAX_FAILED_CHECKS):
            link = links.record_failed_check(links.resolve_link(raw))
        assert link.is_locked()
    with time_machine.travel(at(SURGERY_DAY + timedelta(days=61), 11), tick=False):
        assert not links.resolve_link(raw).is_locked()
