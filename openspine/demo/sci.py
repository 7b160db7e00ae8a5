"""Synthetic ISNCSCI exams for the demo's spinal cord injury patients.

A lesion below the operated level's top, a severity drawn at random, and a modest improvement by
discharge (planned by ``openspine.demo.plan``). Invented for demonstration; the classification
itself is computed by spinescores.
"""

import random

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
