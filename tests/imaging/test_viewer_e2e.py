"""A reader clicks the protocol on a film of known geometry in Chromium; the stored values match it.

imaging.md §5.3: zoom first (so the screen-to-image mapping is exercised), click each landmark at
``window.openspineViewer.imageToClient``, check the value shown and the saved row. Screenshots go to
``$OPENSPINE_SCREENSHOTS`` when it is set (for looking at the page, not for asserting).
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from openspine.imaging import services, synthetic
from openspine.imaging.models import Measurement
from spinescores.radiograph import calibration, measure
from tests import builders
from tests.e2e.conftest import browser  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("OPENSPINE_SCREENSHOTS")


def _log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_surgeon_clicks_the_lateral_protocol_and_saves_known_values(live_server, browser, department):  # noqa: F811
    surgeon = builders.make_user(role="surgeon", username="surgeon", department=department)
    patient = builders.make_patient(actor=surgeon)
    film_data = synthetic.lateral_film()
    film = services.add_film(
        patient,
        synthetic.dicom_bytes(film_data.image),
        view="standing_lateral",
        taken_on=datetime.date(2026, 3, 1),
        actor=surgeon,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 1800}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    _log_in(context, live_server, surgeon)
    page = context.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/imaging/films/{film.public_id}/")
    page.evaluate("() => window.openspineViewer.ready")
    box = page.locator("#im-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    page.mouse.wheel(0, 120)  # zoom out about an off-centre point: the mapping now has scale and shift
    page.wait_for_timeout(100)
    for _ in range(60):
        active = page.evaluate("() => window.openspineViewer.getState().active")
        if active is None or active.startswith(
            ("t1_", "c2_", "t2_", "t5_", "t10", "l2_", "vertical", "calibration")
        ):
            break
        if active in film_data.landmarks:
            x, y = page.evaluate(
                "([x, y]) => window.openspineViewer.imageToClient(x, y)", film_data.landmarks[active]
            )
            page.mouse.click(x, y)
        else:
            page.keyboard.press("n")  # the second femoral head is superimposed: skip it
    page.wait_for_function(
        "() => window.openspineViewer.getState().computing === 0 && "
        "window.openspineViewer.getState().values.pi !== undefined"
    )
    shown_pi = page.locator("#im-values tr[data-key=pi] td").text_content()
    _shot(page, "viewer-lateral-en")
    page.keyboard.press("s")
    page.wait_for_function("() => document.getElementById('im-status').textContent.includes('Saved')")
    record = Measurement.objects.get(film=film)
    for name, (x, y) in record.landmarks.items():
        expected = film_data.landmarks[name]
        assert abs(x - expected[0]) < 2 and abs(y - expected[1]) < 2, name  # within one screen pixel
    for key, value in film_data.expected.items():
        assert record.values[key] == pytest.approx(value, abs=1.0), key
    again = measure.measure(
        record.landmarks,
        view="standing_lateral",
        calibration=calibration.Calibration(0.3, 0.3, "detector_plane"),
    )
    assert record.values["pi"] == pytest.approx(again.subscores["pi"], abs=1e-9)
    assert shown_pi == f"{record.values['pi']:.1f}°"
    if SHOTS:
        for language, width, height in (("zh-hans", 1024, 1366), ("en", 390, 844), ("zh-hans", 390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page.goto(f"{live_server.url}/imaging/films/{film.public_id}/")
            page.evaluate("() => window.openspineViewer.ready")
            page.wait_for_timeout(400)
            _shot(page, f"viewer-{language}-{width}")
            page.goto(f"{live_server.url}/imaging/patients/{patient.public_id}/films/")
            _shot(page, f"list-{language}-{width}")
    context.close()


def test_coronal_film_without_orientation_asks_for_it_and_shows_the_apical_translation(
    live_server,
    browser,  # noqa: F811
    department,
):
    surgeon = builders.make_user(role="surgeon", username="surgeon", department=department)
    patient = builders.make_patient(actor=surgeon)
    film_data = synthetic.pa_film()
    film = services.add_film(
        patient,
        synthetic.dicom_bytes(film_data.image, orientation=()),  # no PatientOrientation in the header
        view="standing_pa",
        taken_on=datetime.date(2026, 3, 1),
        actor=surgeon,
    )
    clicks = film_data.landmarks | {
        "apex_body_left": [600, 1500],
        "apex_pedicle_left": [640, 1500],
        "apex_pedicle_right": [700, 1500],
        "apex_body_right": [740, 1500],
        "s1_centre": [600, 2800],
    }
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    _log_in(context, live_server, surgeon)
    page = context.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/imaging/films/{film.public_id}/")
    page.evaluate("() => window.openspineViewer.ready")
    for _ in range(40):
        active = page.evaluate("() => window.openspineViewer.getState().active")
        if active is None or active.startswith(("vertical", "calibration")):
            break
        if active in clicks:
            x, y = page.evaluate("([x, y]) => window.openspineViewer.imageToClient(x, y)", clicks[active])
            page.mouse.click(x, y)
        else:
            page.keyboard.press("n")
    page.wait_for_function(
        "() => document.getElementById('im-status').textContent.includes('patient\\'s left')"
    )
    shown = page.locator("#im-values tr[data-key=apical_translation_mm] td").text_content()
    assert "toward image right" in shown and "mm" in shown
    page.select_option("#im-side", "L")
    page.wait_for_function(
        "() => document.querySelector('#im-values tr[data-key=apical_translation_mm] td')"
        ".textContent.includes('to the left')"
    )
    _shot(page, "viewer-coronal-en")
    page.click("[data-act=save]")  # the orientation select has the focus, so the button, not S
    page.wait_for_function("() => document.getElementById('im-status').textContent.includes('Saved')")
    record = Measurement.objects.get(film=film)
    assert (
        record.calibration["column_direction"] == "L" and record.calibration["orientation_source"] == "reader"
    )
    assert record.values["apical_translation_side"] == "patient_left" and record.flags == []
    assert record.values["apical_translation_mm"] == pytest.approx(
        (670 - 600) * synthetic.SPACING_MM, abs=0.5
    )
    context.close()
