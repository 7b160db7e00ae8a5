"""Background jobs of the research app (django-tasks, queue ``exports``)."""

from django_tasks import task

from openspine.research.models import ExportRun


@task(queue_name="exports")
def run_export(run_id: int) -> str:
    """Run one queued export; return its final status."""
    from openspine.research.services import execute_export

    return execute_export(ExportRun.objects.get(pk=run_id)).status
