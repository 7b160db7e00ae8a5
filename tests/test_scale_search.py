"""Patient search at scale: normalised hospital-number key and keyed name tokens, nothing decrypted (T-55)."""

import base64
from datetime import date

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.core import crypto
from openspine.core.fields import sync_derived_fields
from openspine.patients import services
from openspine.patients.models import Patient, PatientNameToken, name_token_terms
from tests import builders

pytestmark = pytest.mark.req("T-55")

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()


def _found(user, query):
    return set(Patient.objects.visible_to(user).search(query).values_list("mrn", flat=True))


@pytest.fixture
def people(surgeon):
    return {
        "zhang": builders.make_patient(actor=surgeon, mrn="ZY0001", name="张三丰"),
        "ouyang": builders.make_patient(actor=surgeon, mrn="ZY0002", name="欧阳娜娜"),
        "smith": builders.make_patient(actor=surgeon, mrn="ZY0003", name="John Smith"),
        "li": builders.make_patient(actor=surgeon, mrn="AB-1234", name="李 Wei"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("三丰", {"ZY0001"}),
        ("张", {"ZY0001"}),
        ("张三丰", {"ZY0001"}),
        ("阳娜", {"ZY0002"}),
        ("欧阳 娜娜", {"ZY0002"}),
        ("李", {"AB-1234"}),
        ("丰三", set()),  # not a contiguous part
        ("王", set()),
    ],
)
def test_partial_chinese_name(surgeon, people, query, expected):
    assert _found(surgeon, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("smi", {"ZY0003"}),
        ("SMITH", {"ZY0003"}),
        ("jo", {"ZY0003"}),
        ("john sm", {"ZY0003"}),
        ("Smith John", {"ZY0003"}),
        ("ｊｏｈｎ", {"ZY0003"}),  # full-width letters
        ("wei", {"AB-1234"}),
        ("李 we", {"AB-1234"}),
        ("john x1", set()),  # every word must match
        ("mith", set()),  # a word prefix, not any substring
    ],
)
def test_partial_english_name(surgeon, people, query, expected):
    assert _found(surgeon, query) == expected


@pytest.mark.parametrize("query", ["ab-1234", "AB-1234", "ＡＢ－１２３４", " ab-1234 ", "ab - 1234", "ab-12"])
def test_hospital_number_in_other_case_width_or_spacing_and_as_a_prefix(surgeon, people, query):
    assert _found(surgeon, query) == {"AB-1234"}


def test_hospital_number_search_compares_the_indexed_key_not_upper_mrn(surgeon, people):
    with CaptureQueriesContext(connection) as captured:
        _found(surgeon, "ab-1234")
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "mrn_key" in sql and 'UPPER("patients_patient"."mrn")' not in sql


def test_search_never_decrypts_a_name(surgeon, people, monkeypatch):
    calls = []
    real = crypto.Keyring.decrypt

    def counting(self, envelope):
        calls.append(envelope)
        return real(self, envelope)

    monkeypatch.setattr(crypto.Keyring, "decrypt", counting)
    for query in ("三丰", "smi", "john sm", "nobody", "ab-1234"):
        list(Patient.objects.visible_to(surgeon).search(query).values_list("pk", flat=True))
    assert calls == []


def test_search_is_a_bounded_number_of_queries_whatever_the_number_of_patients(surgeon, people):
    for n in range(30):
        builders.make_patient(actor=surgeon, mrn=f"BULK{n:04d}", name=f"王{n}")
    with CaptureQueriesContext(connection) as captured:
        assert _found(surgeon, "三丰") == {"ZY0001"}
    assert len(captured.captured_queries) == 1


def test_tokens_follow_a_rename(surgeon, people):
    patient = people["zhang"]
    services.update_patient(patient, actor=surgeon, name="赵敏")
    assert _found(surgeon, "三丰") == set()
    assert _found(surgeon, "敏") == {"ZY0001"}
    terms = name_token_terms("赵敏")
    assert PatientNameToken.objects.filter(patient=patient).count() == len(terms)


def test_other_departments_patients_are_not_found(outsider, people):
    assert _found(outsider, "三丰") == set()


def test_duplicate_hospital_number_in_another_case_or_width_is_refused_on_the_mrn_field(surgeon, people):
    with pytest.raises(ValidationError) as error:
        builders.make_patient(actor=surgeon, mrn="ｚｙ0001", name="重复")
    assert set(error.value.message_dict) == {"mrn"}


def test_bulk_index_patient_names_for_bulk_created_patients(surgeon, department):
    patients = []
    for n, name in enumerate(["周杰", "Mary Ann Lee"]):
        patient = Patient(
            department=department,
            mrn=f"bk{n}",
            name=name,
            sex="female",
            birth_date=date(1970, 1, 1),
        )
        sync_derived_fields(patient)  # what a bulk seeder does before bulk_create
        patients.append(patient)
    Patient.objects.bulk_create(patients)
    assert {p.mrn_key for p in Patient.objects.filter(mrn__startswith="bk")} == {"BK0", "BK1"}
    written = services.index_patient_names(Patient.objects.filter(mrn__startswith="bk"))
    assert written == len(name_token_terms("周杰")) + len(name_token_terms("Mary Ann Lee"))
    assert _found(surgeon, "杰") == {"bk0"} and _found(surgeon, "ann le") == {"bk1"}
    assert _found(surgeon, "BK1") == {"bk1"}
    # Rebuilding replaces the tokens, never duplicates them.
    assert services.index_patient_names(Patient.objects.filter(mrn__startswith="bk")) == written
    assert PatientNameToken.objects.filter(patient__mrn__startswith="bk").count() == written


def test_key_rotation_rebuilds_the_name_tokens(surgeon, settings):
    settings.FIELD_ENCRYPTION_KEY = f"old:{KEY_A}"
    builders.make_patient(actor=surgeon, mrn="ROT1", name="孙悟空")
    before = set(PatientNameToken.objects.values_list("token", flat=True))
    settings.FIELD_ENCRYPTION_KEY = f"new:{KEY_B},old:{KEY_A}"
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEY = f"new:{KEY_B}"
    after = set(PatientNameToken.objects.values_list("token", flat=True))
    assert after and not before & after
    assert _found(surgeon, "悟空") == {"ROT1"}


def test_the_migration_backfills_keys_and_tokens_of_existing_rows(surgeon):
    import importlib

    migration = importlib.import_module("openspine.patients.migrations.0005_mrn_key_and_name_tokens")
    patient = builders.make_patient(actor=surgeon, mrn="old-7", name="杨过")
    Patient.objects.filter(pk=patient.pk).update(mrn_key="")
    PatientNameToken.objects.filter(patient=patient).delete()
    assert _found(surgeon, "杨") == set()
    migration.fill_search_keys(global_apps, None)
    assert Patient.objects.get(pk=patient.pk).mrn_key == "OLD-7"
    assert _found(surgeon, "杨") == {"old-7"} and _found(surgeon, "OLD-7") == {"old-7"}


def test_search_page_still_audited_and_finds_a_part_of_a_name(client, surgeon, people):
    client.force_login(surgeon)
    page = client.get(reverse("patients:patient_list"), {"q": "三丰"})
    assert page.status_code == 200 and "张三丰" in page.content.decode()
    assert AuditEvent.objects.filter(actor=surgeon, action__contains="search").exists()


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["ab-1234", "三丰", "john sm"])
def test_every_search_branch_is_an_index_lookup_on_postgresql(surgeon, people, query):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's (PostgreSQL leg of .ci/run)")
    sql, params = Patient.objects.visible_to(surgeon).search(query)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # few rows here: ask whether an index can serve
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "patientnametoken_token" in plan and "mrn_key" in plan, plan


def test_the_result_list_decrypts_only_the_names_it_shows(client, surgeon, people, monkeypatch):
    calls = []
    real = crypto.Keyring.decrypt
    counting = lambda self, value: calls.append(1) or real(self, value)  # noqa: E731
    monkeypatch.setattr(crypto.Keyring, "decrypt", counting)
    client.force_login(surgeon)
    for query in ("", "三丰"):
        calls.clear()
        page = client.get(reverse("patients:patient_list"), {"q": query})
        assert len(calls) == len(page.context["patients"])  # one name each, no national ID or phone
    assert people["zhang"].national_id not in page.content.decode()


def test_the_recent_patients_list_is_a_bounded_number_of_queries(client, surgeon, people):
    client.force_login(surgeon)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("patients:patient_list"))
    for n in range(12):
        builders.make_patient(actor=surgeon, mrn=f"MORE{n:04d}", name=f"赵{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("patients:patient_list"))
    assert len(page.context["patients"]) == 16
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.postgres
def test_the_recent_patients_list_reads_the_department_index(surgeon, people):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's (PostgreSQL leg of .ci/run)")
    recent = Patient.objects.visible_to(surgeon).order_by("-updated_at")[:50]
    sql, params = recent.query.sql_with_params()
    with connection.cursor() as cursor:
        # A few rows here: ask whether an index can serve the order (a sort then shows only without one).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "patient_recent_by_department" in plan and "Sort" not in plan, plan


def test_the_api_search_decrypts_only_the_names_it_returns(client, surgeon, people, monkeypatch):
    """GET /api/patients/ answers with names but no national ID or phone: only names are decrypted."""
    from openspine.accounts.models import ApiToken

    _token, raw = ApiToken.issue(surgeon, "t")
    calls = []
    real = crypto.Keyring.decrypt
    counting = lambda self, value: calls.append(1) or real(self, value)  # noqa: E731
    monkeypatch.setattr(crypto.Keyring, "decrypt", counting)
    for query in ("", "三丰"):
        calls.clear()
        answer = client.get("/api/patients/", {"q": query}, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert answer.status_code == 200
        names = {row["name"] for row in answer.json()}
        assert names and len(calls) == len(answer.json()), (len(calls), names)
    assert "张三丰" in names
