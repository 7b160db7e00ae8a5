from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SciConfig(AppConfig):
    name = "openspine.sci"
    label = "sci"
    verbose_name = _("Spinal cord injury")
