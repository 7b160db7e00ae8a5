"""Signals other apps listen to, so surgery never imports a higher layer (follow-up, teaching)."""

from django.dispatch import Signal

# Sent by ``services.sign_operation`` with ``operation`` and ``actor`` *inside* the signing
# transaction: a receiver's writes (scheduling follow-ups) commit or roll back with the signature.
# Receivers must not send email or call out directly; they queue that with ``transaction.on_commit``.
operation_signed = Signal()
