"""Build the synthetic demo department: plan each patient, then write the plans in chunks.

Deterministic for a given ``seed``, ``today`` and number of patients; every patient is invented
(Faker zh_CN and en), every national ID number is generated with a valid check digit for an
invented person. Patient ``n`` is planned from its own generator (:mod:`openspine.demo.plan`), then
written either by the bulk writer (:mod:`openspine.demo.bulk`, the default: a few queries per table
and chunk) or through the real services one record at a time (``through_services=True``). Each
chunk is one transaction, so an interrupted run keeps whole patients and a second run carries on
where it stopped: patients already present (by hospital number) are skipped.
"""

import gc
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from openspine.accounts.models import Department, User
from openspine.core.fields import index_value
from openspine.core.validators import normalise_national_id
from openspine.demo import analytics_demo, imaging_demo, interop_demo
from openspine.demo.bulk import BulkWriter
from openspine.demo.plan import MRN_PREFIX, Planner, mrn_of, patient_rng
from openspine.demo.research_demo import seed_research
from openspine.patients import services as patients
from openspine.patients.choices import ConsentKind
from openspine.patients.models import NATIONAL_ID_PURPOSE, Patient
from openspine.proms.demo import seed_follow_up_history
from openspine.sci import services as sci
from openspine.surgery import services as surgery

DEMO_PASSWORD = "openspine-demo-2026"  # noqa: S105 (synthetic demo accounts only; refused in production)
CHUNK = 1000
PERSONAS = [
    ("director", "director"),
    ("surgeon", "surgeon"),
    ("resident", "resident"),
    ("coordinator", "coordinator"),
    ("researcher", "researcher"),
    ("teacher", "teacher"),
    ("auditor", "auditor"),
    ("admin", "sysadmin"),
    ("secadmin", "secadmin"),
    ("anaesthetist", "anaesthetist"),
]
EXTRA_STAFF = {"surgeon": 7, "resident": 5, "coordinator": 1, "anaesthetist": 3}


@dataclass
class Staff:
    director: User
    attendings: list
    residents: list
    anaesthetists: list
    seeder: User


def create_staff(fake: Faker) -> Staff:
    """Create one account per role (the test personas' usernames) and a realistic team.

    The shared demo password is hashed once: Argon2id is deliberately slow, and twenty-odd hashes
    of the same password would cost the demo half a minute for nothing.
    """
    spine, _ = Department.objects.get_or_create(code="spine", defaults={"name": "脊柱外科 Spine Surgery"})
    trauma, _ = Department.objects.get_or_create(
        code="trauma", defaults={"name": "创伤骨科 Orthopaedic Trauma"}
    )
    users = {}
    password_hash = make_password(DEMO_PASSWORD)
    accounts = list(PERSONAS)
    for role, extra in EXTRA_STAFF.items():
        accounts += [(f"{role}{i}", role) for i in range(2, extra + 2)]
    for username, role in accounts:
        users[username] = _user(username, role, spine, fake, password_hash)
    _user("outsider", "surgeon", trauma, fake, password_hash)
    by_role = lambda role: [u for u in users.values() if u.role == role]  # noqa: E731
    return Staff(
        director=users["director"],
        attendings=by_role("surgeon") + [users["director"]],
        residents=by_role("resident"),
        anaesthetists=by_role("anaesthetist"),
        seeder=users["coordinator"],
    )


def _user(username, role, department, fake, password_hash):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, department=department, display_name=fake.name())
        user.password = password_hash
        user.save()
    return user


class ServiceWriter:
    """Write planned patients through the real services, one record at a time (the reference path)."""

    def __init__(self, staff, today, rng_for):
        self.staff, self.today, self.rng_for = staff, today, rng_for

    def write(self, plans) -> tuple[list, int]:
        """Write ``plans`` and their follow-up history; return (stay, Operation) pairs and follow-ups."""
        written = []
        for plan in plans:
            written += self._patient(plan)
        operations = [operation for _stay, operation in written]
        return written, seed_follow_up_history(self.rng_for, operations, today=self.today)

    def _patient(self, plan) -> list:
        seeder = self.staff.seeder
        patient = patients.create_patient(actor=seeder, contact_consent=plan.contact_consent, **plan.patient)
        if plan.research_consent:
            patients.record_consent(patient, ConsentKind.RESEARCH_USE, True, actor=seeder)
        written, first = [], None
        for stay in plan.stays:
            admission = patients.add_admission(patient, actor=seeder, **stay.admission)
            diagnosis = patients.add_diagnosis(patient, actor=seeder, admission=admission, **stay.diagnosis)
            surgeon = stay.operation["primary_surgeon"]
            operation = surgery.create_operation(
                patient,
                actor=surgeon,
                admission=admission,
                diagnosis=diagnosis,
                procedures=stay.procedures,
                team=stay.team,
                implants=stay.implants,
                revision_of=first,
                **stay.operation,
            )
            if stay.signed:
                surgery.sign_operation(operation, actor=surgeon)
            if stay.complication:
                surgery.add_complication(operation, actor=surgeon, **stay.complication)
            first = first or operation
            written.append((stay, operation))
        return written

    def write_exams(self, written) -> int:
        """Record the planned ISNCSCI exams through the service."""
        count = 0
        for stay, operation in written:
            for exam, examined_on, context in stay.exams:
                sci.record_exam(
                    operation.patient,
                    exam,
                    actor=operation.primary_surgeon,
                    examined_on=examined_on,
                    context=context,
                    admission=operation.admission,
                )
                count += 1
        return count


def seed(
    *,
    seed: int = 2026,
    years: int = 3,
    per_year: int = 3000,
    operations: int | None = None,
    today: date | None = None,
    progress=None,
    through_services: bool = False,
    chunk: int = CHUNK,
) -> dict:
    """Create the demo department; return counts of what this run created.

    ``operations`` index operations (one per patient; some patients also get a revision) spread
    over ``years`` years up to ``today``; by default ``years * per_year``. Patients already present
    are skipped, so a second run adds nothing. ``progress(done, total)`` is called after each chunk.
    """
    today = today or timezone.localdate()
    total = operations if operations is not None else years * per_year
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    with transaction.atomic():
        staff = create_staff(fake)
    planner = Planner(seed=seed, staff=staff, today=today, years=years, total=total)
    writer = (ServiceWriter if through_services else BulkWriter)(staff, today, _history_rng(seed))
    counts = Counter(patients=0, operations=0, follow_ups=0, isncsci_exams=0)
    for begin in range(0, total, chunk):
        indices = range(begin, min(total, begin + chunk))
        present = set(
            Patient.objects.filter(mrn__in=[mrn_of(i) for i in indices]).values_list("mrn", flat=True)
        )
        plans = [planner.plan(i) for i in indices if mrn_of(i) not in present]
        if plans:
            with transaction.atomic():
                _give_unique_national_ids(planner, plans)
                written, follow_ups = writer.write(plans)
                counts["follow_ups"] += follow_ups
                counts["isncsci_exams"] += writer.write_exams(written)
            counts["patients"] += len(plans)
            counts["operations"] += len(written)
            del plans, written
            # Rows point at each other (foreign-key caches): free the chunk now, not at some later
            # collection, so memory stays flat however many chunks follow.
            gc.collect()
        if progress:
            progress(indices.stop, total)
    counts["radiographs"] = imaging_demo.seed_films(today)  # issue 14
    counts["research_projects"] = seed_research(today=today)  # issue 12
    interop_demo.write_samples(seed)  # issue 13
    # issue 10
    counts["risk_model_refits_queued"] = analytics_demo.queue_risk_models(staff.director.department)
    return dict(counts)


def _give_unique_national_ids(planner: Planner, plans) -> None:
    """Redraw a planned national ID that is taken (in the database or earlier in the chunk).

    Invented numbers can collide by chance (about one in ten runs of 300,000 patients); the
    redraw comes from the patient's own generator, so the outcome does not depend on chunking.
    """
    planned = [_nid_index(plan) for plan in plans if plan.patient["national_id"]]
    taken = set(
        Patient.objects.filter(national_id_index__in=planned).values_list("national_id_index", flat=True)
    )
    for plan in plans:
        attempt = 0
        while plan.patient["national_id"] and _nid_index(plan) in taken:
            attempt += 1
            plan.patient["national_id"] = planner.national_id(plan, attempt)
            index = _nid_index(plan)
            if Patient.objects.filter(national_id_index=index).exists():
                taken.add(index)  # a redraw may hit a patient of an earlier chunk: ask again
        if plan.patient["national_id"]:
            taken.add(_nid_index(plan))


def _nid_index(plan) -> str:
    value = plan.patient["national_id"]
    return index_value(value, purpose=NATIONAL_ID_PURPOSE, normalise=normalise_national_id)


def _history_rng(seed):
    def rng_for(patient) -> random.Random:
        return patient_rng(seed, int(patient.mrn[len(MRN_PREFIX) :]) - 1, "follow-up")

    return rng_for


def try_portal_link(base_url: str) -> tuple[str, str] | None:
    """Issue one questionnaire link of an invited demo follow-up; return (its URL, the patient's MRN).

    The URL starts with ``base_url`` (``make demo`` passes the port it serves on), so it opens on
    this demo. None when no demo follow-up is waiting for an answer.
    """
    from django.test.utils import override_settings

    from openspine.proms.choices import FollowUpState
    from openspine.proms.links import issue_link, link_url
    from openspine.proms.models import FollowUp

    waiting = (
        FollowUp.objects.filter(
            state=FollowUpState.INVITED,
            window_closes_on__gte=timezone.localdate(),
            patient__mrn__startswith=MRN_PREFIX,
            patient__contact_consent=True,
        )
        .select_related("patient")
        .order_by("pk")
        .first()
    )
    if waiting is None:
        return None
    with transaction.atomic(), override_settings(SITE_URL=base_url):
        return link_url(issue_link(waiting)), waiting.patient.mrn
