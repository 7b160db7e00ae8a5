"""Editing follow-up protocols: an admin saves a new version; bad lines are named; others may not edit."""

import pytest
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.proms.models import Protocol


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def lumbar(db):
    return Protocol.objects.get(disease_area="lumbar_degenerative", procedure_group="")


def edit_url(protocol):
    return reverse("proms:protocol_edit", args=[protocol.public_id])


def test_the_edit_form_shows_the_current_timepoints_as_text(client_for, admin, lumbar):
    body = client_for(admin).get(edit_url(lumbar)).content.decode()
    assert "baseline admission: odi nrs_back nrs_leg eq5d5l eq_vas" in body
    assert "3m 90 60 120: odi nrs_back nrs_leg eq5d5l eq_vas nass" in body


def test_admin_saves_a_new_version(client_for, admin, lumbar):
    text = "baseline admission: odi nrs_back\n6m 182 150 210: odi nrs_back | mjoa"
    response = client_for(admin).post(edit_url(lumbar), {"timepoints": text, "note": "Six months only"})
    assert response.status_code == 302
    version = lumbar.current_version
    assert (version.number, version.note, version.created_by) == (2, "Six months only", admin)
    six = version.timepoints.get(label="6m")
    assert (six.offset_days, six.window_start_days, six.window_end_days) == (182, 150, 210)
    assert six.clinician_tasks == ["mjoa"]
    assert version.timepoints.get(label="baseline").is_baseline
    assert AuditEvent.objects.filter(action="proms.protocolversion.created", actor=admin).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3m ninety 60 120: odi", "Line 1"),
        ("3m 90 60 120: odx", "odx is not a known instrument"),
        ("3m 130 60 120: odi", "inside the window"),
        ("3m 90 60 120: odi\n3m 91 60 120: odi", "repeated: 3m"),
    ],
)
def test_a_bad_protocol_is_refused_and_names_the_problem(client_for, admin, lumbar, text, message):
    response = client_for(admin).post(edit_url(lumbar), {"timepoints": text, "note": "try"})
    assert response.status_code == 400 and message in response.content.decode()
    assert lumbar.versions.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("coordinator", 403), ("director", 403), ("admin", 200)])
def test_only_an_admin_may_edit_protocols(request, client_for, lumbar, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(edit_url(lumbar)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("surgeon", 200), ("admin", 200), ("resident", 403), ("researcher", 403)],
)
def test_who_sees_the_protocols(request, client_for, lumbar, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(reverse("proms:protocol_list"))
    assert response.status_code == status
    if status == 200:
        assert (
            "Lumbar degenerative" in response.content.decode()
            and "odi, nrs_back" in response.content.decode()
        )
