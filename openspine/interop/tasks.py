"""Background jobs of the hospital interfaces (django-tasks, queue ``imports``).

The view enqueues the commit after the request's transaction commits; the worker runs
:func:`openspine.interop.services.commit_batch`, which writes the whole batch in one transaction.
A worker killed mid-batch leaves the batch uncommitted and none of its rows written (T-74).
"""

from django.contrib.auth import get_user_model
from django_tasks import task

from openspine.core.errors import DomainError
from openspine.interop import services
from openspine.interop.models import ImportBatch


@task(queue_name="imports")
def commit_batch_job(batch_id: int, user_id: int, accept_partial: bool) -> dict:
    """Commit one previewed batch for the user who asked; return its counts (or its refusal)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    actor = get_user_model().objects.get(pk=user_id)
    try:
        batch = services.commit_batch(
            batch, actor=actor, accept_partial=accept_partial, progress=save_progress
        )
    except DomainError as error:
        return {"status": batch.status, "error": str(error)}
    return {"status": batch.status, "counts": batch.counts}


def save_progress(batch: ImportBatch, done: int, total: int) -> None:
    """Record how many rows the check pass has done (autocommit: the progress bar reads it)."""
    ImportBatch.objects.filter(pk=batch.pk).update(progress_done=done, progress_total=total)
