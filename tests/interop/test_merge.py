"""Patient merge (A40 or by the records office): every child moved, audited, undone exactly (T-76)."""

import hashlib
import json

import pytest
from django.core import serializers

from openspine.audit.models import AuditEvent
from openspine.core.errors import DomainError
from openspine.interop.merge import merge_patients, undo_merge
from openspine.interop.models import PatientMerge
from openspine.patients.models import Admission, Diagnosis
from openspine.proms.models import FollowUp
from openspine.surgery import services as surgery_services
from openspine.surgery.models import Operation
from tests import builders
from tests.openspine.test_portal_support import open_follow_up


def _checksum() -> str:
    """A checksum of every patient-bearing table (T-76: the unmerge restores the state exactly)."""
    rows = []
    for model in (Admission, Diagnosis, Operation, FollowUp):
        rows.append(serializers.serialize("json", model.objects.order_by("pk")))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


@pytest.fixture
def pair(surgeon):
    survivor = builders.make_patient(actor=surgeon)
    duplicate = builders.make_patient(actor=surgeon)
    open_follow_up(duplicate, actor=surgeon)
    return survivor, duplicate


def test_merge_moves_every_child_and_audits_each_move(pair, coordinator):
    survivor, duplicate = pair
    merge = merge_patients(survivor, duplicate, actor=coordinator, reason="same person, two numbers")
    assert duplicate.admissions.count() == duplicate.operations.count() == duplicate.follow_ups.count() == 0
    assert survivor.admissions.count() == 1 and survivor.operations.count() == 1
    assert survivor.follow_ups.count() == merge.moved["proms.FollowUp"]["ids"].__len__() > 0
    moved = sum(len(entry["ids"]) for entry in merge.moved.values())
    assert (
        AuditEvent.objects.filter(action__endswith=".moved", after__merge=str(merge.public_id)).count()
        == moved
    )
    assert AuditEvent.objects.filter(action="interop.patientmerge.merged").exists()


def test_undo_restores_the_previous_state_exactly(pair, coordinator):
    survivor, duplicate = pair
    before = _checksum()
    merge = merge_patients(survivor, duplicate, actor=coordinator, reason="same person")
    assert _checksum() != before
    undo_merge(merge, actor=coordinator)
    assert _checksum() == before
    with pytest.raises(DomainError):
        undo_merge(merge, actor=coordinator)


def test_signed_operation_is_never_moved_silently(pair, surgeon, coordinator):
    survivor, duplicate = pair
    surgery_services.sign_operation(duplicate.operations.get(), actor=surgeon)
    with pytest.raises(DomainError):
        merge_patients(survivor, duplicate, actor=coordinator, reason="same person")
    assert duplicate.operations.count() == 1 and PatientMerge.objects.count() == 0


@pytest.mark.parametrize("case", ["self", "other_department", "no_reason"])
def test_merge_refusals(case, surgeon, outsider, coordinator):
    survivor = builders.make_patient(actor=surgeon)
    other = {"self": survivor, "other_department": builders.make_patient(actor=outsider)}.get(
        case, builders.make_patient(actor=surgeon)
    )
    with pytest.raises(DomainError):
        merge_patients(survivor, other, actor=coordinator, reason="" if case == "no_reason" else "x")


def test_records_office_merges_and_undoes_from_the_page(pair, coordinator, client_for):
    survivor, duplicate = pair
    client = client_for(coordinator)
    form = {"survivor_mrn": survivor.mrn, "duplicate_mrn": duplicate.mrn, "reason": "same person"}
    assert client.post("/interop/merges/", form).status_code == 302
    merge = PatientMerge.objects.get()
    assert survivor.operations.count() == 1
    page = client.get("/interop/merges/").content.decode()
    assert survivor.mrn in page and duplicate.mrn in page
    assert client.post(f"/interop/merges/{merge.public_id}/undo/").status_code == 302
    assert duplicate.operations.count() == 1
    merge.refresh_from_db()
    assert merge.undone_by == coordinator


def test_merge_form_names_an_unknown_mrn(coordinator, client_for, patient):
    form = {"survivor_mrn": patient.mrn, "duplicate_mrn": "NOSUCH", "reason": "x"}
    response = client_for(coordinator).post("/interop/merges/", form)
    assert response.status_code == 400
    assert PatientMerge.objects.count() == 0
