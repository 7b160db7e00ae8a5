"""Demo risk models: queue one refit of the demo department's models for the background worker.

Fitting takes several seconds at demo size, so the seed only queues it (``make demo`` starts a
worker beside the server); the risk models page shows the versions a minute later. Idempotent: a
department that already has versions, or a refit already waiting, is left alone.
"""

from django_tasks_db.models import DBTaskResult

from openspine.analytics import tasks
from openspine.analytics.models import RiskModelVersion


def queue_risk_models(department) -> int:
    """Queue the refit of ``department``'s models unless it has some or one waits; return 1 if queued."""
    if RiskModelVersion.objects.filter(department=department).exists():
        return 0
    waiting = DBTaskResult.objects.filter(task_path=tasks.refit_department_models.module_path, status="READY")
    if waiting.exists():
        return 0
    tasks.refit_department_models.enqueue(department.pk)
    return 1
