"""Demo research office: a few funded projects with ethics approvals and a saved cohort.

Cheap, deterministic and idempotent: a second run finds the projects by code and adds nothing.
The patients' research-use consents come from the demo plan (``openspine.demo.plan``), so the
lumbar fusion cohort with its 12-month ODI has members.
"""

from datetime import date, timedelta

from django.db import transaction

from openspine.accounts.models import User
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


def seed_research(*, today: date) -> int:
    """Create the demo research projects; return how many were created."""
    seeder = User.objects.filter(username="researcher").first()
    if seeder is None:
        return 0
    with transaction.atomic():
        created = 0
        for number, spec in enumerate(PROJECTS):
            created += _project(seeder, spec, today=today, first=number == 0)
    return created


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
