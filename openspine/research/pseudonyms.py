"""Per-project random pseudonyms and secret date offsets (security.md T-46, T-47).

Both come from :mod:`secrets`, never from an identifier: 164.514(c) asks for a re-identification
code "not derived from or related to information about the individual".
"""

import secrets

from openspine.research.models import SubjectKey

# Letters only: a pseudonym can never contain a phone, ID or hospital number by chance.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
OFFSET_DAYS = (1, 364)  # [R2] range 0-364; never 0, so no shifted date equals its source (T-46)


def new_pseudonym() -> str:
    return "S" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_offset() -> int:
    low, high = OFFSET_DAYS
    return low + secrets.randbelow(high - low + 1)


def ensure_subject_keys(project, patient_ids) -> int:
    """Give each patient of ``patient_ids`` without a key in ``project`` one; return how many were made."""
    wanted = set(patient_ids)
    existing = SubjectKey.objects.filter(project=project).values_list("patient_id", "pseudonym")
    have, taken = set(), set()
    for patient_id, pseudonym in existing.iterator(chunk_size=5000):
        have.add(patient_id)
        taken.add(pseudonym)
    new = []
    for patient_id in sorted(wanted - have):
        pseudonym = new_pseudonym()
        while pseudonym in taken:
            pseudonym = new_pseudonym()
        taken.add(pseudonym)
        new.append(
            SubjectKey(
                project=project, patient_id=patient_id, pseudonym=pseudonym, date_offset_days=new_offset()
            )
        )
    SubjectKey.objects.bulk_create(new, batch_size=1000)
    return len(new)
