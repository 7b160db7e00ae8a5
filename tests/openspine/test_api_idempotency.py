"""``Idempotency-Key`` on API creates: a retried create replays its first answer (T-73, T-75)."""

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from openspine.accounts.models import ApiToken
from openspine.api import api
from openspine.core.models import IdempotencyKey
from openspine.patients.models import Diagnosis, Patient
from openspine.proms import periodic
from tests import builders
from tests.openspine import test_api_input as inputs

BY_NAME, WRITES = inputs.BY_NAME, inputs.WRITES
world = inputs.world  # the same fixture

CREATES = [write for write in WRITES if write.name.startswith("create_")]
KEY = "b5c3a0e2-retry-after-timeout"


def _send(world, write, body, key=KEY):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return world.call(write.method, write.path(world), body, **headers)


@pytest.mark.req("T-75")
@pytest.mark.parametrize("write", CREATES, ids=lambda w: w.name)
def test_a_create_sent_twice_with_one_key_creates_once_and_replays_the_first_answer(world, write):
    before = write.model.objects.count()
    body = write.body(world)
    first = _send(world, write, body)
    again = _send(world, write, body)
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert write.model.objects.count() == before + 1
    assert IdempotencyKey.objects.get(key=KEY).status == 201


@pytest.mark.req("T-75")
def test_the_same_key_with_another_body_or_endpoint_is_422_naming_the_header(world):
    write = BY_NAME["create_diagnosis"]
    body = write.body(world)
    assert _send(world, write, body).status_code == 201
    changed = dict(body, note="a different request")
    for response in (
        _send(world, write, changed),
        _send(world, BY_NAME["create_admission"], BY_NAME["create_admission"].body(world)),
    ):
        assert response.status_code == 422
        assert [d["field"] for d in response.json()["detail"]] == ["Idempotency-Key"]
    assert Diagnosis.objects.filter(note="a different request").count() == 0


def test_key_order_and_spacing_of_the_body_do_not_matter(world):
    write = BY_NAME["create_diagnosis"]
    body = write.body(world)
    assert _send(world, write, body).status_code == 201
    reordered = "{" + ", ".join(f'"{k}" : "{v}"' for k, v in reversed(list(body.items()))) + "}"
    assert _send(world, write, reordered)["Idempotent-Replayed"] == "true"


def test_keys_belong_to_one_user(world, coordinator):
    write = BY_NAME["create_diagnosis"]
    assert _send(world, write, write.body(world)).status_code == 201
    world.token = ApiToken.issue(coordinator, "t")[1]
    other = _send(world, write, dict(write.body(world), note="the coordinator's own"))
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Diagnosis.objects.filter(note="the coordinator's own").count() == 1


def test_a_refused_first_request_keeps_nothing_so_the_corrected_one_may_reuse_the_key(world):
    write = BY_NAME["create_diagnosis"]
    refused = _send(world, write, dict(write.body(world), icd10="not a code"))
    assert refused.status_code == 422 and not IdempotencyKey.objects.exists()
    corrected = _send(world, write, write.body(world))
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected


def test_a_request_without_a_key_stores_nothing(world):
    write = BY_NAME["create_diagnosis"]
    assert _send(world, write, write.body(world), key=None).status_code == 201
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "schlüssel", "has space"])
def test_a_malformed_key_is_422_naming_the_header(world, key):
    write = BY_NAME["create_diagnosis"]
    before = Diagnosis.objects.count()
    response = _send(world, write, write.body(world), key=key)
    assert response.status_code == 422, response.content
    assert [d["field"] for d in response.json()["detail"]] == ["Idempotency-Key"]
    assert Diagnosis.objects.count() == before


def test_a_key_expires_after_its_lifetime_and_run_periodic_deletes_it(world, settings):
    settings.OPENSPINE_IDEMPOTENCY_HOURS = 24
    write = BY_NAME["create_diagnosis"]
    before = Diagnosis.objects.count()
    assert _send(world, write, write.body(world)).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        later = _send(world, write, write.body(world))
        assert later.status_code == 201 and "Idempotent-Replayed" not in later
        assert Diagnosis.objects.count() == before + 2
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
        assert periodic.run_all().counts["idempotency_keys"] == 1
    assert not IdempotencyKey.objects.exists()


@pytest.mark.req("T-55")
def test_the_stored_answer_is_encrypted_at_rest(world):
    write = BY_NAME["create_patient"]
    assert _send(world, write, write.body(world)).status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT response FROM core_idempotencykey")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "新患者" not in stored and "NEW0001" not in stored


def test_the_schema_declares_the_header_on_every_create_and_nowhere_else():
    paths = json.loads(json.dumps(api.get_openapi_schema()))["paths"]  # as served
    declared = {
        (method, path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    creates = {
        (method, path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method == "post" and "201" in operation["responses"] and operation.get("security")
    }
    assert declared == creates
    # Guard the guard: the creates of patients, surgery and the apps after them are all found.
    assert {("post", "/api/patients/"), ("post", "/api/surgery/operations")} <= creates and len(creates) >= 6


def test_the_token_grant_ignores_the_key_and_never_replays_a_token(client, surgeon):
    """The grant is unauthenticated and its answer is a secret: a replay would hand it out twice."""
    from tests.openspine.test_security_api_tokens import grant

    first = grant(client, surgeon, HTTP_IDEMPOTENCY_KEY=KEY)
    second = grant(client, surgeon, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == second.status_code == 201
    assert first.json()["token"] != second.json()["token"]
    assert "Idempotent-Replayed" not in second.headers
    assert not IdempotencyKey.objects.exists() and ApiToken.objects.filter(user=surgeon).count() == 2


@pytest.mark.postgres
@pytest.mark.req("T-75")
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_twins_with_one_key_create_one_patient_and_all_get_its_answer():
    """Eight workers send the same create with the same key at once: one row, eight equal 201s."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions and row locks (PostgreSQL leg of .ci/run)")
    surgeon = builders.make_user(role="surgeon", username="twin_surgeon")
    token = ApiToken.issue(surgeon, "t")[1]
    body = {"mrn": "TWIN0001", "name": "并发患者", "sex": "female", "birth_date": "1970-03-02"}
    barrier = threading.Barrier(8)
    answers = []

    def send():
        try:
            client = Client(raise_request_exception=False)
            barrier.wait()
            response = client.post(
                "/api/patients/",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY=KEY,
            )
            answers.append(
                (response.status_code, response.content, response.has_header("Idempotent-Replayed"))
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _body, _replayed in answers] == [201] * 8
    assert len({content for _status, content, _replayed in answers}) == 1
    assert sorted(replayed for *_rest, replayed in answers) == [False] + [True] * 7
    assert Patient.objects.filter(mrn="TWIN0001").count() == 1
