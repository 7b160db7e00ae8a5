"""Identifiers at rest: encrypted fields, blind indexes, key rotation and the SM4 profile (T-55)."""

import base64
import importlib
import time
from datetime import date

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from openspine.accounts.models import ApiToken
from openspine.audit.models import AuditEvent
from openspine.core import crypto
from openspine.patients.models import Patient
from tests import builders

pytestmark = pytest.mark.req("T-55")

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()


def _raw_row(patient):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, national_id, phone, mrn, phone_last4 FROM patients_patient WHERE id = %s",
            [patient.pk],
        )
        return cursor.fetchone()


def test_raw_sql_returns_ciphertext_for_name_national_id_and_phone(surgeon):
    patient = builders.make_patient(actor=surgeon, name="王小明")
    name, national_id, phone, mrn, last4 = _raw_row(patient)
    for stored, plain in ((name, "王小明"), (national_id, patient.national_id), (phone, patient.phone)):
        assert stored.startswith("v1:") and ":aes-256-gcm:" in stored
        assert plain not in stored
    # The hospital number stays plain (imports match on it) and so do the last four phone digits.
    assert mrn == patient.mrn and last4 == patient.phone[-4:]
    fresh = Patient.objects.get(pk=patient.pk)
    assert (fresh.name, fresh.national_id, fresh.phone) == ("王小明", patient.national_id, patient.phone)


def test_same_value_encrypts_differently_each_time(surgeon):
    ring = crypto.keyring()
    assert ring.encrypt("13912345678") != ring.encrypt("13912345678")


def test_tampered_ciphertext_is_refused_naming_only_the_key():
    ring = crypto.keyring()
    envelope = ring.encrypt("110105196504120011")
    header, payload = envelope.rsplit(":", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError) as error:
        ring.decrypt(f"{header}:{base64.b64encode(bytes(raw)).decode()}")
    assert "110105" not in str(error.value) and ring.primary.key_id in str(error.value)


def test_search_by_national_id_full_phone_name_and_last_four_uses_indexes(surgeon, client_for):
    patient = builders.make_patient(actor=surgeon, name="李雷")
    builders.make_patient(actor=surgeon, name="韩梅梅")
    scoped = Patient.objects.visible_to(surgeon)
    for query in (
        patient.national_id,
        patient.national_id.lower(),
        patient.phone,
        "李雷",
        "李",
        patient.phone[-4:],
    ):
        assert list(scoped.search(query)) == [patient], query
    response = client_for(surgeon).get(reverse("patients:patient_list"), {"q": patient.national_id})
    assert response.status_code == 200 and list(response.context["patients"]) == [patient]
    _token, raw = ApiToken.issue(surgeon, "t")
    api = client_for(surgeon).get("/api/patients/", {"q": patient.phone}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [row["public_id"] for row in api.json()] == [str(patient.public_id)]


def test_encrypted_field_refuses_database_lookups():
    with pytest.raises(FieldError, match="blind index"):
        list(Patient.objects.filter(national_id="110105196504120011"))


def test_national_id_is_unique_through_the_blind_index(surgeon):
    first = builders.make_patient(actor=surgeon)
    with pytest.raises(ValidationError) as error:
        builders.make_patient(actor=surgeon, national_id=first.national_id)
    assert "national_id" in error.value.message_dict
    assert Patient.objects.count() == 1


def test_update_recomputes_indexes_and_last_four(surgeon):
    from openspine.patients import services

    patient = builders.make_patient(actor=surgeon)
    services.update_patient(patient, actor=surgeon, phone="13800001234")
    assert Patient.objects.visible_to(surgeon).search("13800001234").get() == patient
    assert Patient.objects.get(pk=patient.pk).phone_last4 == "1234"


def test_rotate_field_keys_re_encrypts_and_data_reads_back(surgeon, settings):
    settings.FIELD_ENCRYPTION_KEY = f"old:{KEY_A}"
    patient = builders.make_patient(actor=surgeon, name="张三")
    assert ":old:" in f":{_raw_row(patient)[0]}"
    settings.FIELD_ENCRYPTION_KEY = f"new:{KEY_B},old:{KEY_A}"
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    name, national_id, phone, _mrn, _last4 = _raw_row(patient)
    assert all(value.startswith("v1:new:") for value in (name, national_id, phone))
    settings.FIELD_ENCRYPTION_KEY = f"new:{KEY_B}"  # the old key can go now
    fresh = Patient.objects.get(pk=patient.pk)
    assert (fresh.name, fresh.national_id, fresh.phone) == ("张三", patient.national_id, patient.phone)
    assert Patient.objects.visible_to(surgeon).search(patient.national_id).get() == patient
    assert AuditEvent.objects.filter(action="patients.field_keys.rotated").exists()


def test_sm4_gcm_profile_encrypts_and_indexes_with_hmac_sm3(surgeon, settings):
    settings.FIELD_ENCRYPTION_ALGORITHM = "sm4-gcm"
    patient = builders.make_patient(actor=surgeon, name="赵六")
    name = _raw_row(patient)[0]
    assert ":sm4-gcm:" in name and "赵六" not in name
    assert Patient.objects.get(pk=patient.pk).name == "赵六"
    sm3_index = Patient.objects.get(pk=patient.pk).national_id_index
    settings.FIELD_ENCRYPTION_ALGORITHM = "aes-256-gcm"
    assert (
        crypto.keyring().blind_index(patient.national_id, purpose="patients.patient.national_id") != sm3_index
    )


def test_sm3_matches_the_standard_test_vector():
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_bad_key_is_refused_with_a_clear_message(value):
    with pytest.raises(ImproperlyConfigured, match="OPENSPINE_FIELD_KEY"):
        crypto.parse_keyring(value)


def test_unknown_algorithm_is_refused_naming_the_allowed_ones():
    with pytest.raises(ImproperlyConfigured, match="aes-256-gcm, sm4-gcm"):
        crypto.Keyring(crypto.parse_keyring(KEY_A), "des")


def test_development_without_a_key_derives_one_and_warns(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "a-fresh-secret-for-this-test-only"
    with pytest.warns(RuntimeWarning, match="development only"):
        ring = crypto.keyring()
    assert ring.primary.key_id == "dev"
    assert ring.decrypt(ring.encrypt("13912345678")) == "13912345678"


def test_production_refuses_to_start_without_a_field_key(monkeypatch):
    import openspine.settings as project_settings

    monkeypatch.setenv("OPENSPINE_ENV", "production")
    monkeypatch.setenv("OPENSPINE_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("OPENSPINE_ALLOWED_HOSTS", "registry.example")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/openspine")
    monkeypatch.delenv("OPENSPINE_FIELD_KEY", raising=False)
    monkeypatch.delenv("OPENSPINE_FIELD_KEY_FILE", raising=False)
    try:
        with pytest.raises(ImproperlyConfigured, match="OPENSPINE_FIELD_KEY"):
            importlib.reload(project_settings)
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


def test_key_file_is_read_from_the_environment(monkeypatch, tmp_path):
    import openspine.settings as project_settings

    key_file = tmp_path / "field.key"
    key_file.write_text(KEY_A + "\n")
    monkeypatch.setenv("OPENSPINE_FIELD_KEY_FILE", str(key_file))
    try:
        assert importlib.reload(project_settings).FIELD_ENCRYPTION_KEY == KEY_A
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


def test_data_migration_encrypts_existing_plaintext_rows(surgeon):
    from django.apps import apps as live_apps

    migration = importlib.import_module("openspine.patients.migrations.0003_encrypt_existing_identifiers")
    patient = builders.make_patient(actor=surgeon, name="孙七")
    with connection.cursor() as cursor:  # simulate a row written before encryption
        cursor.execute(
            "UPDATE patients_patient SET name = %s, phone = %s, phone_index = '', phone_last4 = '' "
            "WHERE id = %s",
            ["孙七", patient.phone, patient.pk],
        )
    migration.encrypt_identifiers(live_apps, None)
    name, _national_id, phone, _mrn, last4 = _raw_row(patient)
    assert name.startswith("v1:") and phone.startswith("v1:") and last4 == patient.phone[-4:]
    assert Patient.objects.visible_to(surgeon).search(patient.phone).get() == patient


def test_encryption_overhead_on_a_hundred_patients_is_small(surgeon, capsys):
    birth = date(1960, 1, 1)
    started = time.perf_counter()
    for n in range(100):
        builders.make_patient(
            actor=surgeon,
            birth_date=birth,
            national_id=builders.make_national_id(birth),
            phone=f"1370000{n:04d}",
        )
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    names = [p.name for p in Patient.objects.all()]
    read = time.perf_counter() - started
    assert len(names) == 100
    with capsys.disabled():
        print(f"\n[T-55] 100 patients created in {elapsed:.2f}s, read back in {read * 1000:.1f} ms")


@pytest.mark.req("T-75")
def test_a_lost_uniqueness_race_is_a_validation_error_naming_the_field(surgeon, monkeypatch):
    """When the check in clean() passes for two writers at once, the database constraint decides."""
    first = builders.make_patient(actor=surgeon)
    # Both checks ran before the other writer committed: only the database constraint is left.
    monkeypatch.setattr(Patient, "_check_national_id_unique", lambda self: None)
    monkeypatch.setattr(Patient, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        builders.make_patient(actor=surgeon, national_id=first.national_id)
    assert "national_id" in error.value.message_dict
    assert Patient.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.req("T-75")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_person_leave_exactly_one_row():
    """Eight workers register the same national ID at once: one row, seven clear refusals, no 500."""
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL leg of .ci/run)")
    import threading

    from django.db import connections

    from openspine.patients import services

    surgeon = builders.make_user(role="surgeon", username="race_surgeon")
    national_id = builders.make_national_id(date(1965, 4, 12))
    barrier = threading.Barrier(8)
    outcomes = []

    def register(n):
        try:
            barrier.wait()
            services.create_patient(
                actor=surgeon,
                mrn=f"RACE{n:04d}",
                name=f"并发{n}",
                sex="male",
                birth_date=date(1965, 4, 12),
                national_id=national_id,
            )
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append("refused" if "national_id" in error.message_dict else repr(error))
        except Exception as error:  # noqa: BLE001 (the test reports any other failure)
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["refused"] * 7
    assert Patient.objects.count() == 1
