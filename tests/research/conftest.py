"""A small synthetic research world: consenting patients with signed lumbar fusions and ODI scores."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import translation

from openspine.patients import services as patient_services
from openspine.proms import services as proms_services
from openspine.proms.choices import FollowUpState
from openspine.proms.models import FollowUp
from openspine.proms.transitions import move
from openspine.research import services
from tests import builders
from tests.openspine.test_followup_engine import at, signed_operation

SURGERY_DAY = date(2025, 3, 3)
TODAY = date(2026, 6, 1)


def odi_answers(level: int) -> dict:
    from spinescores import get

    return {item: level for item in get("odi").INSTRUMENT.item_ids}


def answer(operation, timepoint: str, level: int, *, day: date):
    """Answer the ODI of ``operation`` at ``timepoint`` on ``day``."""
    fu = FollowUp.objects.get(operation=operation, timepoint=timepoint)
    with time_machine.travel(at(day, 11), tick=False):
        if fu.state == FollowUpState.SCHEDULED:
            move(fu, FollowUpState.DUE)
        return proms_services.record_response(fu, "odi", odi_answers(level), mode="self", language="zh-hans")


def make_subject(surgeon, *, consent=True, birth_date=date(1960, 5, 1), baseline=3, twelve=1, **patient):
    """A patient with a signed L4-L5 fusion on SURGERY_DAY, baseline ODI and (optionally) 12-month ODI."""
    with time_machine.travel(at(SURGERY_DAY - timedelta(days=30)), tick=False):
        person = builders.make_patient(actor=surgeon, birth_date=birth_date, **patient)
        if consent is not None:
            patient_services.record_consent(person, "research_use", consent, actor=surgeon)
    operation = signed_operation(surgeon, person, day=SURGERY_DAY)
    if baseline is not None:
        answer(operation, "baseline", baseline, day=SURGERY_DAY)
    if twelve is not None:
        answer(operation, "12m", twelve, day=SURGERY_DAY + timedelta(days=365))
    return operation


@dataclass
class Study:
    project: object
    approval: object


def make_study(actor, *, code="LUMBAR-1", dua="", expires=date(2027, 12, 31)):
    with time_machine.travel(at(TODAY), tick=False):
        project = services.create_project(
            actor=actor,
            short_code=code,
            title="Lumbar fusion outcomes",
            principal_investigator=actor,
            funder="NSFC",
            grant_number="82000000",
            start_on=date(2025, 1, 1),
            dua_reference=dua,
        )
        approval = services.add_approval(
            project,
            actor=actor,
            committee="Hospital ethics committee",
            number="KY-2025-001",
            approved_on=date(2025, 1, 1),
            expires_on=expires,
        )
    return Study(project, approval)


LUMBAR_FUSIONS_12M_ODI = {
    "disease_areas": ["lumbar_degenerative"],
    "procedure_groups": ["fusion"],
    "follow_up": {"instrument": "odi", "timepoint": "12m"},
}


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Export files go to a temporary folder, never to the project's var/."""
    settings.RESEARCH_EXPORT_DIR = tmp_path / "exports"
    return settings.RESEARCH_EXPORT_DIR


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    with time_machine.travel(at(TODAY), tick=False):
        yield TODAY
