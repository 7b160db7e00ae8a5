"""The autonomy chart: Zwisch ratings over time per category, its table and its CSV (teaching.md 4.1, 5)."""

import pytest
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.surgery import services as surgery
from openspine.teaching import services
from openspine.teaching.models import CaseLogEntry
from tests import builders


@pytest.fixture
def rated(patient, surgeon, trainee, junior):
    operation = builders.make_operation(
        patient, actor=surgeon, team=[(trainee, "primary_surgeon"), (junior, "assistant_1")]
    )
    surgery.sign_operation(operation, actor=surgeon)
    mine = CaseLogEntry.objects.get(trainee=trainee)
    services.rate_own_entry(mine, actor=trainee, zwisch="passive_help")
    services.confirm_case_log_entry(mine, actor=surgeon, zwisch="active_help")
    return mine


def test_chart_table_and_csv_show_the_attendings_rating_per_category(client_for, trainee, rated):
    client = client_for(trainee)
    response = client.get(reverse("teaching:autonomy_chart"))
    assert response.status_code == 200
    html = response.content.decode()
    figure = html.split('<figure class="autonomy-chart">')[1].split("</figure>")[0]
    assert "<svg" in figure and "<script" not in figure
    points = response.context["points"]
    assert [(p.category, p.attending, p.level, p.self_rating) for p in points] == [
        (c, "active_help", 2, "passive_help") for c in rated.categories
    ]
    csv = client.get(reverse("teaching:autonomy_export")).content.decode("utf-8-sig").splitlines()
    assert csv[0] == "performed_on,category,zwisch_attending,zwisch_level,zwisch_self"
    assert csv[1] == f"{rated.performed_on.isoformat()},{rated.categories[0]},active_help,2,passive_help"
    assert AuditEvent.objects.filter(action="teaching.autonomy.exported", actor=trainee).exists()


def test_pending_and_unrated_cases_are_not_drawn(client_for, junior, rated):
    response = client_for(junior).get(reverse("teaching:autonomy_chart"))
    assert response.status_code == 200
    assert response.context["points"] == [] and "<svg" not in response.content.decode().split("<main")[-1]


def test_another_trainees_ratings_never_appear(client_for, junior, rated):
    csv = client_for(junior).get(reverse("teaching:autonomy_export")).content.decode("utf-8-sig")
    assert csv.strip().splitlines() == ["performed_on,category,zwisch_attending,zwisch_level,zwisch_self"]
