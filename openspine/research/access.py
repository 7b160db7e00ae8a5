"""The only way to load research objects from a URL or API id (STYLE.md section 6).

404 when the user may not know the object (another department's project; someone else's export
file, T-49), checked first so that nobody outside learns that it exists; then 403 when the role may
not use research pages at all (audited).
"""

from django.http import Http404

from openspine.patients.access import check_capability
from openspine.research.models import Cohort, ExportRun, ResearchProject

CAPABILITY = {"view": "research.view", "edit": "research.edit"}


def get_project_for(user, public_id, *, action: str = "view") -> ResearchProject:
    """Return the project with ``public_id`` if ``user`` may ``action`` it."""
    project = ResearchProject.objects.visible_to(user).filter(public_id=public_id).first()
    if project is None:
        raise Http404
    check_capability(user, CAPABILITY[action], target=str(public_id))
    return project


def get_cohort_for(user, public_id, *, action: str = "view") -> Cohort:
    """Return the cohort with ``public_id`` if ``user`` may ``action`` its project."""
    cohort = (
        Cohort.objects.select_related("project")
        .filter(project__department_id=user.department_id, public_id=public_id)
        .first()
    )
    if cohort is None:
        raise Http404
    check_capability(user, CAPABILITY[action], target=str(public_id))
    return cohort


def get_export_for(user, public_id) -> ExportRun:
    """Return the export run with ``public_id`` if ``user`` requested it (only the requester, T-49)."""
    run = (
        ExportRun.objects.select_related("cohort_version__cohort__project", "requested_by")
        .filter(public_id=public_id, requested_by=user)
        .first()
    )
    if run is None:
        raise Http404
    check_capability(user, "research.export", target=str(public_id))
    return run
