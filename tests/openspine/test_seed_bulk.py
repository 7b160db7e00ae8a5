"""The bulk demo seeder writes what the services write, deterministically, with a valid audit trail.

The equivalence test plays the same plan through both writers and compares every table by
natural keys (hospital and admission numbers stand in for row ids, which differ between runs).
"""

import os
import shutil
import subprocess
import tracemalloc
from collections import Counter
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openspine.audit.models import AuditEvent, RowChange
from openspine.audit.verify import verify_trail
from openspine.demo import seed
from openspine.demo.bulk import BulkWriter
from openspine.demo.plan import MRN_PREFIX
from openspine.patients.models import Admission, Diagnosis, Patient, PatientNameToken
from openspine.proms.links import resolve_link
from openspine.proms.models import (
    FollowUp,
    FollowUpSeries,
    FollowUpTransition,
    Message,
    PhoneTask,
    QuestionnaireResponse,
)
from openspine.sci.models import IsncsciExam
from openspine.surgery.models import Complication, Operation, Signature
from openspine.surgery.services import tampered_operations

pytestmark = pytest.mark.django_db

# A small department that has every kind of record: revisions, drafts, complications, SCI exams.
SMALL = {"seed": 6, "years": 1, "operations": 40}


def _operation_key(operation):
    return operation.admission.admission_number


def _follow_up_key(fu):
    stay = fu.admission or (fu.operation.admission if fu.operation_id else None)
    return (fu.patient.mrn, stay.admission_number if stay else "", fu.timepoint, fu.is_baseline)


def _digest() -> dict:
    """Every demo table as comparable values, without row ids, random uuids or times of the run."""
    patients = Patient.objects.filter(mrn__startswith=MRN_PREFIX)
    operations = Operation.objects.select_related("admission", "primary_surgeon", "revision_of__admission")
    follow_ups = FollowUp.objects.select_related("patient", "admission", "operation__admission")
    mrn_by_public_id = {str(p.public_id): p.mrn for p in patients}
    return {
        "patients": sorted(
            (p.mrn, p.name, p.sex, p.birth_date, p.national_id, p.phone, p.preferred_language)
            + (p.contact_consent, p.version, p.name_tokens.count(), p.consents.count())
            for p in patients
        ),
        "tokens": PatientNameToken.objects.count(),
        "admissions": sorted(
            (a.admission_number, a.patient.mrn, a.admitted_on, a.discharged_on, a.ward)
            + (a.discharge_destination, a.unplanned_readmission, a.version)
            for a in Admission.objects.select_related("patient")
        ),
        "diagnoses": sorted(
            (d.admission.admission_number, d.disease_area, d.icd10, d.level_from, d.level_to, d.side)
            for d in Diagnosis.objects.select_related("admission")
        ),
        "operations": sorted(
            (_operation_key(o), o.performed_on, o.started_at, o.ended_at, o.primary_surgeon.username)
            + (o.asa_grade, o.approach, o.technique, o.level_from, o.level_to, o.kind, o.status, o.version)
            + (o.revision_of.admission.admission_number if o.revision_of else "", o.blood_loss_ml)
            + (o.navigation, o.neuromonitoring)
            + (tuple(sorted(o.procedures.values_list("code", flat=True))),)
            + (tuple(sorted(o.team.values_list("user__username", "role"))),)
            + (tuple(sorted(o.implants.values_list("kind", "count", "lot_number"))),)
            for o in operations
        ),
        "signatures": sorted(
            (_operation_key(s.operation), s.signer.username, s.meaning, s.invalidated_at is None)
            for s in Signature.objects.select_related("operation__admission", "signer")
        ),
        "complications": sorted(
            (_operation_key(c.operation), c.category, c.timing, c.onset_on, c.clavien_dindo, c.resolved)
            for c in Complication.objects.select_related("operation__admission")
        ),
        "series": sorted(
            (_operation_key(s.operation), s.protocol_version_id, s.close_reason, s.contact_consent_at_start)
            for s in FollowUpSeries.objects.select_related("operation__admission")
        ),
        "follow_ups": sorted(
            _follow_up_key(fu)
            + (fu.state, fu.due_on, fu.window_opens_on, fu.window_closes_on, fu.protocol_version_id)
            + (tuple(fu.instruments), tuple(fu.clinician_tasks), fu.completion_mode, fu.cancel_reason)
            + (fu.series_id is not None, fu.diagnosis.icd10 if fu.diagnosis_id else "")
            for fu in follow_ups
        ),
        "transitions": Counter(
            (_follow_up_key(t.follow_up), t.from_state, t.to_state, t.reason)
            for t in FollowUpTransition.objects.select_related(
                "follow_up__patient", "follow_up__admission", "follow_up__operation__admission"
            )
        ),
        "responses": sorted(
            (_follow_up_key(r.follow_up), r.instrument, r.value, r.mode, r.completed_at)
            for r in QuestionnaireResponse.objects.select_related(
                "follow_up__patient", "follow_up__admission", "follow_up__operation__admission"
            )
        ),
        "messages": Message.objects.count(),
        "phone_tasks": sorted(PhoneTask.objects.values_list("due_on", "state")),
        "exams": sorted(
            (e.patient.mrn, e.examined_on, e.context, tuple(e.ais), e.motor_total)
            for e in IsncsciExam.objects.select_related("patient")
        ),
        "audit": Counter(
            (e.action, e.actor_username, e.object_type, mrn_by_public_id.get(e.patient_id, ""))
            for e in AuditEvent.objects.all()
        ),
    }


def _seeded_digest(**options) -> dict:
    with transaction.atomic():
        seed.seed(**SMALL, **options)
        digest = _digest()
        transaction.set_rollback(True)
    return digest


def test_bulk_and_service_paths_write_the_same_department():
    bulk = _seeded_digest()
    services = _seeded_digest(through_services=True)
    for table in bulk:
        assert bulk[table] == services[table], table
    # The small department exercises every branch of the writers.
    kinds = {row[10] for row in bulk["operations"]}
    statuses = {row[11] for row in bulk["operations"]}
    assert kinds == {"index", "revision"} and statuses == {"signed", "draft"}
    assert bulk["complications"] and bulk["exams"] and bulk["responses"]
    assert any(row[2] == "reoperation" for row in bulk["series"])


def test_bulk_path_does_the_same_whatever_the_chunk_size():
    small, whole = _seeded_digest(chunk=7), _seeded_digest(chunk=1000)
    history = ("proms.history.seeded", "", "", "")
    assert (small["audit"].pop(history), whole["audit"].pop(history)) == (6, 1)  # one per chunk
    assert small == whole


def test_same_seed_same_patients_other_seed_other_patients():
    def people(value):
        with transaction.atomic():
            seed.seed(seed=value, years=1, operations=15)
            rows = sorted(Patient.objects.values_list("mrn", "birth_date", "sex"))
            names = sorted(p.name for p in Patient.objects.all())
            transaction.set_rollback(True)
        return rows, names

    assert people(11) == people(11)
    assert people(11) != people(12)


def test_second_run_adds_nothing():
    seed.seed(seed=3, years=1, operations=12, chunk=5)
    counts = (Patient.objects.count(), Operation.objects.count(), AuditEvent.objects.count())
    assert seed.seed(seed=3, years=1, operations=12)["patients"] == 0
    assert (Patient.objects.count(), Operation.objects.count(), AuditEvent.objects.count()) == counts


def test_an_interrupted_run_keeps_whole_chunks_and_resumes(monkeypatch):
    calls = []
    write = BulkWriter.write

    def fail_second_chunk(self, plans):
        calls.append(len(plans))
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return write(self, plans)

    monkeypatch.setattr(BulkWriter, "write", fail_second_chunk)
    with pytest.raises(RuntimeError):
        seed.seed(seed=3, years=1, operations=12, chunk=5)
    assert Patient.objects.count() == 5  # the first chunk, whole; nothing of the second
    monkeypatch.setattr(BulkWriter, "write", write)
    assert seed.seed(seed=3, years=1, operations=12, chunk=5)["patients"] == 7
    assert sorted(Patient.objects.values_list("mrn", flat=True)) == [f"DEMO{i:07d}" for i in range(1, 13)]


def test_operations_option_creates_that_many_index_operations():
    out = StringIO()
    call_command("seed_demo", "--operations", "30", "--years", "1", stdout=out)
    assert Operation.objects.filter(kind="index").count() == 30
    assert Patient.objects.count() == 30
    assert "operations/s" in out.getvalue()


def test_bulk_patients_are_found_by_name_hospital_number_and_phone(surgeon):
    seed.seed(seed=5, years=1, operations=10)
    patient = Patient.objects.filter(mrn__startswith=MRN_PREFIX).order_by("mrn")[3]
    visible = Patient.objects.all()
    assert list(visible.search(patient.mrn.lower())) == [patient]
    assert patient in visible.search(patient.name)
    assert patient in visible.search(patient.name[1:] if len(patient.name) > 2 else patient.name)
    assert patient in visible.search(patient.phone[-4:])
    assert patient in visible.search(patient.phone)


def test_bulk_signatures_verify():
    seed.seed(**SMALL)
    assert Signature.objects.count() >= 35
    assert tampered_operations() == []


def test_bulk_writer_checks_every_row():
    """A bad planned value is refused naming the field, and nothing of the chunk is written."""
    from django.core.exceptions import ValidationError

    from openspine.demo import plan as plan_module

    original = plan_module.Planner._patient

    def bad_birth(self, rng, index, spec, op_day):
        planned = original(self, rng, index, spec, op_day)
        if index == 2:
            planned.patient["birth_date"] = timezone.localdate() + timedelta(days=3)
            planned.patient["national_id"] = ""
        return planned

    plan_module.Planner._patient = bad_birth
    try:
        with pytest.raises(ValidationError) as error:
            seed.seed(seed=1, years=1, operations=5)
    finally:
        plan_module.Planner._patient = original
    assert "birth_date" in error.value.message_dict
    assert not Patient.objects.filter(mrn__startswith=MRN_PREFIX).exists()


def test_bulk_queries_do_not_grow_with_the_patients():
    """One statement per table and chunk; only the audit trail's own batches grow with the events."""

    def queries(count):
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            seed.seed(seed=SMALL["seed"], years=1, operations=count, chunk=1000)
            events = AuditEvent.objects.count()
            transaction.set_rollback(True)
        # Protocols are read once per procedure mix (a bounded catalogue); savepoints are free.
        skipped = ("proms_protocol", "proms_timepoint", "SAVEPOINT")
        kept = [q["sql"] for q in captured if not any(word in q["sql"] for word in skipped)]
        # The trail's own statements: stream locks (PostgreSQL), heads and inserts.
        audit = [sql for sql in kept if "audit_auditevent" in sql or "openspine.audit_stream" in sql]
        return len(kept) - len(audit), len(audit), events

    small, _audit, _events = queries(SMALL["operations"])  # has a row in every table
    large, audit, events = queries(200)
    assert large == small
    # record_many: the lock and head of each of the 16 streams, then inserts of many events each.
    assert audit <= 3 * 16 + events // 20


@pytest.mark.django_db(transaction=True)
def test_verify_audit_passes_after_the_bulk_seed(audit_anchor_dir):
    out = StringIO()
    call_command("seed_demo", "--operations", "40", "--years", "1", "--chunk", "15", stdout=out)
    result = verify_trail()
    assert result.ok, result.problems
    assert result.anchored == result.streams > 1
    assert AuditEvent.objects.filter(action="patients.patient.created").count() == 40
    assert AuditEvent.objects.filter(action="proms.history.seeded").count() == 3
    if connection.vendor == "postgresql":
        # Row capture sees every bulk insert, as it sees the services' writes.
        assert RowChange.objects.filter(table_name="patients_patient", op="INSERT").count() == 40
        assert RowChange.objects.filter(table_name="surgery_operation").count() >= 40


def test_base_url_reaches_the_printed_questionnaire_link():
    out = StringIO()
    call_command(
        "seed_demo", "--operations", "40", "--years", "1", "--base-url", "http://127.0.0.1:8123/", stdout=out
    )
    line = next(line for line in out.getvalue().splitlines() if "questionnaire link" in line)
    url = line.split(": ", 1)[1]
    assert url.startswith("http://127.0.0.1:8123/q/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = resolve_link(token)
    assert link is not None and link.follow_up.patient.mrn.startswith(MRN_PREFIX)


def test_base_url_must_be_a_web_address():
    with pytest.raises(CommandError, match="--base-url must be an http"):
        call_command("seed_demo", "--operations", "1", "--base-url", "127.0.0.1:8123", stdout=StringIO())


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_passes_its_port_to_the_links():
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "OPENSPINE_SITE_URL"}
    dry_run = subprocess.run(
        ["make", "-n", "-C", str(root), "demo", "PORT=8123"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "seed_demo --base-url http://127.0.0.1:8123" in dry_run
    assert "runserver 127.0.0.1:8123" in dry_run


@pytest.mark.django_db(transaction=True)
def test_memory_stays_flat_over_chunks():
    """Each chunk is committed and let go: ten more chunks hold no more memory than the ten before."""
    seed.seed(seed=4, years=1, operations=100, chunk=25)  # imports, caches, both Fakers' data
    held = []
    tracemalloc.start()
    try:
        record = lambda *_: held.append(tracemalloc.get_traced_memory()[0])  # noqa: E731
        # The first four chunks are the warm-up's patients, present already: skipped.
        seed.seed(seed=4, years=1, operations=600, chunk=25, progress=record)
    finally:
        tracemalloc.stop()
    written = held[4:]
    assert len(written) == 20
    # Caches of protocols and procedure mixes fill in the first chunks, then it stays level.
    assert max(written[10:]) < 1.1 * max(written[:10])


def test_most_demo_patients_consent_to_research_use_so_cohorts_have_members():
    """Research cohorts count only patients whose latest research-use decision is a grant (T-51)."""
    from openspine.patients.choices import ConsentKind
    from openspine.patients.models import ConsentRecord
    from openspine.research.services import count_cohort

    with transaction.atomic():
        seed.seed(**SMALL)
        patients = Patient.objects.filter(mrn__startswith=MRN_PREFIX)
        granted = ConsentRecord.objects.filter(
            patient__in=patients, kind=ConsentKind.RESEARCH_USE, granted=True
        )
        assert 0 < granted.count() < patients.count()
        department = patients.first().department_id
        assert count_cohort({}, department_id=department) > 0
        transaction.set_rollback(True)
