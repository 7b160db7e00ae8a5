from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurgeryConfig(AppConfig):
    name = "openspine.surgery"
    label = "surgery"
    verbose_name = _("Surgery")
