from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromsConfig(AppConfig):
    name = "openspine.proms"
    label = "proms"
    verbose_name = _("Follow-up")

    def ready(self):
        from openspine.patients.signals import (
            admission_recorded,
            contact_consent_withdrawn,
            diagnosis_recorded,
        )
        from openspine.proms import timeline  # noqa: F401 (registers the timeline provider)
        from openspine.surgery.signals import operation_signed

        operation_signed.connect(schedule_on_signing, dispatch_uid="proms.schedule_on_signing")
        contact_consent_withdrawn.connect(cancel_on_withdrawal, dispatch_uid="proms.cancel_on_withdrawal")
        admission_recorded.connect(baseline_on_admission, dispatch_uid="proms.baseline_on_admission")
        diagnosis_recorded.connect(baseline_on_diagnosis, dispatch_uid="proms.baseline_on_diagnosis")


def schedule_on_signing(sender, operation, actor, **kwargs):
    """Schedule the follow-ups of a signed operation, inside the signing transaction."""
    from openspine.proms.services import schedule_follow_ups

    schedule_follow_ups(operation, actor=actor)


def cancel_on_withdrawal(sender, patient, actor, **kwargs):
    """Cancel pending follow-ups (and revoke links, drop reminders) inside the withdrawal's transaction."""
    from openspine.proms.choices import CancelReason
    from openspine.proms.services import cancel_follow_ups

    cancel_follow_ups(patient, reason=CancelReason.CONSENT_WITHDRAWN, actor=actor)


def baseline_on_admission(sender, admission, actor, **kwargs):
    """Open the pre-operative baseline of a new stay of a patient who already has a diagnosis."""
    from openspine.proms.baseline import schedule_baseline

    diagnosis = admission.patient.diagnoses.order_by("-diagnosed_on", "-pk").first()
    if diagnosis is not None:
        schedule_baseline(admission, diagnosis, actor=actor)


def baseline_on_diagnosis(sender, diagnosis, actor, **kwargs):
    """Open (or re-point) the pre-operative baseline of the stay a new diagnosis is linked to."""
    from openspine.proms.baseline import schedule_baseline

    if diagnosis.admission_id is not None:
        schedule_baseline(diagnosis.admission, diagnosis, actor=actor)
