"""The demo queues one refit of its risk models for the worker, once."""

import pytest
from django_tasks_db.models import DBTaskResult

from openspine.analytics import tasks
from openspine.analytics.models import RiskModelVersion
from openspine.demo import analytics_demo


@pytest.mark.django_db
def test_the_demo_queues_the_refit_once(department, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert analytics_demo.queue_risk_models(department) == 1
    assert analytics_demo.queue_risk_models(department) == 0
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == tasks.refit_department_models.module_path
    assert waiting.args_kwargs["args"] == [department.pk]


@pytest.mark.django_db
def test_the_queued_refit_fits_every_outcome(department):
    labels = tasks.refit_department_models.call(department.pk)
    assert labels == ["S1_30d-v1:refused", "S2_30d-v1:refused", "S4_90d-v1:refused"]
    assert RiskModelVersion.objects.filter(department=department).count() == 3
    assert analytics_demo.queue_risk_models(department) == 0
