"""Re-encrypt every identifier with the primary field key and recompute the blind indexes (T-55)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from openspine import audit
from openspine.core import crypto
from openspine.core.fields import encrypted_models, rotate_model


class Command(BaseCommand):
    help = (
        "Re-encrypt identifiers with the first (primary) key of OPENSPINE_FIELD_KEY; keep the old key "
        "in the keyring until this has run, then remove it."
    )

    def handle(self, *args, **options):
        ring = crypto.keyring()
        with transaction.atomic():
            counts = {model._meta.label_lower: rotate_model(model) for model in encrypted_models()}
            audit.record(
                None,
                "patients.field_keys.rotated",
                None,
                after={"key_id": ring.primary.key_id, "algorithm": ring.algorithm, "rows": counts},
            )
        summary = ", ".join(f"{label}: {n}" for label, n in counts.items())
        self.stdout.write(f"Re-encrypted under key {ring.primary.key_id} ({ring.algorithm}): {summary}")
        return None
