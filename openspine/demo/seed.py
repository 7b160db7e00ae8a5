"""Build the synthetic demo department through the real services.

Deterministic for a given ``seed`` and ``today``; every patient is invented (Faker zh_CN and en),
every national ID number is generated with a valid check digit for an invented person.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from openspine.accounts.models import Department, User
from openspine.core import levels
from openspine.core.validators import national_id_check_char
from openspine.demo import casemix
from openspine.demo import sci as sci_demo
from openspine.patients import services as patients
from openspine.surgery import services as surgery

DEMO_PASSWORD = "openspine-demo-2026"  # noqa: S105 (synthetic demo accounts only; refused in production)
MRN_PREFIX = "DEMO"
PERSONAS = [
    ("director", "director"),
    ("surgeon", "surgeon"),
    ("resident", "resident"),
    ("coordinator", "coordinator"),
    ("researcher", "researcher"),
    ("teacher", "teacher"),
    ("auditor", "auditor"),
    ("admin", "sysadmin"),
    ("secadmin", "secadmin"),
    ("anaesthetist", "anaesthetist"),
]
EXTRA_STAFF = {"surgeon": 7, "resident": 5, "coordinator": 1, "anaesthetist": 3}


@dataclass
class Staff:
    director: User
    attendings: list
    residents: list
    anaesthetists: list
    seeder: User


def already_seeded() -> bool:
    from openspine.patients.models import Patient

    return Patient.objects.filter(mrn__startswith=MRN_PREFIX).exists()


def create_staff(fake: Faker) -> Staff:
    """Create one account per role (the test personas' usernames) and a realistic team.

    The shared demo password is hashed once: Argon2id is deliberately slow, and twenty-odd hashes
    of the same password would cost the demo half a minute for nothing.
    """
    spine, _ = Department.objects.get_or_create(code="spine", defaults={"name": "脊柱外科 Spine Surgery"})
    trauma, _ = Department.objects.get_or_create(
        code="trauma", defaults={"name": "创伤骨科 Orthopaedic Trauma"}
    )
    users = {}
    password_hash = make_password(DEMO_PASSWORD)
    accounts = list(PERSONAS)
    for role, extra in EXTRA_STAFF.items():
        accounts += [(f"{role}{i}", role) for i in range(2, extra + 2)]
    for username, role in accounts:
        users[username] = _user(username, role, spine, fake, password_hash)
    _user("outsider", "surgeon", trauma, fake, password_hash)
    by_role = lambda role: [u for u in users.values() if u.role == role]  # noqa: E731
    return Staff(
        director=users["director"],
        attendings=by_role("surgeon") + [users["director"]],
        residents=by_role("resident"),
        anaesthetists=by_role("anaesthetist"),
        seeder=users["coordinator"],
    )


def _user(username, role, department, fake, password_hash):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, department=department, display_name=fake.name())
        user.password = password_hash
        user.save()
    return user


class DemoBuilder:
    """Create ``count`` operations spread over ``years`` years up to ``today``."""

    def __init__(self, rng: random.Random, fake_zh: Faker, fake_en: Faker, staff: Staff, today: date):
        self.rng, self.zh, self.en, self.staff, self.today = rng, fake_zh, fake_en, staff, today
        self.serial = 0
        areas = list(casemix.CASE_MIX.items())
        self.areas = [a for a, _ in areas]
        self.area_weights = [spec["share"] for _, spec in areas]

    def run(self, years: int, per_year: int, progress=None) -> list:
        operations = []
        total = years * per_year
        start = self.today - timedelta(days=365 * years)
        for n in range(total):
            day = start + timedelta(days=int((n + self.rng.random()) * (365 * years - 2) / total))
            operations.extend(self.one_patient(day))
            if progress and (n + 1) % 500 == 0:
                progress(n + 1, total)
        return operations

    def one_patient(self, op_day: date) -> list:
        area = self.rng.choices(self.areas, self.area_weights)[0]
        spec = casemix.CASE_MIX[area]
        patient = self.make_patient(spec, op_day)
        operation = self.make_stay_and_operation(patient, area, spec, op_day)
        operations = [operation]
        if self.rng.random() < casemix.REVISION_RATE:
            later = op_day + timedelta(days=self.rng.randint(20, 500))
            if later < self.today - timedelta(days=10):
                operations.append(
                    self.make_stay_and_operation(patient, area, spec, later, revision_of=operation)
                )
        return operations

    def make_patient(self, spec, op_day):
        self.serial += 1
        mean, sd, low, high = spec["age"]
        age = int(min(high, max(low, self.rng.gauss(mean, sd))))
        male = self.rng.random() < spec["male"]
        birth = op_day - timedelta(days=age * 365 + self.rng.randint(0, 364))
        english = self.rng.random() < 0.06
        fake = self.en if english else self.zh
        name = fake.name_male() if male else fake.name_female()
        return patients.create_patient(
            actor=self.staff.seeder,
            mrn=f"{MRN_PREFIX}{self.serial:07d}",
            name=name,
            sex="male" if male else "female",
            birth_date=birth,
            national_id="" if english else _national_id(self.rng, birth, male),
            phone=f"1{self.rng.choice('3578')}{self.rng.randint(0, 999_999_999):09d}",
            preferred_language="en" if english else "zh-hans",
            contact_consent=self.rng.random() < 0.92,
        )

    def make_stay_and_operation(self, patient, area, spec, op_day, revision_of=None):
        rng = self.rng
        admitted = op_day - timedelta(days=rng.randint(1, 3))
        discharged = op_day + timedelta(days=rng.randint(*spec["los"]))
        in_hospital = discharged > self.today
        admission = patients.add_admission(
            patient,
            actor=self.staff.seeder,
            admission_number=f"ZY{op_day:%y%m%d}{patient.mrn[-7:]}",
            admitted_on=admitted,
            discharged_on=None if in_hospital else discharged,
            ward=rng.choice(casemix.WARDS),
            discharge_destination="" if in_hospital else rng.choices(["home", "rehabilitation"], [9, 1])[0],
            unplanned_readmission=revision_of is not None and rng.random() < 0.3,
        )
        level_from, level_to = (levels.parse(v) for v in rng.choice(spec["levels"]))
        diagnosis = patients.add_diagnosis(
            patient,
            actor=self.staff.seeder,
            admission=admission,
            disease_area=area,
            icd10=rng.choice(spec["icd10"]),
            level_from=level_from,
            level_to=level_to,
            side=rng.choice(["left", "right", "bilateral", "central"]),
            diagnosed_on=admitted,
        )
        operation = self.make_operation(
            patient, admission, diagnosis, spec, op_day, level_from, level_to, revision_of
        )
        if in_hospital and rng.random() < 0.3:
            return operation  # a recent draft the surgeon has not signed yet
        surgery.sign_operation(operation, actor=operation.primary_surgeon)
        if rng.random() < casemix.COMPLICATION_RATE:
            self.make_complication(operation, admission)
        return operation

    def make_operation(self, patient, admission, diagnosis, spec, op_day, level_from, level_to, revision_of):
        rng = self.rng
        weights = [r[0] for r in spec["recipes"]]
        _, procedures, approach, technique = rng.choices(spec["recipes"], weights)[0]
        start = timezone.make_aware(
            datetime.combine(op_day, time(rng.randint(8, 16), rng.choice([0, 15, 30, 45])))
        )
        minutes = rng.randint(45, 150) * (1 + len(procedures) // 2) + (level_to - level_from) * 20
        surgeon = rng.choice(self.staff.attendings)
        team = [(rng.choice(self.staff.anaesthetists), "anaesthetist")]
        team.append(
            (
                rng.choice([u for u in self.staff.attendings if u != surgeon] + self.staff.residents),
                "assistant",
            )
        )
        if rng.random() < 0.3:
            team.append((rng.choice(self.staff.residents), "resident_operator"))
        implants = [
            {
                "kind": kind,
                "count": rng.randint(1, 2 + 2 * (level_to - level_from)),
                "lot_number": f"LOT{rng.randint(10**5, 10**6)}",
            }
            for code in procedures
            for kind in casemix.IMPLANTS_BY_PROCEDURE.get(code, ())
        ]
        return surgery.create_operation(
            patient,
            actor=surgeon,
            admission=admission,
            diagnosis=diagnosis,
            performed_on=op_day,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
            primary_surgeon=surgeon,
            asa_grade=rng.choices([g for g, _ in casemix.ASA_WEIGHTS], [w for _, w in casemix.ASA_WEIGHTS])[
                0
            ],
            approach=approach,
            technique=technique,
            procedures=list(dict.fromkeys(procedures)),
            team=list(dict.fromkeys(team)),
            implants=implants,
            level_from=level_from,
            level_to=level_to,
            kind="revision" if revision_of else "index",
            revision_of=revision_of,
            navigation=rng.random() < 0.15,
            neuromonitoring=rng.random() < 0.4,
            blood_loss_ml=int(rng.lognormvariate(5.3, 0.7)),
        )

    def make_complication(self, operation, admission):
        rng = self.rng
        category, _, timing, grades = rng.choices(
            casemix.COMPLICATIONS, [c[1] for c in casemix.COMPLICATIONS]
        )[0]
        offset = {"intraoperative": 0, "in_hospital": rng.randint(1, 5), "within_30_days": rng.randint(6, 30)}
        onset = operation.performed_on + timedelta(days=offset.get(timing, rng.randint(31, 85)))
        if onset > self.today:
            return None
        return surgery.add_complication(
            operation,
            actor=operation.primary_surgeon,
            category=category,
            timing=timing,
            onset_on=onset,
            clavien_dindo=rng.choice(grades),
            reported_by=rng.choices(["surgeon", "coordinator", "patient"], [7, 2, 1])[0],
            resolved=rng.random() < 0.8,
            caused_readmission=timing in ("within_30_days", "within_90_days") and rng.random() < 0.3,
        )


def _national_id(rng: random.Random, birth: date, male: bool) -> str:
    # Invented area codes of the form 11xxxx..65xxxx; the serial's last digit encodes sex.
    province = rng.choice([11, 12, 31, 32, 33, 37, 41, 42, 44, 51])
    area = f"{province}{rng.randint(1, 99):02d}{rng.randint(1, 30):02d}"
    serial = rng.randint(0, 49) * 2 + (1 if male else 0)
    first17 = f"{area}{birth:%Y%m%d}{rng.randint(0, 9)}{serial:02d}"
    return first17 + national_id_check_char(first17)


def seed(
    *, seed: int = 2026, years: int = 3, per_year: int = 3000, today: date | None = None, progress=None
) -> dict:
    """Create the demo department; return counts. Refuses nothing: callers check ``already_seeded``."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake_zh, fake_en = Faker("zh_CN"), Faker("en_US")
    fake_zh.seed_instance(seed)
    fake_en.seed_instance(seed + 1)
    with transaction.atomic():
        staff = create_staff(fake_zh)
        operations = DemoBuilder(rng, fake_zh, fake_en, staff, today).run(years, per_year, progress)
        followups = _follow_up_history(rng, operations, today)
        exams = sci_demo.seed_exams(rng, operations, today=today)
    return {"operations": len(operations), "follow_ups": followups, "isncsci_exams": exams}


def _follow_up_history(rng, operations, today):
    # The follow-up app adds its history when it is installed; the demo works without it.
    try:
        from openspine.proms.demo import seed_follow_up_history
    except ImportError:
        return 0
    return seed_follow_up_history(rng, operations, today=today)
