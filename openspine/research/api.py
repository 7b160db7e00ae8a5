"""Cohort definitions over JSON: the same access functions and services as the pages.

Researchers use the API with their own right (``research.api``); they get criteria, counts (with
the small-number rule) and cohort definitions, never a row about a patient.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Router, Status

from openspine.accounts.api import TokenAuth
from openspine.research import services
from openspine.research.access import get_cohort_for, get_project_for
from openspine.research.criteria import CriteriaError
from openspine.research.models import ResearchProject
from openspine.research.schemas import CohortIn, CohortOut, CountOut, CriteriaIn, ProjectOut


class ResearchTokenAuth(TokenAuth):
    """The shared bearer-token check, asking for the research API right instead of ``api.use``."""

    capability = "research.api"


router = Router(tags=["research"], auth=ResearchTokenAuth())


def _criteria_errors(error: CriteriaError):
    return ValidationError({f"criteria.{key}": message for key, message in error.errors.items()})


@router.get("/projects", response=list[ProjectOut])
def list_projects(request):
    """List the department's research projects."""
    from openspine.patients.access import check_capability

    check_capability(request.user, "research.view", target="api.research.projects")
    return list(ResearchProject.objects.visible_to(request.user)[:200])


@router.post("/projects/{public_id}/count", response=CountOut)
def count_cohort(request, public_id: UUID, payload: CriteriaIn):
    """Count the index operations matching the criteria (1 to 7 answer ``<8``)."""
    project = get_project_for(request.user, public_id)
    try:
        count = services.count_cohort(payload.criteria, department_id=project.department_id)
    except CriteriaError as error:
        raise _criteria_errors(error) from error
    return {"count": services.display_count(count)}


@router.post("/projects/{public_id}/cohorts", response={201: CohortOut})
def create_cohort(request, public_id: UUID, payload: CohortIn):
    """Save a new cohort (version 1) of the project; needs an ethics approval in force."""
    project = get_project_for(request.user, public_id, action="edit")
    try:
        version = services.save_cohort(project, payload.criteria, actor=request.user, name=payload.name)
    except CriteriaError as error:
        raise _criteria_errors(error) from error
    return Status(201, version.cohort)


@router.get("/cohorts/{public_id}", response=CohortOut)
def get_cohort(request, public_id: UUID):
    """A cohort definition with all its versions, newest first."""
    return get_cohort_for(request.user, public_id)


@router.post("/cohorts/{public_id}/versions", response={201: CohortOut})
def add_cohort_version(request, public_id: UUID, payload: CriteriaIn):
    """Save new criteria as the next version of the cohort."""
    cohort = get_cohort_for(request.user, public_id, action="edit")
    try:
        services.save_cohort(cohort.project, payload.criteria, actor=request.user, cohort=cohort)
    except CriteriaError as error:
        raise _criteria_errors(error) from error
    return Status(201, cohort)
