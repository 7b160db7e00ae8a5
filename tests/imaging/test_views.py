"""The radiograph pages and API: upload, viewer config, live values, saving, charts, QA (issue 14)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openspine.accounts.models import ApiToken
from openspine.audit.models import AuditEvent
from openspine.imaging import charts, services, synthetic
from openspine.imaging.models import Film, Measurement

DAY = datetime.date(2026, 3, 1)


def _post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_upload_page_stores_the_film_and_opens_the_viewer(client_for, surgeon, patient, lateral):
    client = client_for(surgeon)
    upload = SimpleUploadedFile(
        "film.dcm", synthetic.dicom_bytes(lateral.image), content_type="application/dicom"
    )
    response = client.post(
        f"/imaging/patients/{patient.public_id}/films/new/",
        {"file": upload, "view": "standing_lateral", "taken_on": "2026-03-01"},
    )
    film = Film.objects.get()
    assert response.status_code == 302 and response.url == f"/imaging/films/{film.public_id}/"
    page = client.get(response.url)
    config = page.context["config"]
    assert config["rows"] == 3200 and config["scale"] == pytest.approx(0.64)
    assert config["steps"][0]["code"] == "femoral_head_1"
    assert AuditEvent.objects.filter(action="imaging.film.viewed").exists()
    image = client.get(config["image"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_upload_of_a_text_file_is_refused_naming_the_file(client_for, surgeon, patient):
    client = client_for(surgeon)
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = client.post(
        f"/imaging/patients/{patient.public_id}/films/new/",
        {"file": upload, "view": "standing_pa", "taken_on": "2026-03-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "not an image" in response.content.decode()
    assert not Film.objects.exists()


def test_upload_with_a_future_date_puts_the_error_on_the_field(client_for, surgeon, patient, lateral):
    client = client_for(surgeon)
    upload = SimpleUploadedFile("film.png", synthetic.png_bytes(lateral.image), content_type="image/png")
    response = client.post(
        f"/imaging/patients/{patient.public_id}/films/new/",
        {"file": upload, "view": "standing_pa", "taken_on": "2999-01-01"},
    )
    assert response.status_code == 400 and "taken_on" in response.context["form"].errors


def test_live_values_on_the_page_equal_the_api_and_the_saved_row(
    client_for, client, surgeon, lateral_film, lateral
):
    page_client = client_for(surgeon)
    live = _post_json(
        page_client, f"/imaging/films/{lateral_film.public_id}/compute/", {"landmarks": lateral.landmarks}
    )
    assert live.status_code == 200
    token = ApiToken.issue(surgeon, "t")[1]
    api = client.post(
        f"/api/imaging/films/{lateral_film.public_id}/compute",
        data=json.dumps({"landmarks": lateral.landmarks}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 200
    assert api.json()["values"] == live.json()["values"]
    saved = _post_json(
        page_client,
        f"/imaging/films/{lateral_film.public_id}/measurement/",
        {"landmarks": lateral.landmarks, "inverted": True},
    )
    assert saved.status_code == 200
    record = Measurement.objects.get()
    assert record.values == live.json()["values"] and record.inverted
    assert record.values["pi"] == pytest.approx(55, abs=1e-3)


def test_api_saves_a_reading_and_lists_it(client, surgeon, patient, lateral_film, lateral):
    token = ApiToken.issue(surgeon, "t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post(
        f"/api/imaging/films/{lateral_film.public_id}/measurements",
        data=json.dumps({"landmarks": lateral.landmarks}),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201 and created.json()["reader_role"] == "primary"
    listed = client.get(f"/api/imaging/patients/{patient.public_id}/films", **headers).json()
    assert listed[0]["measurements"][0]["values"]["ss"] == pytest.approx(40, abs=1e-3)
    one = client.get(f"/api/imaging/films/{lateral_film.public_id}", **headers).json()
    assert one["sop_instance_uid"] == lateral_film.sop_instance_uid and one["patient"] == str(
        patient.public_id
    )


def test_api_names_the_bad_landmark(client, surgeon, lateral_film):
    token = ApiToken.issue(surgeon, "t")[1]
    response = client.post(
        f"/api/imaging/films/{lateral_film.public_id}/compute",
        data=json.dumps({"landmarks": {"s1_anterior": [1, 1]}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422 and "s1_posterior" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "landmarks"),
        (b"[1, 2]", "landmarks"),
        (
            json.dumps({"landmarks": {"l1_anterior": [5, 99999], "l1_posterior": [5, 5]}}).encode(),
            "l1_anterior",
        ),
    ],
)
def test_page_endpoints_name_the_field_and_store_nothing(client_for, surgeon, lateral_film, body, field):
    client = client_for(surgeon)
    for url in ("compute/", "measurement/"):
        response = client.post(
            f"/imaging/films/{lateral_film.public_id}/{url}", data=body, content_type="application/json"
        )
        assert response.status_code == 400 and field in response.json()["errors"]
    assert not Measurement.objects.exists()


def test_film_list_charts_cobb_and_pi_ll_beside_proms(client_for, surgeon, patient, lateral_film, lateral):
    services.save_measurement(lateral_film, lateral.landmarks, actor=surgeon)
    pa = synthetic.pa_film()
    film = services.add_film(
        patient,
        synthetic.dicom_bytes(pa.image, orientation=("L", "F")),
        view="standing_pa",
        taken_on=DAY + datetime.timedelta(days=90),
        actor=surgeon,
    )
    services.save_measurement(film, pa.landmarks, actor=surgeon)
    series = charts.radiograph_series(patient)
    assert series["pi_ll"] == [(DAY, pytest.approx(5, abs=1e-3))]
    assert series["cobb"] == [(DAY + datetime.timedelta(days=90), pytest.approx(42, abs=1e-2))]
    page = client_for(surgeon).get(f"/imaging/patients/{patient.public_id}/films/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and len(page.context["chart"]["panels"]) == 1
    assert "<svg" in page.content.decode()
    sva = next(row for film in page.context["films"] for row in film.rows_shown if row["key"] == "sva_mm")
    assert str(sva["calibration"]) == "detector plane, not corrected for magnification"
    assert page.context["lenke"][0]["missing"] == ["pt_cobb", "tll_cobb"]  # only the MT curve was clicked


def test_chart_is_absent_without_measurements(patient):
    assert charts.build_chart(patient) is None


def test_prom_scores_join_the_chart(patient, surgeon, lateral_film, lateral, monkeypatch):
    services.save_measurement(lateral_film, lateral.landmarks, actor=surgeon)
    monkeypatch.setattr(
        charts, "prom_series", lambda p: {"odi": [(DAY, 40.0), (DAY + datetime.timedelta(days=30), 40.0)]}
    )
    chart = charts.build_chart(patient)
    assert [panel.title for panel in chart["panels"]][1] == "Oswestry Disability Index"
    assert charts.instrument_name("nosuch") == "nosuch"
    assert chart["panels"][1].points[0]["value"] == 40.0


def test_agreement_page_shows_limits_of_two_readers(client_for, surgeon, resident, patient, lateral):
    for shift in (0.0, 4.0):
        film = services.add_film(
            patient,
            synthetic.dicom_bytes(lateral.image),
            view="standing_lateral",
            taken_on=DAY,
            actor=surgeon,
        )
        services.save_measurement(film, lateral.landmarks, actor=surgeon)
        moved = dict(lateral.landmarks)
        moved["femoral_head_1"] = [moved["femoral_head_1"][0] + 10 + shift, moved["femoral_head_1"][1]]
        services.save_measurement(film, moved, actor=resident)
    page = client_for(surgeon).get("/imaging/agreement/")
    rows = {row["key"]: row for row in page.context["report"]}
    assert rows["pi"]["n"] == 2 and rows["pi"]["low"] < rows["pi"]["mean"] < rows["pi"]["high"]
    assert rows["ss"]["mean"] == pytest.approx(0) and "ss" in rows


def test_agreement_needs_two_pairs_for_limits():
    from openspine.imaging.agreement import limits

    assert limits([2.0]) == {"n": 1, "mean": 2.0, "low": None, "high": None}


def test_patient_page_links_to_radiographs_and_timeline(client_for, surgeon, patient, lateral_film):
    page = client_for(surgeon).get(f"/patients/{patient.public_id}/").content.decode()
    assert f"/imaging/patients/{patient.public_id}/films/" in page
    assert f"/imaging/films/{lateral_film.public_id}/" in page


def test_missing_display_file_is_404(client_for, surgeon, lateral_film):
    services.display_path(lateral_film).unlink()
    assert client_for(surgeon).get(f"/imaging/films/{lateral_film.public_id}/image.png").status_code == 404


def test_burned_in_check_from_the_viewer(client_for, surgeon, lateral_film):
    client = client_for(surgeon)
    response = client.post(f"/imaging/films/{lateral_film.public_id}/burned-in/", {"has_text": "no"})
    assert response.status_code == 302
    lateral_film.refresh_from_db()
    assert lateral_film.burned_in_text is False and lateral_film.burned_in_checked_by == surgeon
    assert (
        client.post(f"/imaging/films/{lateral_film.public_id}/burned-in/", {"has_text": "maybe"}).status_code
        == 400
    )
    assert (
        "Checked: no burned-in identifiers."
        in client.get(f"/imaging/films/{lateral_film.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_axis_ticks_of_a_narrow_scale_keep_their_decimals():
    """An EQ-5D index axis from 0 to 1 is labelled 0.0, 0.5, 1.0, not 0, 0, 1 (seen on the films page)."""
    from openspine.imaging.charts import tick_label

    assert [tick_label(v, 1) for v in (0, 0.5, 1)] == ["0.0", "0.5", "1.0"]
    assert [tick_label(v, 0.4) for v in (0.5, 0.7, 0.9)] == ["0.50", "0.70", "0.90"]
    assert [tick_label(v, 68) for v in (0, 34, 68)] == ["0", "34", "68"]
