"""Research objects for the access matrix (tests/access_matrix.py World.extra)."""

from datetime import date

from openspine.research import services
from openspine.research.models import ExportRun


def research_objects(surgeon) -> dict:
    """A project of the spine department with an approval in force, a cohort and someone else's export."""
    project = services.create_project(
        actor=surgeon,
        short_code="MATRIX-1",
        title="Matrix project",
        principal_investigator=surgeon,
        start_on=date(2025, 1, 1),
    )
    services.add_approval(
        project,
        actor=surgeon,
        committee="Ethics committee",
        number="KY-MATRIX",
        approved_on=date(2025, 1, 1),
        expires_on=date(2099, 1, 1),
    )
    version = services.save_cohort(project, {}, actor=surgeon, name="Everyone")
    export = ExportRun.objects.create(cohort_version=version, requested_by=surgeon, purpose="matrix")
    return {"projects": project, "cohorts": version.cohort, "exports": export}
