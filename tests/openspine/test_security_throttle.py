"""Throttles on the shared cache, and the client address behind trusted proxies (T-4, T-29; issue 9).

Behind the hospital's reverse proxy every request arrives from the proxy's address. Throttles must
key on the real client (the right-most X-Forwarded-For hop that is not a trusted proxy), and their
counts must live in a cache that every worker process shares, not in one process's memory.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import CacheHandler, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from openspine.accounts import lockout
from openspine.accounts.models import AccountLock, UserSession
from openspine.core import throttle
from openspine.core.middleware import _client_ip
from openspine.portal import throttle as portal_throttle
from tests import builders
from tests.openspine.test_portal_support import open_follow_up

PROXY = "10.1.0.5"
CLIENT_A = "172.20.4.11"
CLIENT_B = "172.20.9.23"
LOGIN = "/accounts/login/"
behind_proxy = override_settings(TRUSTED_PROXIES=["10.1.0.0/24"])


def client_ip(remote_addr, forwarded=None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return _client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def via_proxy(client_address) -> dict:
    """Request options for a client reaching us through the trusted proxy."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.18.0.1, {client_address}"}


# --- the shared cache -----------------------------------------------------------------------------


def test_settings_and_test_settings_use_the_database_cache_not_process_memory():
    # (settings.SETTINGS_MODULE reads None inside the autouse settings overrides)
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "openspine.settings_test"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_migrate_creates_the_cache_table(db):
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    call_command("migrate", verbosity=0)  # what `make demo` and a deployment run
    assert table in connection.introspection.table_names()


@pytest.mark.req("T-4")
def test_throttle_state_written_by_one_process_is_seen_by_another(db, monkeypatch):
    for _ in range(3):
        throttle.hit("test:addr:203.0.113.5", limit=3, window=600)
    # The row is in the database table that every process reads...
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (table name from settings)
        assert cursor.fetchone()[0] >= 1
    # ...and a second process, with cache connections of its own, sees the block.
    other_process = CacheHandler()
    assert other_process["default"] is not caches["default"]
    monkeypatch.setattr(throttle, "caches", other_process)
    assert throttle.blocked("test:addr:203.0.113.5", limit=3)
    assert not throttle.blocked("test:addr:203.0.113.6", limit=3)


def test_hit_counts_in_a_fixed_window_and_blocks_at_the_limit(db, time_machine):
    time_machine.move_to("2026-03-02 08:00:00+08:00", tick=False)
    assert [throttle.hit("test:k", limit=3, window=60) for _ in range(3)] == [False, False, True]
    assert throttle.blocked("test:k", limit=3) and throttle.count("test:k") == 3
    time_machine.shift(59)
    assert throttle.blocked("test:k", limit=3)  # the database cache's incr must not move the window
    time_machine.shift(2)
    assert not throttle.blocked("test:k", limit=3) and throttle.count("test:k") == 0
    throttle.hit("test:k", limit=3, window=60)
    throttle.reset("test:k")
    assert throttle.count("test:k") == 0


# --- the client address -----------------------------------------------------------------------------


def test_without_trusted_proxies_forwarded_for_is_ignored():
    assert settings.TRUSTED_PROXIES == []
    assert client_ip("198.51.100.4", "203.0.113.99") == "198.51.100.4"


@behind_proxy
def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_ip("198.51.100.4", "10.1.0.7, 203.0.113.99") == "198.51.100.4"


@behind_proxy
def test_the_client_is_the_right_most_hop_that_is_not_a_trusted_proxy():
    # The left-most entries are whatever the client chose to send; only our proxies' hops count.
    assert client_ip(PROXY, f"1.2.3.4, {CLIENT_A}") == CLIENT_A
    assert client_ip(PROXY, f"1.2.3.4, {CLIENT_A}, 10.1.0.9") == CLIENT_A
    assert client_ip(PROXY, "") == PROXY
    assert client_ip(PROXY, "not-an-address") == PROXY
    assert client_ip(PROXY, "2001:db8::7") == "2001:db8::7"


@override_settings(USE_X_FORWARDED_FOR=True)
def test_the_old_use_x_forwarded_for_switch_no_longer_trusts_the_left_most_hop():
    assert client_ip("198.51.100.4", "203.0.113.99") == "198.51.100.4"


# --- throttles per client behind the proxy ------------------------------------------------------------


@pytest.mark.req("T-4")
@behind_proxy
def test_bad_sign_ins_from_one_client_behind_the_proxy_do_not_block_another(surgeon, resident):
    attacker, colleague = Client(), Client()
    for n in range(lockout.IP_FAILURE_LIMIT):
        attacker.post(LOGIN, {"username": f"guess{n}", "password": "x"}, **via_proxy(CLIENT_A))
    right = {"username": "surgeon", "password": builders.PASSWORD}
    refused = attacker.post(LOGIN, right, **via_proxy(CLIENT_A))
    assert refused.status_code == 200 and "_auth_user_id" not in attacker.session
    signed_in = colleague.post(
        LOGIN, {"username": "resident", "password": builders.PASSWORD}, **via_proxy(CLIENT_B)
    )
    assert signed_in.status_code == 302


@pytest.mark.req("T-29")
@behind_proxy
def test_invalid_links_from_one_client_behind_the_proxy_do_not_block_another(patient, surgeon):
    _, token = open_follow_up(patient, actor=surgeon)
    guesser = Client()
    for n in range(portal_throttle.INVALID_TOKEN_LIMIT):
        assert guesser.get(f"/q/guess{n:038d}/", **via_proxy(CLIENT_A)).status_code == 410
    assert guesser.get(f"/q/{token}/", **via_proxy(CLIENT_A)).status_code == 429
    patient_phone = Client().get(reverse("portal:link_open", args=[token]), **via_proxy(CLIENT_B))
    assert patient_phone.status_code == 302


@pytest.mark.req("T-29")
def test_the_portal_throttle_is_on_the_shared_cache_and_never_stores_the_token(client, patient, surgeon):
    for n in range(3):
        client.get(f"/q/guess{n:038d}/")
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608 (table name from settings)
        keys = [row[0] for row in cursor.fetchall()]
    assert any("portal" in key for key in keys)
    assert not any("guess" in key for key in keys)


@pytest.mark.req("T-4")
def test_the_sign_in_throttle_is_on_the_shared_cache_not_in_the_lockout_table(client, surgeon):
    for n in range(lockout.IP_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="203.0.113.9")
    assert lockout.address_throttled("203.0.113.9")
    assert throttle.blocked("signin:addr:203.0.113.9", lockout.IP_FAILURE_LIMIT)
    assert not AccountLock.objects.filter(key__startswith="ip:").exists()


@pytest.mark.req("T-29")
def test_one_invalid_link_opened_from_many_addresses_is_throttled_per_token(client, patient, surgeon):
    stale = "stale-link-000000000000000000000000000000000"
    for n in range(portal_throttle.INVALID_TOKEN_LIMIT):
        assert client.get(f"/q/{stale}/", REMOTE_ADDR=f"198.51.100.{n + 1}").status_code == 410
    assert client.get(f"/q/{stale}/", REMOTE_ADDR="198.51.100.200").status_code == 429
    _, token = open_follow_up(patient, actor=surgeon)
    assert client.get(f"/q/{token}/", REMOTE_ADDR="198.51.100.200").status_code == 302


@pytest.mark.req("T-17")
@behind_proxy
def test_my_sessions_show_the_client_address_not_the_proxys(surgeon):
    client = Client()
    client.post(LOGIN, {"username": "surgeon", "password": builders.PASSWORD}, **via_proxy(CLIENT_A))
    assert UserSession.objects.get(user=surgeon).ip == CLIENT_A
