"""Films and measurements: storage on disk, calibration, readers, audit (imaging.md §2.7, §3, §4.1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from openspine.audit.models import AuditEvent
from openspine.core.errors import DomainError
from openspine.imaging import services, synthetic
from openspine.imaging.models import Film, Measurement

DAY = datetime.date(2026, 3, 1)


def test_dicom_film_is_stored_on_disk_with_its_uids(lateral_film, var_dir):
    lateral_film.refresh_from_db()
    assert (lateral_film.rows, lateral_film.columns) == (3200, 1200)
    assert lateral_film.sop_class_uid == "1.2.840.10008.5.1.4.1.1.1.1" and lateral_film.sop_instance_uid
    assert lateral_film.dicom_spacing["imager_pixel_spacing"] == [0.3, 0.3]
    assert services.original_path(lateral_film).read_bytes()[128:132] == b"DICM"
    assert lateral_film.display_scale == pytest.approx(2048 / 3200)
    assert AuditEvent.objects.filter(
        action="imaging.film.added", object_id=str(lateral_film.public_id)
    ).exists()


def test_saved_measurement_equals_the_generating_geometry(lateral_film, lateral, surgeon):
    record = services.save_measurement(lateral_film, lateral.landmarks, actor=surgeon)
    record.refresh_from_db()
    for key, value in lateral.expected.items():
        assert record.values[key] == pytest.approx(value, abs=1e-3), key
    assert record.calibration == {"label": "detector_plane", "row_mm": 0.3, "column_mm": 0.3,
                                  "column_direction": "A", "orientation_source": "header"}
    assert record.reader_role == "primary" and record.software_version.startswith("openspine-imaging@")
    event = AuditEvent.objects.get(action="imaging.measurement.recorded")
    assert event.after["values"]["pi"] == pytest.approx(55, abs=1e-3)


def test_second_reader_is_kept_apart_and_rereading_replaces_own(lateral_film, lateral, surgeon, resident):
    first = services.save_measurement(lateral_film, lateral.landmarks, actor=surgeon)
    moved = dict(
        lateral.landmarks,
        femoral_head_1=[lateral.landmarks["femoral_head_1"][0] + 10, lateral.landmarks["femoral_head_1"][1]],
    )
    second = services.save_measurement(lateral_film, moved, actor=resident)
    assert (first.reader_role, second.reader_role) == ("primary", "second")
    again = services.save_measurement(lateral_film, moved, actor=surgeon)
    assert again.pk == first.pk and again.version == 2
    assert Measurement.objects.filter(film=lateral_film).count() == 2
    assert AuditEvent.objects.filter(action="imaging.measurement.updated").count() == 1


def test_png_film_gives_angles_but_refuses_mm_until_calibrated(patient, surgeon, lateral):
    film = services.add_film(
        patient, synthetic.png_bytes(lateral.image), view="standing_lateral", taken_on=DAY, actor=surgeon
    )
    assert film.source == "png" and film.dicom_spacing == {}
    values = services.compute_values(film, lateral.landmarks)
    assert values["values"]["sva_mm"] is None and values["values"]["pi"] == pytest.approx(55, abs=1e-3)
    assert values["calibration"]["label"] == "none"
    marked = dict(lateral.landmarks, calibration_start=[100, 100], calibration_end=[100, 100 + 100 / 0.3])
    with pytest.raises(ValidationError, match="calibration_mm"):
        services.compute_values(film, marked)
    calibrated = services.compute_values(film, marked, calibration_mm=100)
    assert calibrated["calibration"]["label"] == "manual"
    assert calibrated["values"]["sva_mm"] == pytest.approx(30, abs=1e-3)
    with pytest.raises(ValidationError, match="calibration_mm"):
        services.compute_values(film, marked, calibration_mm=-1)


def test_jpeg_film_is_accepted(patient, surgeon, lateral):
    import io

    buffer = io.BytesIO()
    lateral.image.save(buffer, format="JPEG")
    film = services.add_film(patient, buffer.getvalue(), view="standing_lateral", taken_on=DAY, actor=surgeon)
    assert film.source == "jpeg" and services.original_path(film).suffix == ".jpg"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "not an image"),
        (b"GIF89a" + b"\0" * 40, "not an image"),
    ],
)
def test_bad_file_is_refused_and_nothing_is_stored(patient, surgeon, var_dir, data, message):
    with pytest.raises(DomainError, match=message):
        services.add_film(patient, data, view="standing_lateral", taken_on=DAY, actor=surgeon)
    assert not Film.objects.exists() and not (var_dir / "imaging").exists()


def test_gif_is_refused_by_format(patient, surgeon):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(DomainError, match="GIF"):
        services.add_film(patient, buffer.getvalue(), view="standing_lateral", taken_on=DAY, actor=surgeon)


def test_non_image_sop_class_is_refused(patient, surgeon, lateral):
    data = synthetic.dicom_bytes(lateral.image, sop_class="1.2.840.10008.5.1.4.1.1.88.33")  # Comprehensive SR
    with pytest.raises(DomainError, match="not a radiograph"):
        services.add_film(patient, data, view="standing_lateral", taken_on=DAY, actor=surgeon)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_garbage_after_the_dicom_preamble_is_refused(patient, surgeon):
    data = b"\0" * 128 + b"DICM" + b"\xff" * 20
    with pytest.raises(DomainError, match="not a radiograph"):
        services.add_film(patient, data, view="standing_pa", taken_on=DAY, actor=surgeon)


def test_truncated_pixel_data_is_refused(patient, surgeon, lateral):
    data = synthetic.dicom_bytes(lateral.image)[:-5000]
    with pytest.raises(DomainError, match="cannot be decoded"):
        services.add_film(patient, data, view="standing_pa", taken_on=DAY, actor=surgeon)


def test_bad_view_and_future_date_are_refused(patient, surgeon, lateral, var_dir):
    data = synthetic.png_bytes(lateral.image)
    with pytest.raises(ValidationError, match="view"):
        services.add_film(patient, data, view="oblique", taken_on=DAY, actor=surgeon)
    with pytest.raises(ValidationError, match="future"):
        services.add_film(
            patient, data, view="standing_pa", taken_on=datetime.date(2999, 1, 1), actor=surgeon
        )
    assert not Film.objects.exists() and not any((var_dir / "imaging").glob("*"))


def test_database_failure_removes_the_written_files(patient, surgeon, lateral, var_dir, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record", fail)
    with pytest.raises(RuntimeError):
        services.add_film(
            patient, synthetic.png_bytes(lateral.image), view="standing_pa", taken_on=DAY, actor=surgeon
        )
    assert not Film.objects.exists() and not any((var_dir / "imaging").glob("*"))


def test_upload_over_the_limit_is_refused(patient, surgeon, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(DomainError, match="200 MB"):
        services.add_film(patient, b"x" * 11, view="standing_pa", taken_on=DAY, actor=surgeon)


@pytest.mark.parametrize(
    ("landmarks", "kwargs", "field"),
    [
        ({"s1_anterior": [10, 10]}, {}, "s1_posterior"),
        ({"l1_anterior": [10, 99999], "l1_posterior": [5, 5]}, {}, "l1_anterior"),
        ({"mt_upper_1": [1, 1]}, {}, "mt_upper_1"),
        ([1, 2], {}, "landmarks"),
        ({"s1_anterior": [1, 1], "s1_posterior": [9, 5]}, {"tk_upper_level": "T9"}, "tk_upper_level"),
        ({}, {}, "landmarks"),
    ],
)
def test_bad_landmarks_name_the_field_and_save_nothing(lateral_film, surgeon, landmarks, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        services.save_measurement(lateral_film, landmarks, actor=surgeon, **kwargs)
    assert field in caught.value.message_dict
    assert not Measurement.objects.exists()


def test_coronal_film_names_the_convex_side_for_the_patient(patient, surgeon):
    film_data = synthetic.pa_film()
    data = synthetic.dicom_bytes(film_data.image, orientation=("L", "F"))
    film = services.add_film(patient, data, view="standing_pa", taken_on=DAY, actor=surgeon)
    values = services.compute_values(film, film_data.landmarks)["values"]
    assert values["mt_cobb"] == pytest.approx(42, abs=1e-2)
    assert values["mt_convex"] == "patient_left"


def test_only_a_checked_clean_film_is_cleared_for_teaching(lateral_film, surgeon, patient, lateral):
    other = services.add_film(
        patient, synthetic.png_bytes(lateral.image), view="standing_pa", taken_on=DAY, actor=surgeon
    )
    assert not Film.objects.cleared_for_teaching().exists()
    services.record_burned_in_check(lateral_film, has_text=False, actor=surgeon)
    services.record_burned_in_check(other, has_text=True, actor=surgeon)
    assert list(Film.objects.cleared_for_teaching()) == [lateral_film]
    event = AuditEvent.objects.get(
        action="imaging.film.burned_in_checked", object_id=str(lateral_film.public_id)
    )
    assert event.after["burned_in_text"] is False and event.before["burned_in_checked_at"] is None
    with pytest.raises(ValidationError, match="has_text"):
        services.record_burned_in_check(other, has_text=None, actor=surgeon)


def test_film_linked_to_another_patients_operation_is_refused(lateral_film, surgeon):
    from tests import builders

    other = builders.make_patient(actor=surgeon)
    operation = builders.make_operation(other, actor=surgeon)
    lateral_film.operation = operation
    with pytest.raises(ValidationError, match="another patient"):
        lateral_film.full_clean()
    assert str(lateral_film) == "standing_lateral 2026-03-01"


def test_measurement_access_is_by_department(lateral_film, lateral, surgeon, outsider):
    from django.http import Http404

    from openspine.imaging.access import get_measurement_for

    record = services.save_measurement(lateral_film, lateral.landmarks, actor=surgeon)
    assert get_measurement_for(surgeon, record.public_id) == record
    assert str(record) == "standing_lateral 2026-03-01 (primary)"
    with pytest.raises(Http404):
        get_measurement_for(outsider, record.public_id)
    assert AuditEvent.objects.filter(action="imaging.measurement.viewed").count() == 1
