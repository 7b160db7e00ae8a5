"""Background work of the analytics app (django-tasks, database backend)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from openspine.accounts.models import Department
from openspine.analytics import services


@task(queue_name="default")
def refit_department_models(department_id: int, actor_id: int | None = None) -> list[str]:
    """Refit one department's risk models; return each new version's label and status."""
    department = Department.objects.get(pk=department_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return [f"{v.label}:{v.status}" for v in services.fit_risk_models(department, actor=actor)]


@task(queue_name="default")
def generate_quality_report(report_id: int) -> str:
    """Generate one annual quality report's PDF; return its SHA-256."""
    from openspine.analytics import reports

    return reports.generate(report_id).sha256
