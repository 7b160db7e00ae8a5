"""A coordinator enters worked example W1 on the ISNCSCI worksheet in a browser and saves it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from openspine.sci.models import IsncsciExam
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = "/tmp/openspine-sci-e2e"  # noqa: S108 (development screenshots, nothing secret)
BELOW_T8 = ["T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5"]


@pytest.fixture
def laptop(monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
        page = context.new_page()
        page.set_default_timeout(5000)
        yield page
        browser.close()


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])


def test_coordinator_enters_w1_and_sees_the_live_classification(live_server, laptop, department):
    """isncsci.md section 12, W1: NLI T8, AIS A, sensory ZPP T10/T8, LT 62, PP 60."""
    surgeon = builders.make_user(role="surgeon", username="e2e_sci_surgeon", department=department)
    coordinator = builders.make_user(
        role="coordinator", username="e2e_sci_coordinator", department=department
    )
    patient = builders.make_patient(actor=surgeon)
    builders.make_diagnosis(patient, actor=surgeon, disease_area="spinal_cord_injury", icd10="S24.1")
    page = laptop
    _log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    page.get_by_role("link", name="ISNCSCI exams").click()
    page.get_by_role("link", name="New exam").click()

    # Tab walks down the right motor column: C5 .. T1 then L2 .. S1, then the first LT cell.
    page.click("input[name=R_C5_motor]")
    for grade in "5555500000":
        page.keyboard.type(grade)
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "R_C2_light_touch"
    for level in ("L2", "L3", "L4", "L5", "S1"):
        page.fill(f"input[name=L_{level}_motor]", "0")
    for side in ("R", "L"):
        for level in BELOW_T8:
            page.fill(f"input[name={side}_{level}_light_touch]", "0")
            page.fill(f"input[name={side}_{level}_pin_prick]", "0")
    page.fill("input[name=R_T9_light_touch]", "1")
    page.fill("input[name=R_T10_light_touch]", "1")
    page.select_option("select[name=VAC]", "No")
    page.select_option("select[name=DAP]", "No")
    page.click("#ws-copy-normal")
    assert page.input_value("input[name=R_C2_light_touch]") == "2"
    assert page.input_value("input[name=R_T9_light_touch]") == "1"

    ais = page.locator("#ws-classification .ws-ais dd")
    ais.filter(has_text="A").wait_for()
    panel = page.locator("#ws-classification").inner_text()
    assert "T8" in panel and "T10" in panel and "complete" in panel
    page.screenshot(path=f"{SCREENSHOTS}-worksheet.png")
    page.get_by_role("button", name="Save exam").click()
    page.wait_for_url(f"**/sci/patients/{patient.public_id}/exams/")
    page.screenshot(path=f"{SCREENSHOTS}-list.png", full_page=True)

    exam = IsncsciExam.objects.get(patient=patient)
    assert exam.ais == ["A"] and exam.neurological_level == ["T8"] and exam.examiner == coordinator
    assert exam.result["zpp"]["sensory"] == {"right": ["T10"], "left": ["T8"]}
    assert (exam.light_touch_total, exam.pin_prick_total) == (62, 60)
