"""Synthetic ISNCSCI exams for the demo's spinal cord injury patients.

A lesion below the operated level's top, a severity drawn at random, and a modest improvement by
discharge. Invented for demonstration; the classification itself is computed by spinescores.
"""

import random
from datetime import timedelta

from openspine.core import levels
from openspine.sci import services as sci
from spinescores.isncsci import normal_exam

SENSORY = ["C2", "C3", "C4", "C5", "C6", "C7", "C8", *(f"T{i}" for i in range(1, 13))]
SENSORY += ["L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5"]
SEVERITIES = [("complete", 35), ("sensory", 15), ("motor_weak", 25), ("motor_strong", 25)]


def make_exam(rng: random.Random, lesion: str, severity: str, recovery: int = 0) -> dict:
    """Return an interchange-format exam with normal function above ``lesion``."""
    exam = normal_exam(vac="No" if severity in ("complete", "sensory") else "Yes")
    exam["dap"] = "No" if severity == "complete" else "Yes"
    start = SENSORY.index(lesion)
    for side in ("right", "left"):
        for offset, level in enumerate(SENSORY[start:]):
            sensation = _sensation(rng, severity, offset)
            exam[side]["lightTouch"][level] = sensation
            exam[side]["pinPrick"][level] = "0" if severity == "sensory" and offset else sensation
            if level in exam[side]["motor"]:
                exam[side]["motor"][level] = str(min(5, _motor(rng, severity, offset) + recovery))
    return exam


def _sensation(rng, severity, offset):
    if offset == 0:
        return "1"
    return "0" if severity == "complete" else "1"


def _motor(rng, severity, offset):
    if offset == 0:
        return rng.randint(1, 3)
    low, high = {"complete": (0, 0), "sensory": (0, 0), "motor_weak": (0, 2), "motor_strong": (3, 4)}[
        severity
    ]
    return rng.randint(low, high)


def seed_exams(rng: random.Random, operations, *, today) -> int:
    """Record admission and discharge exams for each spinal cord injury operation."""
    count = 0
    for operation in operations:
        if operation.diagnosis.disease_area != "spinal_cord_injury" or operation.level_from is None:
            continue
        lesion = levels.label(operation.level_from)
        lesion = lesion if lesion in SENSORY else "C2"
        severity = rng.choices([s for s, _ in SEVERITIES], [w for _, w in SEVERITIES])[0]
        admission = operation.admission
        examiner = operation.primary_surgeon
        sci.record_exam(
            operation.patient,
            make_exam(rng, lesion, severity),
            actor=examiner,
            examined_on=admission.admitted_on,
            context="admission",
            admission=admission,
        )
        count += 1
        if admission.discharged_on and admission.discharged_on <= today:
            recovery = 0 if severity == "complete" else rng.randint(0, 1)
            sci.record_exam(
                operation.patient,
                make_exam(rng, lesion, severity, recovery),
                actor=examiner,
                examined_on=admission.discharged_on - timedelta(days=1),
                context="discharge",
                admission=admission,
            )
            count += 1
    return count
