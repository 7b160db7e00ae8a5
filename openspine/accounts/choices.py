from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A staff member's single role; system, security and audit administration are kept apart (三员分立)."""

    DIRECTOR = "director", _("Director")
    SURGEON = "surgeon", _("Attending surgeon")
    RESIDENT = "resident", _("Resident")
    COORDINATOR = "coordinator", _("Follow-up coordinator")
    ANAESTHETIST = "anaesthetist", _("Anaesthetist")
    RESEARCHER = "researcher", _("Researcher")
    TEACHER = "teacher", _("Teacher")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
