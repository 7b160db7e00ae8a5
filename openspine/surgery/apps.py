from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurgeryConfig(AppConfig):
    name = "openspine.surgery"
    label = "surgery"
    verbose_name = _("Surgery")

    def ready(self):
        from openspine.patients import timeline
        from openspine.surgery import timeline as surgery_timeline

        timeline.register(surgery_timeline.operations)
        timeline.register(surgery_timeline.complications)
