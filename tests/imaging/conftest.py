import datetime

import pytest

from openspine.imaging import services, synthetic


@pytest.fixture(autouse=True)
def var_dir(tmp_path, settings):
    """Keep every stored film in the test's own folder."""
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def lateral():
    return synthetic.lateral_film()


@pytest.fixture
def lateral_film(patient, surgeon, lateral):
    data = synthetic.dicom_bytes(lateral.image)
    return services.add_film(
        patient, data, view="standing_lateral", taken_on=datetime.date(2026, 3, 1), actor=surgeon
    )


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English; the Chinese catalogue is checked by tests/test_i18n.py."""
    from django.utils import translation

    with translation.override("en"):
        yield
