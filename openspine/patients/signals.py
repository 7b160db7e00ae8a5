"""Signals the patients app sends so that higher apps can react without patients importing them.

``contact_consent_withdrawn`` is sent by :func:`openspine.patients.services.record_consent` *inside*
its transaction when a patient withdraws (or refuses) follow-up contact. Receivers get
``patient``, ``actor`` and ``consent`` (the new :class:`ConsentRecord`) and must cancel whatever
contact is pending (questionnaire links, queued reminders); their writes join the withdrawal's
transaction, so either both happen or neither does (T-33).
"""

from django.dispatch import Signal

contact_consent_withdrawn = Signal()

admission_recorded = Signal()
"""Sent by :func:`openspine.patients.services.add_admission` inside its transaction, with
``admission`` and ``actor``: the follow-up engine opens the pre-operative baseline questionnaire."""

diagnosis_recorded = Signal()
"""Sent by :func:`openspine.patients.services.add_diagnosis` inside its transaction, with
``diagnosis`` and ``actor``: a diagnosis linked to an admission may open that stay's baseline."""
