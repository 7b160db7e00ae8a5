from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromsConfig(AppConfig):
    name = "openspine.proms"
    label = "proms"
    verbose_name = _("Follow-up")

    def ready(self):
        from openspine.patients.signals import contact_consent_withdrawn
        from openspine.proms import timeline  # noqa: F401 (registers the timeline provider)
        from openspine.surgery.signals import operation_signed

        operation_signed.connect(schedule_on_signing, dispatch_uid="proms.schedule_on_signing")
        contact_consent_withdrawn.connect(cancel_on_withdrawal, dispatch_uid="proms.cancel_on_withdrawal")


def schedule_on_signing(sender, operation, actor, **kwargs):
    """Schedule the follow-ups of a signed operation, inside the signing transaction."""
    from openspine.proms.services import schedule_follow_ups

    schedule_follow_ups(operation, actor=actor)


def cancel_on_withdrawal(sender, patient, actor, **kwargs):
    """Cancel pending follow-ups (and revoke links, drop reminders) inside the withdrawal's transaction."""
    from openspine.proms.choices import CancelReason
    from openspine.proms.services import cancel_follow_ups

    cancel_follow_ups(patient, reason=CancelReason.CONSENT_WITHDRAWN, actor=actor)
