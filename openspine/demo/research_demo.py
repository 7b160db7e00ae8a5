"""Demo research office: research-use consents, a few funded projects and a saved cohort.

Cheap, deterministic and idempotent: a second run finds the projects by code and the consents by
patient and adds nothing. About nine in ten demo patients consent to research use (decided by
their hospital number, not at random), so the lumbar fusion cohort has its 12-month ODI.
"""

from datetime import date, timedelta

from django.db import transaction

from openspine.accounts.models import User
from openspine.audit import services as audit
from openspine.demo.rows import insert
from openspine.patients.choices import ConsentKind
from openspine.patients.models import ConsentRecord, Patient
from openspine.patients.services import build_consent_record
from openspine.research import services
from openspine.research.criteria import timepoint_labels
from openspine.research.models import ResearchProject

LUMBAR_COHORT = {
    "disease_areas": ["lumbar_degenerative"],
    "procedure_groups": ["fusion"],
    "follow_up": {"instrument": "odi", "timepoint": "12m"},
}
# (code, title, funder, level, grant number, amount in yuan, start, DUA reference)
PROJECTS = [
    (
        "LUMBAR-FUSION",
        "腰椎融合术后功能结局队列研究",
        "国家自然科学基金 面上项目",
        "national",
        "82272001",
        "550000",
        0,
        "DUA-2026-01",
    ),
    (
        "CSM-SURGERY",
        "脊髓型颈椎病手术时机与结局",
        "省科技厅 重点研发计划",
        "provincial_ministerial",
        "2025YFS0142",
        "300000",
        1,
        "",
    ),
    ("SCI-REHAB", "急性脊髓损伤早期康复", "院级青年基金", "institutional", "YJ-2024-17", "50000", 2, ""),
]


def _consenting(patient: Patient) -> bool:
    digits = "".join(ch for ch in patient.mrn if ch.isdigit())
    return int(digits or 0) % 10 != 7


def seed_research(*, today: date) -> int:
    """Record research consents and the demo projects; return how many projects were created."""
    seeder = User.objects.filter(username="researcher").first()
    if seeder is None:
        return 0
    with transaction.atomic():
        _consents(seeder)
        created = 0
        for number, spec in enumerate(PROJECTS):
            created += _project(seeder, spec, today=today, first=number == 0)
    return created


def _consents(seeder, chunk: int = 2000) -> None:
    """Record a research-use decision for every patient who has none, a chunk at a time."""
    asked = ConsentRecord.objects.filter(kind=ConsentKind.RESEARCH_USE).values("patient_id")
    pending = list(Patient.objects.exclude(pk__in=asked).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pending), chunk):
        patients = Patient.objects.filter(pk__in=pending[start : start + chunk]).only(
            "pk", "mrn", "public_id"
        )
        records = [
            build_consent_record(patient, ConsentKind.RESEARCH_USE, _consenting(patient), actor=seeder)
            for patient in patients.order_by("pk")
        ]
        insert(records, model=ConsentRecord)
        audit.record_many([_event(seeder, record) for record in records])


def _event(seeder, record) -> dict:
    return {
        "actor": seeder,
        "action": "patients.consent.recorded",
        "obj": record,
        "after": {"kind": record.kind, "granted": record.granted},
        "patient": record.patient,
    }


def _project(seeder, spec, *, today: date, first: bool) -> int:
    code, title, funder, level, grant, amount, years_ago, dua = spec
    if ResearchProject.objects.filter(short_code=code).exists():
        return 0
    start = date(today.year - years_ago, 1, 1)
    project = services.create_project(
        actor=seeder,
        short_code=code,
        title=title,
        principal_investigator=seeder,
        funder=funder,
        funding_level=level,
        grant_number=grant,
        amount_yuan=amount,
        start_on=start,
        end_on=start + timedelta(days=3 * 365),
        dua_reference=dua,
    )
    services.add_approval(
        project,
        actor=seeder,
        committee="医院伦理委员会",
        number=f"KY-{start.year}-{code}",
        approved_on=start,
        expires_on=today + timedelta(days=365),
    )
    if first and LUMBAR_COHORT["follow_up"]["timepoint"] in timepoint_labels():
        services.save_cohort(project, LUMBAR_COHORT, actor=seeder, name="腰椎融合 + 12个月 ODI")
    return 1
