from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachingConfig(AppConfig):
    name = "openspine.teaching"
    label = "teaching"
    verbose_name = _("Teaching")

    def ready(self):
        from openspine.teaching import reminders  # noqa: F401 (registers the periodic reminder task)
