"""Write audited events as fast as one process can, between two wall-clock times; print JSON counts.

Each write is what a staff read of a patient costs: ``audit.record(..., "patients.patient.viewed",
patient)`` in its own transaction, on a patient drawn at random, so writers spread over the audit
streams as real traffic does. ``bench_scale.py`` starts several at once (the source tree under test
first on ``PYTHONPATH``) and adds their counts up.

Usage: audit_writer.py START_EPOCH SECONDS SEED [STOP_FILE]
"""

import json
import os
import random
import sys
import time

import django


def main(argv: list[str]) -> int:
    start, seconds, seed = float(argv[0]), float(argv[1]), int(argv[2])
    stop_file = argv[3] if len(argv) > 3 else ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openspine.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from openspine import audit
    from openspine.patients.models import Patient

    rng = random.Random(seed)
    actor = get_user_model().objects.get(username="coordinator")
    highest = Patient.objects.order_by("-pk").values_list("pk", flat=True).first()
    chosen = rng.sample(range(1, highest + 1), min(300, highest))
    patients = list(Patient.objects.filter(pk__in=chosen))
    time.sleep(max(0.0, start - time.time()))
    count, began = 0, time.monotonic()
    deadline = began + seconds
    while time.monotonic() < deadline:
        if stop_file and count % 20 == 0 and os.path.exists(stop_file):
            break
        patient = rng.choice(patients)
        with transaction.atomic():
            audit.record(actor, "patients.patient.viewed", patient, patient=patient)
        count += 1
    print(json.dumps({"count": count, "seconds": time.monotonic() - began}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
