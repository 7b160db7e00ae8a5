"""Builders: plain functions with overrides that go through the real services.

Everything is synthetic. ``make_national_id`` builds a check-digit-valid number for a birth date
from an invented area code; no real person's number is ever used.
"""

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from openspine.accounts.models import Department, User
from openspine.core import levels
from openspine.core.validators import national_id_check_char
from openspine.patients import services as patient_services

PASSWORD = "correct horse battery staple 42"
_seq = itertools.count(1)


def make_department(code="spine", name="Spine Surgery"):
    return Department.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_user(role="surgeon", username=None, department=None, **extra):
    username = username or f"{role}{next(_seq)}"
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        department=department or make_department(),
        display_name=extra.pop("display_name", username.title()),
        **extra,
    )
    return user


def make_national_id(birth_date: date, male: bool = True, area: str = "110105") -> str:
    serial = next(_seq) % 500 * 2 + (1 if male else 0)
    first17 = f"{area}{birth_date:%Y%m%d}{serial:03d}"
    return first17 + national_id_check_char(first17)


def make_patient(*, actor, **overrides):
    n = next(_seq)
    birth_date = overrides.pop("birth_date", date(1965, 4, 12))
    sex = overrides.pop("sex", "male")
    fields = {
        "mrn": f"MRN{n:07d}",
        "name": f"测试患者{n}",
        "sex": sex,
        "birth_date": birth_date,
        "national_id": make_national_id(birth_date, male=sex == "male"),
        "phone": f"139{n:08d}",
        "contact_consent": True,
    }
    fields.update(overrides)
    return patient_services.create_patient(actor=actor, **fields)


def make_admission(patient, *, actor, **overrides):
    n = next(_seq)
    today = timezone.localdate()
    fields = {
        "admission_number": f"ZY{n:08d}",
        "admitted_on": today - timedelta(days=10),
        "discharged_on": today - timedelta(days=3),
        "ward": "Spine 1",
        "discharge_destination": "home",
    }
    fields.update(overrides)
    return patient_services.add_admission(patient, actor=actor, **fields)


def make_diagnosis(patient, *, actor, **overrides):
    fields = {
        "disease_area": "lumbar_degenerative",
        "icd10": "M51.2",
        "level_from": levels.parse("L4"),
        "level_to": levels.parse("L5"),
        "side": "left",
        "diagnosed_on": timezone.localdate() - timedelta(days=30),
    }
    fields.update(overrides)
    return patient_services.add_diagnosis(patient, actor=actor, **fields)


def aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def make_operation(patient, *, actor, **overrides):
    """Record a one-level lumbar fusion (draft) on ``patient``, creating admission and diagnosis if needed."""
    from openspine.surgery import services as surgery_services

    admission = overrides.pop("admission", None) or make_admission(patient, actor=actor)
    diagnosis = overrides.pop("diagnosis", None) or make_diagnosis(patient, actor=actor)
    day = overrides.pop("performed_on", admission.admitted_on + timedelta(days=1))
    fields = {
        "admission": admission,
        "diagnosis": diagnosis,
        "performed_on": day,
        "started_at": aware(day, time(8, 30)),
        "ended_at": aware(day, time(11, 0)),
        "primary_surgeon": actor
        if actor.role in ("surgeon", "director")
        else overrides.get("primary_surgeon"),
        "asa_grade": 2,
        "approach": "posterior",
        "technique": "open",
        "level_from": levels.parse("L4"),
        "level_to": levels.parse("L5"),
        "procedures": ["fusion_tlif", "stabilisation_rigid"],
        "implants": [
            {"kind": "pedicle_screw", "count": 4},
            {"kind": "cage", "count": 1, "lot_number": "LOT-1"},
        ],
    }
    fields.update(overrides)
    return surgery_services.create_operation(patient, actor=actor, **fields)


def make_complication(operation, *, actor, **overrides):
    """Record a dural tear found during ``operation``, Clavien-Dindo I."""
    from openspine.surgery import services as surgery_services

    fields = {
        "category": "dural_tear",
        "timing": "intraoperative",
        "onset_on": operation.performed_on,
        "clavien_dindo": "I",
        "reported_by": "surgeon",
    }
    fields.update(overrides)
    return surgery_services.add_complication(operation, actor=actor, **fields)
