"""Decide, in plain Python, everything about one synthetic patient before anything is written.

Each patient draws from its own random generator, derived from the seed and the patient's index
(:func:`patient_rng`), so patient ``n`` is the same whatever the chunking, whichever writer (the
services or the bulk writer) stores it, and however many patients came before it in this run.
The plans hold values only; :mod:`openspine.demo.seed` (services) and :mod:`openspine.demo.bulk`
(bulk inserts) turn them into rows.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from faker import Faker

from openspine.core import levels
from openspine.core.validators import national_id_check_char
from openspine.demo import casemix
from openspine.demo import sci as sci_demo

MRN_PREFIX = "DEMO"


def patient_rng(seed: int, index: int, purpose: str = "") -> random.Random:
    """Return the generator of patient ``index`` (a string seed: stable across runs and Pythons)."""
    return random.Random(f"openspine-demo:{seed}:{index}:{purpose}")


def mrn_of(index: int) -> str:
    """Return the hospital number of demo patient ``index`` (0-based)."""
    return f"{MRN_PREFIX}{index + 1:07d}"


@dataclass
class StayPlan:
    """One admission with its diagnosis, operation and what followed it."""

    admission: dict
    diagnosis: dict
    operation: dict
    procedures: list
    team: list
    implants: list
    signed: bool
    complication: dict | None = None
    exams: list = field(default_factory=list)  # (exam dict, examined_on, context)


@dataclass
class PatientPlan:
    """One synthetic patient: registration fields and one or two stays (index, then revision)."""

    index: int
    patient: dict
    contact_consent: bool
    # Drawn from its own generator (research_use_granted), so the rest of the plan is unchanged by it.
    research_consent: bool = False
    stays: list = field(default_factory=list)

    @property
    def mrn(self) -> str:
        return self.patient["mrn"]


class Planner:
    """Plan patient ``index`` of ``total`` spread over ``years`` years up to ``today``."""

    def __init__(self, *, seed: int, staff, today: date, years: int, total: int):
        self.seed, self.staff, self.today, self.years, self.total = seed, staff, today, years, total
        self.zh, self.en = Faker("zh_CN"), Faker("en_US")
        self.areas = list(casemix.CASE_MIX)
        self.area_weights = [spec["share"] for spec in casemix.CASE_MIX.values()]
        self.start = today - timedelta(days=365 * years)

    def plan(self, index: int) -> PatientPlan:
        """Return the plan of patient ``index`` (the same for the same seed, today and total)."""
        rng = patient_rng(self.seed, index)
        span = 365 * self.years - 2
        op_day = self.start + timedelta(days=int((index + rng.random()) * span / self.total))
        area = rng.choices(self.areas, self.area_weights)[0]
        spec = casemix.CASE_MIX[area]
        plan = self._patient(rng, index, spec, op_day)
        first = self._stay(rng, plan, area, spec, op_day)
        plan.stays.append(first)
        if rng.random() < casemix.REVISION_RATE:
            later = op_day + timedelta(days=rng.randint(20, 500))
            if later < self.today - timedelta(days=10):
                plan.stays.append(self._stay(rng, plan, area, spec, later, revision=True))
        return plan

    def national_id(self, plan: PatientPlan, attempt: int) -> str:
        """Draw another national ID for ``plan`` (attempt 1, 2, ...) when the first one is taken."""
        rng = patient_rng(self.seed, plan.index, f"national-id-{attempt}")
        male = plan.patient["sex"] == "male"
        return _national_id(rng, plan.patient["birth_date"], male)

    def _patient(self, rng, index, spec, op_day) -> PatientPlan:
        mean, sd, low, high = spec["age"]
        age = int(min(high, max(low, rng.gauss(mean, sd))))
        male = rng.random() < spec["male"]
        birth = op_day - timedelta(days=age * 365 + rng.randint(0, 364))
        english = rng.random() < 0.06
        fake = self.en if english else self.zh
        fake.seed_instance(rng.getrandbits(64))
        name = fake.name_male() if male else fake.name_female()
        fields = {
            "mrn": mrn_of(index),
            "name": name,
            "sex": "male" if male else "female",
            "birth_date": birth,
            "national_id": "" if english else _national_id(rng, birth, male),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            "preferred_language": "en" if english else "zh-hans",
        }
        return PatientPlan(
            index=index,
            patient=fields,
            contact_consent=rng.random() < 0.92,
            research_consent=research_use_granted(index),
        )

    def _stay(self, rng, plan, area, spec, op_day, revision=False) -> StayPlan:
        admitted = op_day - timedelta(days=rng.randint(1, 3))
        discharged = op_day + timedelta(days=rng.randint(*spec["los"]))
        in_hospital = discharged > self.today
        admission = {
            "admission_number": f"ZY{op_day:%y%m%d}{plan.mrn[-7:]}",
            "admitted_on": admitted,
            "discharged_on": None if in_hospital else discharged,
            "ward": rng.choice(casemix.WARDS),
            "discharge_destination": ""
            if in_hospital
            else rng.choices(["home", "rehabilitation"], [9, 1])[0],
            "unplanned_readmission": revision and rng.random() < 0.3,
        }
        level_from, level_to = (levels.parse(v) for v in rng.choice(spec["levels"]))
        diagnosis = {
            "disease_area": area,
            "icd10": rng.choice(spec["icd10"]),
            "level_from": level_from,
            "level_to": level_to,
            "side": rng.choice(["left", "right", "bilateral", "central"]),
            "diagnosed_on": admitted,
        }
        stay = self._operation(rng, spec, op_day, level_from, level_to, admission, diagnosis, revision)
        stay.signed = not (in_hospital and rng.random() < 0.3)  # else a recent draft not signed yet
        if stay.signed and rng.random() < casemix.COMPLICATION_RATE:
            stay.complication = self._complication(rng, op_day)
        if area == "spinal_cord_injury":
            stay.exams = self._exams(rng, admission, level_from)
        return stay

    def _operation(self, rng, spec, op_day, level_from, level_to, admission, diagnosis, revision):
        staff = self.staff
        weights = [r[0] for r in spec["recipes"]]
        _, procedures, approach, technique = rng.choices(spec["recipes"], weights)[0]
        start = timezone.make_aware(
            datetime.combine(op_day, time(rng.randint(8, 16), rng.choice([0, 15, 30, 45])))
        )
        minutes = rng.randint(45, 150) * (1 + len(procedures) // 2) + (level_to - level_from) * 20
        surgeon = rng.choice(staff.attendings)
        team = [(rng.choice(staff.anaesthetists), "anaesthetist")]
        assistants = [u for u in staff.attendings if u != surgeon] + staff.residents
        team.append((rng.choice(assistants), "assistant_1"))
        if rng.random() < 0.3:
            team.append((rng.choice(staff.residents), "primary_surgeon"))
        implants = [
            {
                "kind": kind,
                "count": rng.randint(1, 2 + 2 * (level_to - level_from)),
                "lot_number": f"LOT{rng.randint(10**5, 10**6)}",
            }
            for code in procedures
            for kind in casemix.IMPLANTS_BY_PROCEDURE.get(code, ())
        ]
        asa = rng.choices([g for g, _ in casemix.ASA_WEIGHTS], [w for _, w in casemix.ASA_WEIGHTS])[0]
        operation = {
            "performed_on": op_day,
            "started_at": start,
            "ended_at": start + timedelta(minutes=minutes),
            "primary_surgeon": surgeon,
            "asa_grade": asa,
            "approach": approach,
            "technique": technique,
            "level_from": level_from,
            "level_to": level_to,
            "kind": "revision" if revision else "index",
            "navigation": rng.random() < 0.15,
            "neuromonitoring": rng.random() < 0.4,
            "blood_loss_ml": int(rng.lognormvariate(5.3, 0.7)),
        }
        return StayPlan(
            admission=admission,
            diagnosis=diagnosis,
            operation=operation,
            procedures=list(dict.fromkeys(procedures)),
            team=list(dict.fromkeys(team)),
            implants=implants,
            signed=True,
        )

    def _complication(self, rng, op_day) -> dict | None:
        category, _, timing, grades = rng.choices(
            casemix.COMPLICATIONS, [c[1] for c in casemix.COMPLICATIONS]
        )[0]
        offset = {"intraoperative": 0, "in_hospital": rng.randint(1, 5), "within_30_days": rng.randint(6, 30)}
        onset = op_day + timedelta(days=offset.get(timing, rng.randint(31, 85)))
        fields = {
            "category": category,
            "timing": timing,
            "onset_on": onset,
            "clavien_dindo": rng.choice(grades),
            "reported_by": rng.choices(["surgeon", "coordinator", "patient"], [7, 2, 1])[0],
            "resolved": rng.random() < 0.8,
            "caused_readmission": timing in ("within_30_days", "within_90_days") and rng.random() < 0.3,
        }
        return None if onset > self.today else fields

    def _exams(self, rng, admission, level_from) -> list:
        """Admission and (once discharged) discharge ISNCSCI exams of a spinal cord injury stay."""
        lesion = levels.label(level_from)
        lesion = lesion if lesion in sci_demo.SENSORY else "C2"
        severities = sci_demo.SEVERITIES
        severity = rng.choices([s for s, _ in severities], [w for _, w in severities])[0]
        exams = [(sci_demo.make_exam(rng, lesion, severity), admission["admitted_on"], "admission")]
        discharged = admission["discharged_on"]
        if discharged and discharged <= self.today:
            recovery = 0 if severity == "complete" else rng.randint(0, 1)
            exam = sci_demo.make_exam(rng, lesion, severity, recovery)
            exams.append((exam, discharged - timedelta(days=1), "discharge"))
        return exams


def _national_id(rng: random.Random, birth: date, male: bool) -> str:
    # Invented area codes of the form 11xxxx..65xxxx; the serial's last digit encodes sex.
    province = rng.choice([11, 12, 31, 32, 33, 37, 41, 42, 44, 51])
    area = f"{province}{rng.randint(1, 99):02d}{rng.randint(1, 30):02d}"
    serial = rng.randint(0, 49) * 2 + (1 if male else 0)
    first17 = f"{area}{birth:%Y%m%d}{rng.randint(0, 9)}{serial:02d}"
    return first17 + national_id_check_char(first17)


# Synthetic share of patients who gave separate research-use consent (PIPL Art. 29; security.md T-51),
# so the researcher's cohorts in the demo have members. Not a clinical figure.
RESEARCH_CONSENT_SHARE = 0.85


def research_use_granted(index: int) -> bool:
    """Whether demo patient ``index`` consented to research use: its own generator, stable per patient."""
    return random.Random(f"research-use-{index}").random() < RESEARCH_CONSENT_SHARE
