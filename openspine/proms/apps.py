from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromsConfig(AppConfig):
    name = "openspine.proms"
    label = "proms"
    verbose_name = _("Follow-up")

    def ready(self):
        from openspine.proms import timeline  # noqa: F401 (registers the timeline provider)
        from openspine.surgery.signals import operation_signed

        operation_signed.connect(schedule_on_signing, dispatch_uid="proms.schedule_on_signing")


def schedule_on_signing(sender, operation, actor, **kwargs):
    """Schedule the follow-ups of a signed operation, inside the signing transaction."""
    from openspine.proms.services import schedule_follow_ups

    schedule_follow_ups(operation, actor=actor)
