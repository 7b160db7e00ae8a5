from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SciConfig(AppConfig):
    name = "openspine.sci"
    label = "sci"
    verbose_name = _("Spinal cord injury")

    def ready(self):
        from openspine.patients import timeline
        from openspine.sci import timeline as sci_timeline

        timeline.register(sci_timeline.exams)
