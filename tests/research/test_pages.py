"""Research pages and API: projects, the builder's live count, exports with progress and download."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from openspine.accounts.models import ApiToken
from openspine.audit.models import AuditEvent
from openspine.research import services
from openspine.research.choices import ExportStatus
from openspine.research.models import Cohort, EthicsApproval, ExportRun, ResearchProject
from tests import builders
from tests.research.conftest import LUMBAR_FUSIONS_12M_ODI, make_study, make_subject


@pytest.fixture
def study(surgeon, researcher, today):
    for _ in range(8):
        make_subject(surgeon)
    return make_study(researcher)


def test_researcher_registers_a_project_and_its_approval(client_for, researcher, today):
    client = client_for(researcher)
    response = client.post(
        reverse("research:project_create"),
        {
            "short_code": "NSFC-1",
            "title": "Fusion outcomes",
            "principal_investigator": researcher.pk,
            "funding_level": "national",
            "amount_yuan": "550000.00",
            "start_on": "2026-01-01",
            "status": "active",
        },
    )
    project = ResearchProject.objects.get(short_code="NSFC-1")
    assert response.status_code == 302 and project.created_by == researcher
    response = client.post(
        reverse("research:approval_add", args=[project.public_id]),
        {"committee": "EC", "number": "KY-1", "approved_on": "2026-01-01", "expires_on": "2027-01-01"},
    )
    assert response.status_code == 302 and project.valid_approval().number == "KY-1"
    page = client.get(reverse("research:project_list")).content.decode()
    assert "NSFC-1" in page and "55" in page  # 550,000 yuan shown as 55 (10,000 yuan)
    assert AuditEvent.objects.filter(action="research.ethicsapproval.added").count() == 1


def test_bad_project_and_approval_input_is_named_and_nothing_saved(client_for, researcher, study):
    client = client_for(researcher)
    response = client.post(reverse("research:project_create"), {"short_code": "X", "start_on": "2026-02-01"})
    assert response.status_code == 400 and not ResearchProject.objects.filter(short_code="X").exists()
    response = client.post(
        reverse("research:approval_add", args=[study.project.public_id]),
        {"committee": "EC", "number": "KY-2", "approved_on": "2026-01-01", "expires_on": "2025-01-01"},
    )
    assert response.status_code == 400 and "expiry must be after" in response.content.decode()
    assert EthicsApproval.objects.count() == 1


def test_the_live_count_follows_the_criteria_and_hides_small_numbers(client_for, researcher, study):
    client = client_for(researcher)
    url = reverse("research:cohort_count", args=[study.project.public_id])
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.get(url, {"disease_areas": "lumbar_degenerative"}, **htmx)
    assert "<strong>8</strong>" in response.content.decode()
    assert "<html" not in response.content.decode()
    response = client.get(url, {"age_min": "65"}, **htmx)  # none is 65 yet
    assert "<strong>0</strong>" in response.content.decode()
    response = client.get(url, {"icd10": "Q99.x!"}, **htmx)
    assert "is not an ICD-10 code" in response.content.decode()


def test_small_counts_show_as_less_than_eight(client_for, surgeon, researcher, today):
    make_subject(surgeon)
    study = make_study(researcher)
    response = client_for(researcher).get(reverse("research:cohort_count", args=[study.project.public_id]))
    assert "<strong>&lt;8</strong>" in response.content.decode()


def test_saving_criteria_makes_versions(client_for, researcher, study):
    client = client_for(researcher)
    response = client.post(
        reverse("research:cohort_create", args=[study.project.public_id]),
        {
            "name": "Fusions",
            "disease_areas": "lumbar_degenerative",
            "procedure_groups": "fusion",
            "follow_up_instrument": "odi",
            "follow_up_timepoint": "12m",
        },
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and cohort.latest.criteria["follow_up"]["timepoint"] == "12m"
    edit = reverse("research:cohort_edit", args=[cohort.public_id])
    assert re.search(r'value="lumbar_degenerative"[^>]*checked', client.get(edit).content.decode())
    response = client.post(edit, {"disease_areas": "lumbar_degenerative", "age_min": "40"})
    assert (
        response.status_code == 302
        and cohort.versions.count() == 2
        and cohort.latest.criteria["age_min"] == 40
    )
    page = client.get(reverse("research:cohort_detail", args=[cohort.public_id])).content.decode()
    assert "v2" in page and "KY-2025-001" in page


def test_a_malformed_criterion_saves_nothing(client_for, researcher, study):
    response = client_for(researcher).post(
        reverse("research:cohort_create", args=[study.project.public_id]),
        {"name": "Bad", "follow_up_instrument": "odi"},
    )
    assert response.status_code == 400 and "Unknown timepoint" in response.content.decode()
    assert not Cohort.objects.exists()


def test_export_from_the_page_progress_download_and_audit(
    client_for, researcher, study, django_capture_on_commit_callbacks
):
    version = services.save_cohort(study.project, LUMBAR_FUSIONS_12M_ODI, actor=researcher, name="Fusions")
    client = client_for(researcher)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("research:export_create", args=[version.cohort.public_id]),
            {"purpose": "ODI", "mode": "deidentified", "layout": "long", "format": "csv"},
        )
    run = ExportRun.objects.get()
    assert response.status_code == 302 and run.status == ExportStatus.QUEUED
    status_url = reverse("research:export_status", args=[run.public_id])
    row = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in row and "<progress" in row
    services.execute_export(run)
    row = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in row and 'value="100"' in row and "k-anonymity 8" in row
    download = client.get(reverse("research:export_download", args=[run.public_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert (
        AuditEvent.objects.filter(action="research.exportrun.downloaded", actor_id=researcher.pk).count() == 1
    )
    other = builders.make_user(role="researcher", username="other_researcher")
    assert client_for(other).get(reverse("research:export_download", args=[run.public_id])).status_code == 404


def test_export_errors_and_cancel_from_the_page(client_for, researcher, study):
    version = services.save_cohort(study.project, {}, actor=researcher, name="All")
    client = client_for(researcher)
    response = client.post(
        reverse("research:export_create", args=[version.cohort.public_id]),
        {"purpose": "x", "mode": "limited_data_set", "layout": "long", "format": "csv"},
    )
    assert response.status_code == 400 and "data use agreement" in response.content.decode()
    run = services.request_export(version, actor=researcher, purpose="x")
    response = client.post(reverse("research:export_cancel", args=[run.public_id]))
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == ExportStatus.CANCELLED
    client.post(reverse("research:export_cancel", args=[run.public_id]))  # again: says it has finished
    assert client.get(reverse("research:export_download", args=[run.public_id])).status_code == 404
    assert client.get(reverse("research:export_status", args=[run.public_id])).status_code == 200


def test_the_task_runs_the_export(researcher, study):
    from openspine.research.tasks import run_export

    version = services.save_cohort(study.project, {}, actor=researcher, name="All")
    run = services.request_export(version, actor=researcher, purpose="x")
    assert run_export.func(run.pk) == ExportStatus.DONE


def api(client, user):
    token = ApiToken.issue(user, "research")[1]
    return lambda method, path, body=None: client.generic(
        method,
        f"/api/research{path}",
        json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_api_counts_saves_and_reads_cohort_definitions(client, researcher, study):
    call = api(client, researcher)
    project = study.project.public_id
    assert call("GET", "/projects").json()[0]["short_code"] == "LUMBAR-1"
    assert call("POST", f"/projects/{project}/count", {"criteria": LUMBAR_FUSIONS_12M_ODI}).json() == {
        "count": "8"
    }
    bad = call("POST", f"/projects/{project}/count", {"criteria": {"disease_areas": ["knee"]}})
    assert bad.status_code == 422 and "lumbar_degenerative" in bad.content.decode()
    created = call(
        "POST", f"/projects/{project}/cohorts", {"name": "API", "criteria": LUMBAR_FUSIONS_12M_ODI}
    )
    assert created.status_code == 201
    cohort = created.json()["public_id"]
    again = call("POST", f"/cohorts/{cohort}/versions", {"criteria": {"age_min": 50}})
    assert again.status_code == 201 and [v["number"] for v in again.json()["versions"]] == [2, 1]
    read = call("GET", f"/cohorts/{cohort}").json()
    assert read["versions"][1]["criteria"]["follow_up"] == {"instrument": "odi", "timepoint": "12m"}
    assert read["versions"][0]["count_at_save"] == "8"
    refused = call("POST", f"/cohorts/{cohort}/versions", {"criteria": {"age_min": "old"}})
    assert refused.status_code == 422 and Cohort.objects.get().versions.count() == 2


def test_expired_approval_refuses_through_the_api(client, researcher, today):
    study = make_study(researcher, expires=date(2026, 5, 1))
    response = api(client, researcher)(
        "POST", f"/projects/{study.project.public_id}/cohorts", {"name": "x", "criteria": {}}
    )
    assert response.status_code in (400, 409, 422) and "ethics approval" in response.content.decode()
    assert not Cohort.objects.exists()
