from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImagingConfig(AppConfig):
    name = "openspine.imaging"
    label = "imaging"
    verbose_name = _("Radiographs")

    def ready(self):
        from openspine.imaging import timeline as imaging_timeline
        from openspine.patients import timeline

        timeline.register(imaging_timeline.films)
