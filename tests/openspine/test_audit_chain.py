"""The keyed audit chain: keys, streams, anchors outside the database, bulk writes and concurrency (T-36)."""

import io
import json
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from openspine import audit
from openspine.audit import anchor, dbrole, services
from openspine.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
SECOND_KEY = "c2Vjb25kLWF1ZGl0LWtleS1zZWNvbmQtYXVkaXQta2U="


@dataclass(frozen=True)
class _Patient:
    """Just enough of a patient for ``audit.record(patient=...)``: its public id."""

    public_id: uuid.UUID


def _patient() -> _Patient:
    return _Patient(uuid.uuid4())


def _stream_of(patient: _Patient) -> int:
    return services.stream_for(patient_id=str(patient.public_id))


def _patients_in_two_streams() -> tuple[_Patient, _Patient]:
    first, other = _patient(), _patient()
    while _stream_of(other) == _stream_of(first):
        other = _patient()
    return first, other


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _verify_error() -> str:
    with pytest.raises(CommandError) as error:
        call_command("verify_audit", stdout=io.StringIO())
    return str(error.value)


def _anchored() -> dict[int, tuple[int, str]]:
    store = anchor.get_store()
    return {stream: (store.read(stream).seq, store.read(stream).hash) for stream in store.streams()}


def _heads() -> dict[int, tuple[int, str]]:
    heads = {}
    for stream, seq, mac in AuditEvent.objects.order_by("stream", "seq").values_list("stream", "seq", "hash"):
        heads[stream] = (seq, mac)
    return heads


# Keys -----------------------------------------------------------------------------------------------


@pytest.mark.req("T-36")
def test_every_event_names_its_key_and_old_keys_still_verify_after_rotation(settings):
    first_key = settings.AUDIT_KEY
    audit.record(None, "test.event.written", None, patient=_patient())
    settings.AUDIT_KEY = f"second:{SECOND_KEY},{first_key}"
    audit.record(None, "test.event.written", None, patient=_patient())
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {first_key.split(":")[0], "second"}
    assert _verify().startswith("OK")
    settings.AUDIT_KEY = f"second:{SECOND_KEY}"
    assert "unknown key" in _verify_error()


@pytest.mark.req("T-36")
def test_a_different_key_does_not_verify_the_trail(settings):
    audit.record(None, "test.event.written", None, patient=_patient())
    key_id = settings.AUDIT_KEY.split(":")[0]
    settings.AUDIT_KEY = f"{key_id}:{SECOND_KEY}"  # same id, other secret: a forger's guess
    event = AuditEvent.objects.get()
    assert f"audit event {event.pk} " in _verify_error()


# Streams --------------------------------------------------------------------------------------------


def test_streams_are_chosen_by_patient_else_by_object_type_and_actor(settings):
    patient_ids = [str(uuid.uuid4()) for _ in range(64)]
    streams = [services.stream_for(patient_id=p) for p in patient_ids]
    assert streams == [services.stream_for(patient_id=p) for p in patient_ids]  # deterministic
    assert set(streams) <= set(range(settings.AUDIT_STREAMS)) and len(set(streams)) > 1
    by_type = services.stream_for(object_type="accounts.user", actor_id=7)
    assert by_type == services.stream_for(object_type="accounts.user", actor_id=7)
    assert 0 <= by_type < settings.AUDIT_STREAMS


@pytest.mark.req("T-36")
def test_each_stream_numbers_its_events_from_one(db):
    first, other = _patients_in_two_streams()
    with transaction.atomic():
        audit.record(None, "test.event.written", None, patient=first)
    for _ in range(2):
        with transaction.atomic():
            audit.record(None, "test.event.written", None, patient=other)
    rows = list(AuditEvent.objects.order_by("id").values_list("stream", "seq"))
    if connection.vendor == "postgresql":
        # Inside the test's single transaction every event joins the stream of the first one.
        assert [seq for _stream, seq in rows] == [1, 2, 3]
    else:
        assert [seq for _stream, seq in rows] == [1, 1, 2] and rows[0][0] != rows[1][0]
    assert _verify().startswith("OK")


@pytest.mark.postgres
@postgres_only
def test_one_transaction_writes_to_one_stream_so_writers_cannot_deadlock(db):
    first, other = _patients_in_two_streams()
    with transaction.atomic():
        audit.record(None, "test.event.written", None, patient=first)
        audit.record(None, "test.event.written", None, patient=other)
    assert AuditEvent.objects.values("stream").distinct().count() == 1


# Anchors --------------------------------------------------------------------------------------------


@pytest.mark.req("T-36")
def test_commit_anchors_the_head_of_each_stream_outside_the_database(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for patient in _patients_in_two_streams():
            audit.record(None, "test.event.written", None, patient=patient)
            audit.record(None, "test.event.written", None, patient=patient)
    store = anchor.get_store()
    heads = _heads()
    assert heads and sorted(store.streams()) == sorted(heads)
    for stream, (seq, mac) in heads.items():
        head = store.read(stream)
        assert (head.seq, head.hash, head.count) == (seq, mac, seq)


def test_a_rolled_back_write_anchors_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record(None, "test.event.written", None, patient=_patient())
            raise RuntimeError("the change failed")
    assert anchor.get_store().streams() == [] and not AuditEvent.objects.exists()


def test_the_anchor_never_moves_backwards(tmp_path):
    store = anchor.FileAnchorStore(tmp_path / "anchor")
    assert store.advance(anchor.Head(stream=3, seq=5, hash="a" * 64, count=5))
    assert not store.advance(anchor.Head(stream=3, seq=4, hash="b" * 64, count=4))
    assert store.read(3) == anchor.Head(stream=3, seq=5, hash="a" * 64, count=5)
    assert store.advance(anchor.Head(stream=3, seq=6, hash="c" * 64, count=6))
    assert store.read(3).seq == 6 and store.read(4) is None


@pytest.mark.req("T-36")
def test_a_forged_anchor_is_reported(django_capture_on_commit_callbacks, audit_anchor_dir):
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(None, "test.event.written", None, patient=_patient())
    (path,) = audit_anchor_dir.glob("stream-*.json")
    data = json.loads(path.read_text())
    data["seq"] = data["count"] = 1000  # someone moved the anchor without the key
    path.write_text(json.dumps(data))
    assert "anchor" in _verify_error() and "authentic" in _verify_error()


def test_a_stream_written_but_not_yet_anchored_is_noted_but_not_an_error(db):
    audit.record(None, "test.event.written", None, patient=_patient())
    output = _verify()
    assert output.startswith("OK") and "not anchored" in output


# Bulk writer ----------------------------------------------------------------------------------------


@pytest.mark.req("T-36")
def test_record_many_chains_a_batch_that_verifies(surgeon, django_capture_on_commit_callbacks):
    patients = [_patient() for _ in range(30)]
    long_ago = timezone.now() - timedelta(days=400)
    events = [
        {"actor": surgeon, "action": "test.event.written", "patient": p, "after": {"n": i}}
        for i, p in enumerate(patients)
    ]
    events.append(  # precomputed values, as a seeder writing history would pass them
        {
            "occurred_at": long_ago,
            "action": "proms.followup.completed",
            "object_type": "proms.followup",
            "object_id": str(uuid.uuid4()),
            "patient_id": str(patients[0].public_id),
            "actor_username": "system",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(surgeon, "test.event.written", None, patient=patients[1])
        assert services.record_many(events) == 31
        audit.record(surgeon, "test.event.written", None, patient=patients[2])
    assert AuditEvent.objects.count() == 33
    assert AuditEvent.objects.get(action="proms.followup.completed").occurred_at == long_ago
    assert _verify().startswith("OK")
    assert _anchored() == _heads()


def test_record_many_refuses_an_unknown_key_and_writes_nothing(db):
    with pytest.raises(ValueError, match="colour"):
        services.record_many([{"action": "test.event.ok"}, {"action": "test.event.written", "colour": 1}])
    assert not AuditEvent.objects.exists()


def test_record_many_writes_in_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record_many([{"action": "test.event.written", "patient": _patient()}])
        raise RuntimeError("the seeder failed half way")
    assert not AuditEvent.objects.exists()


# Concurrency (PostgreSQL: real parallel transactions) -----------------------------------------------


def _in_threads(count: int, work) -> list[str]:
    barrier = threading.Barrier(count)
    failures = []

    def run(n):
        try:
            barrier.wait()
            work(n)
        except Exception as error:  # noqa: BLE001 (the test reports any failure)
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@pytest.mark.postgres
@pytest.mark.req("T-36")
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_leave_valid_chains_without_forks_or_duplicate_seq():
    patients = [_patient() for _ in range(6)]

    def write(n):
        for i in range(12):
            # Two writers share each patient, so some streams really are contended.
            with transaction.atomic():
                audit.record(None, "test.concurrent.written", None, patient=patients[n % 6], after={"i": i})
        services.record_many([{"action": "test.concurrent.bulk", "patient": p} for p in patients])

    assert _in_threads(12, write) == []
    rows = list(AuditEvent.objects.values_list("stream", "seq", "prev_hash"))
    assert len(rows) == 12 * (12 + 6)
    assert len({(stream, seq) for stream, seq, _prev in rows}) == len(rows)  # no duplicate seq
    assert len({(stream, prev) for stream, _seq, prev in rows}) == len(rows)  # no fork
    for stream in {stream for stream, _seq, _prev in rows}:
        seqs = sorted(seq for s, seq, _prev in rows if s == stream)
        assert seqs == list(range(1, len(seqs) + 1))
    assert _verify().startswith("OK")
    assert _anchored() == _heads()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_writer_for_another_stream_does_not_wait_for_an_open_transaction():
    first, other = _patients_in_two_streams()
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                audit.record(None, "test.event.written", None, patient=first)
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A single global lock would make this wait for the holder; fail instead of hanging.
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            try:
                audit.record(None, "test.event.written", None, patient=other)
            except OperationalError as error:
                pytest.fail(f"the second writer waited for the first: {error}")
    finally:
        release.set()
        holder.join()
    assert AuditEvent.objects.count() == 2


# Production refuses a superuser --------------------------------------------------------------------


class _FakeCursor:
    def __init__(self, rolsuper):
        self.rolsuper = rolsuper
        self.sql = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.sql.append(sql)

    def fetchone(self):
        return (self.rolsuper,)


class _FakeConnection:
    vendor = "postgresql"
    alias = "default"

    def __init__(self, rolsuper):
        self.cursor_ = _FakeCursor(rolsuper)

    def cursor(self):
        return self.cursor_


@pytest.mark.req("T-36")
@override_settings(PRODUCTION=True)
def test_production_refuses_a_superuser_database_role():
    with pytest.raises(ImproperlyConfigured, match="superuser"):
        dbrole.refuse_superuser(sender=None, connection=_FakeConnection(rolsuper=True))


@override_settings(PRODUCTION=True)
def test_production_accepts_a_plain_database_role():
    fake = _FakeConnection(rolsuper=False)
    dbrole.refuse_superuser(sender=None, connection=fake)
    assert "rolsuper" in fake.cursor_.sql[0]


@override_settings(PRODUCTION=False)
def test_development_does_not_ask_about_the_role():
    fake = _FakeConnection(rolsuper=True)
    dbrole.refuse_superuser(sender=None, connection=fake)
    assert fake.cursor_.sql == []


@pytest.mark.postgres
@pytest.mark.req("T-36")
@postgres_only
@override_settings(PRODUCTION=True)
def test_production_refuses_the_first_connection_of_a_superuser(db):
    fresh = connections.create_connection("default")
    try:
        with pytest.raises(ImproperlyConfigured, match="superuser"):
            fresh.ensure_connection()
    finally:
        fresh.close()
