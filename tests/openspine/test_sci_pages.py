"""ISNCSCI pages: permissions per persona, the worksheet, the live classification and the timeline."""

from datetime import date

import pytest
from django.urls import reverse

from openspine.audit.models import AuditEvent
from openspine.sci import services
from openspine.sci.models import IsncsciExam
from spinescores import isncsci
from tests import builders
from tests.openspine.test_sci_services import w1_exam


@pytest.fixture(autouse=True)
def english(client):
    """Assert on the English wording; one test below checks the Chinese page."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def sci_patient(patient, surgeon):
    builders.make_diagnosis(patient, actor=surgeon, disease_area="spinal_cord_injury", icd10="S24.1")
    return patient


def worksheet_post(exam: dict, **meta) -> dict:
    """Return the POST data of the worksheet page for an interchange-format exam."""
    data = dict(isncsci.row_from_exam(exam))
    data.update({"examined_on": "2026-01-05", "context": "admission", "comments": "", "examiner": ""})
    data.update(meta)
    return data


def record(patient, actor, exam=None, **fields):
    fields = {"examined_on": date(2026, 1, 5), "context": "admission", **fields}
    return services.record_exam(patient, exam or isncsci.normal_exam(), actor=actor, **fields)


PAGES = ["sci:exam_list", "sci:exam_create", "sci:exam_export"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("surgeon", 200), ("coordinator", 200), ("resident", 200), ("researcher", 403), ("outsider", 404)],
)
def test_patient_pages_per_persona(request, client_for, sci_patient, page, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(reverse(page, args=[sci_patient.public_id]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("coordinator", 200), ("researcher", 403), ("outsider", 404)]
)
def test_exam_page_per_persona(request, client_for, sci_patient, surgeon, persona, status):
    exam = record(sci_patient, surgeon)
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("sci:exam_edit", args=[exam.public_id])
    )
    assert response.status_code == status


@pytest.mark.parametrize("page", [*PAGES, "sci:exam_classify"])
def test_anonymous_is_sent_to_login(client, sci_patient, page):
    response = client.get(reverse(page, args=[sci_patient.public_id]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_patient_page_links_to_exams_only_with_a_spinal_cord_injury(client_for, patient, surgeon):
    client = client_for(surgeon)
    url = reverse("patients:patient_detail", args=[patient.public_id])
    link = reverse("sci:exam_list", args=[patient.public_id])
    assert link not in client.get(url).content.decode()
    builders.make_diagnosis(patient, actor=surgeon, disease_area="spinal_cord_injury", icd10="S14.1")
    assert link in client.get(url).content.decode()


def test_worksheet_tab_order_runs_down_the_right_motor_column_first(client_for, sci_patient, coordinator):
    html = (
        client_for(coordinator).get(reverse("sci:exam_create", args=[sci_patient.public_id])).content.decode()
    )
    positions = [
        html.index(f'name="{name}"')
        for name in ("R_C5_motor", "R_S1_motor", "R_C2_light_touch", "L_C2_light_touch", "L_S1_motor")
    ]
    assert positions == sorted(positions)
    assert 'pattern="[0-4]\\*{0,2}|5|[Nn][Tt]\\*{0,2}"' in html
    assert 'hx-post="' + reverse("sci:exam_classify", args=[sci_patient.public_id]) in html


def test_live_classification_returns_the_partial(client_for, sci_patient, coordinator):
    url = reverse("sci:exam_classify", args=[sci_patient.public_id])
    response = client_for(coordinator).post(url, worksheet_post(w1_exam()), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'class="ws-val">A</span>' in html and 'class="ws-val">T8</span>' in html
    assert "<strong>62</strong>" in html and "<strong>60</strong>" in html
    assert IsncsciExam.objects.count() == 0


def test_live_classification_shows_the_set_left_open_by_nt(client_for, sci_patient, coordinator):
    """isncsci.md section 12, W8: anorectal exam not testable gives AIS {A, B, C}, ZPPs {NA, T10}."""
    exam = isncsci.normal_exam(vac="NT", dap="NT")
    for side in ("right", "left"):
        for key in ("lightTouch", "pinPrick"):
            for level in ("T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3"):
                exam[side][key][level] = "0"
            exam[side][key]["S4_5"] = "NT"
        for level in ("L2", "L3", "L4", "L5", "S1"):
            exam[side]["motor"][level] = "0"
    response = client_for(coordinator).post(
        reverse("sci:exam_classify", args=[sci_patient.public_id]),
        worksheet_post(exam),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'class="ws-val open">A, B, C</span>' in html
    assert 'class="ws-val open">not applicable, T10</span>' in html
    assert 'class="ws-val open">complete, incomplete</span>' in html
    assert "each listed value is possible" in html


def test_live_classification_waits_for_empty_cells_and_names_bad_ones(client_for, sci_patient, coordinator):
    url = reverse("sci:exam_classify", args=[sci_patient.public_id])
    client = client_for(coordinator)
    data = worksheet_post(isncsci.normal_exam())
    data["L_T4_pin_prick"] = ""
    assert "1 cell is still empty" in client.post(url, data).content.decode()
    data["L_T4_pin_prick"] = "3"
    html = client.post(url, data).content.decode()
    assert "Left T4 pin prick" in html and "“3”" in html


def test_worked_example_w1_entered_on_the_page_gives_the_reference_classification(
    client_for, sci_patient, coordinator
):
    """isncsci.md section 12, W1: SL and ML T8/T8, NLI T8, C, AIS A, sensory ZPP T10/T8, motor ZPP T8."""
    data = worksheet_post(w1_exam())
    response = client_for(coordinator).post(reverse("sci:exam_create", args=[sci_patient.public_id]), data)
    assert response.status_code == 302
    exam = IsncsciExam.objects.get()
    result = exam.result
    assert result["sensoryLevel"] == {"right": ["T8"], "left": ["T8"]}
    assert result["motorLevel"] == {"right": ["T8"], "left": ["T8"]}
    assert result["neurologicalLevelOfInjury"] == ["T8"] and result["injuryComplete"] == ["C"]
    assert result["ais"] == ["A"]
    assert result["zpp"] == {
        "sensory": {"right": ["T10"], "left": ["T8"]},
        "motor": {"right": ["T8"], "left": ["T8"]},
    }
    assert exam.classifier_version == isncsci.VERSION and exam.examiner == coordinator
    assert (exam.uems, exam.lems, exam.light_touch_total, exam.pin_prick_total) == (50, 0, 62, 60)
    assert AuditEvent.objects.filter(action="sci.exam.recorded", actor=coordinator).exists()


def test_nt_typed_in_lower_case_is_accepted(client_for, sci_patient, coordinator):
    data = worksheet_post(isncsci.normal_exam())
    data["R_T4_light_touch"] = "nt"
    response = client_for(coordinator).post(reverse("sci:exam_create", args=[sci_patient.public_id]), data)
    assert response.status_code == 302
    assert IsncsciExam.objects.get().exam["right"]["lightTouch"]["T4"] == "NT"


def test_incomplete_worksheet_is_not_saved(client_for, sci_patient, coordinator):
    data = worksheet_post(isncsci.normal_exam())
    data["L_S1_motor"] = ""
    data["R_C5_motor"] = "5*"
    response = client_for(coordinator).post(reverse("sci:exam_create", args=[sci_patient.public_id]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Left S1 motor: enter a value" in html and "Right C5 motor: “5*” is not allowed" in html
    assert IsncsciExam.objects.count() == 0


def test_edit_page_saves_with_the_version_and_refuses_a_stale_one(
    client_for, sci_patient, surgeon, coordinator
):
    exam = record(sci_patient, surgeon)
    url = reverse("sci:exam_edit", args=[exam.public_id])
    client = client_for(coordinator)
    assert client.post(url, worksheet_post(w1_exam(), version=1, context="discharge")).status_code == 302
    exam.refresh_from_db()
    assert exam.ais == ["A"] and exam.context == "discharge" and exam.version == 2
    stale = client.post(url, worksheet_post(isncsci.normal_exam(), version=1))
    assert stale.status_code == 409
    exam.refresh_from_db()
    assert exam.ais == ["A"]


def test_exam_appears_on_the_patient_timeline(client_for, sci_patient, surgeon):
    exam = record(sci_patient, surgeon, w1_exam())
    html = (
        client_for(surgeon)
        .get(reverse("patients:patient_detail", args=[sci_patient.public_id]))
        .content.decode()
    )
    assert reverse("sci:exam_edit", args=[exam.public_id]) in html
    assert "entry-isncsci" in html and "AIS A" in html


def test_exam_list_draws_the_chart(client_for, sci_patient, surgeon):
    record(sci_patient, surgeon, w1_exam(), examined_on=date(2026, 1, 5))
    record(sci_patient, surgeon, isncsci.normal_exam(), examined_on=date(2026, 3, 5), context="follow_up")
    html = client_for(surgeon).get(reverse("sci:exam_list", args=[sci_patient.public_id])).content.decode()
    assert "<svg" in html and "c-motor" in html and "2026-03-05" in html


def test_csv_export_has_worksheet_and_stored_result_columns(client_for, sci_patient, surgeon):
    record(sci_patient, surgeon, w1_exam())
    response = client_for(surgeon).get(reverse("sci:exam_export", args=[sci_patient.public_id]))
    lines = response.content.decode().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    assert header[4] == "R_C5_motor" and row[header.index("AIS")] == "A" and row[header.index("NLI")] == "T8"
    assert AuditEvent.objects.filter(action="sci.exam.exported").exists()


def test_worksheet_page_is_in_chinese_for_a_chinese_browser(client_for, sci_patient, coordinator):
    client = client_for(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    html = client.get(reverse("sci:exam_create", args=[sci_patient.public_id])).content.decode()
    assert "新建 ISNCSCI 检查" in html and "左" in html


def _csv_upload(rows: list[dict], name="exams.csv"):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=["examined_on", "context", "comments", *isncsci.COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, stream.getvalue().encode("utf-8-sig"), content_type="text/csv")


def _csv_row(exam, on="2026-02-01", context="follow_up"):
    return {"examined_on": on, "context": context, "comments": "", **isncsci.row_from_exam(exam)}


def test_csv_import_records_every_row_with_its_classification(client_for, sci_patient, coordinator):
    upload = _csv_upload([_csv_row(w1_exam()), _csv_row(isncsci.normal_exam(), on="2026-05-01")])
    url = reverse("sci:exam_import", args=[sci_patient.public_id])
    response = client_for(coordinator).post(url, {"file": upload})
    assert response.status_code == 302
    exams = list(IsncsciExam.objects.order_by("examined_on"))
    assert [e.ais for e in exams] == [["A"], ["E"]] and exams[0].context == "follow_up"
    assert AuditEvent.objects.filter(action="sci.exam.recorded").count() == 2
    assert AuditEvent.objects.get(action="sci.exam.imported").after == {"count": 2}


def test_csv_import_with_a_bad_row_saves_nothing_and_names_row_and_cell(client_for, sci_patient, coordinator):
    bad = _csv_row(isncsci.normal_exam())
    bad["L_T4_pin_prick"] = "3"
    upload = _csv_upload([_csv_row(w1_exam()), bad, _csv_row(isncsci.normal_exam(), context="weekly")])
    url = reverse("sci:exam_import", args=[sci_patient.public_id])
    response = client_for(coordinator).post(url, {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: Left T4 pin prick: “3” is not allowed" in html
    assert "Row 4: context: “weekly” is not allowed" in html
    assert IsncsciExam.objects.count() == 0


def test_csv_import_names_missing_columns(client_for, sci_patient, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.csv", b"examined_on,context,R_C5_motor\n2026-01-01,admission,5\n")
    response = client_for(coordinator).post(
        reverse("sci:exam_import", args=[sci_patient.public_id]), {"file": upload}
    )
    assert response.status_code == 400 and "Missing columns: R_C6_motor" in response.content.decode()


def test_exported_csv_can_be_imported_again(client_for, sci_patient, surgeon, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record(sci_patient, surgeon, w1_exam())
    client = client_for(coordinator)
    exported = client.get(reverse("sci:exam_export", args=[sci_patient.public_id])).content
    upload = SimpleUploadedFile("exams.csv", exported, content_type="text/csv")
    response = client.post(reverse("sci:exam_import", args=[sci_patient.public_id]), {"file": upload})
    assert response.status_code == 302
    first, second = IsncsciExam.objects.order_by("created_at")
    assert second.exam == first.exam and second.result == first.result


def test_researcher_cannot_import(client_for, sci_patient, researcher):
    response = client_for(researcher).get(reverse("sci:exam_import", args=[sci_patient.public_id]))
    assert response.status_code == 403


def test_coordinator_records_an_exam_done_by_a_surgeon(client_for, sci_patient, coordinator, surgeon):
    client = client_for(coordinator)
    url = reverse("sci:exam_create", args=[sci_patient.public_id])
    assert f'<option value="{coordinator.pk}" selected>' in client.get(url).content.decode()
    response = client.post(url, worksheet_post(isncsci.normal_exam(), examiner=surgeon.pk))
    assert response.status_code == 302
    exam = IsncsciExam.objects.get()
    assert exam.examiner == surgeon
    assert AuditEvent.objects.get(action="sci.exam.recorded").actor == coordinator


def test_examiner_from_another_department_is_refused(client_for, sci_patient, coordinator, outsider):
    response = client_for(coordinator).post(
        reverse("sci:exam_create", args=[sci_patient.public_id]),
        worksheet_post(isncsci.normal_exam(), examiner=outsider.pk),
    )
    assert response.status_code == 400 and IsncsciExam.objects.count() == 0


def test_exam_list_queries_do_not_grow_with_the_number_of_exams(client_for, sci_patient, surgeon):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(surgeon)
    url = reverse("sci:exam_list", args=[sci_patient.public_id])
    record(sci_patient, surgeon)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for day in range(2, 8):
        record(sci_patient, surgeon, examined_on=date(2026, 1, day))
    with CaptureQueriesContext(connection) as seven:
        client.get(url)
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_live_classification_shows_star_flags(client_for, sci_patient, coordinator):
    """isncsci.md section 12, W7: left C7 2* (non-SCI weakness) gives left ML and NLI {C6, C7*}."""
    exam = isncsci.normal_exam(vac="No", dap="No")
    below_c7 = [lv for lv in isncsci.exam.SENSORY_LEVELS[isncsci.exam.SENSORY_LEVELS.index("C8") :]]
    for side in ("right", "left"):
        for key in ("lightTouch", "pinPrick"):
            for level in below_c7:
                exam[side][key][level] = "0"
        for level in ("C8", "T1", "L2", "L3", "L4", "L5", "S1"):
            exam[side]["motor"][level] = "0"
    exam["right"]["motor"]["C7"] = "3"
    exam["left"]["motor"]["C7"] = "2*"
    response = client_for(coordinator).post(
        reverse("sci:exam_classify", args=[sci_patient.public_id]),
        worksheet_post(exam),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.count('class="ws-val open flagged">C6, C7*</span>') == 2  # left motor level and NLI
    assert "reached only through a non-SCI instruction" in html
