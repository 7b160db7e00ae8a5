from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromsConfig(AppConfig):
    name = "openspine.proms"
    label = "proms"
    verbose_name = _("Follow-up")
