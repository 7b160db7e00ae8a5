from django.db import models
from django.utils.translation import gettext_lazy as _


class ExamContext(models.TextChoices):
    """When in the patient's course the exam was done; the chart and research exports group by it."""

    ADMISSION = "admission", _("Admission")
    PRE_OP = "pre_op", _("Before operation")
    POST_OP = "post_op", _("After operation")
    DISCHARGE = "discharge", _("Discharge")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")
