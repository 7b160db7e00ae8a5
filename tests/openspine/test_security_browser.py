"""Browser and input safety: CSRF, security headers, escaping, CSV formula injection, filters, conflicts.

T-57 (allow-listed sort and filter values), T-58 (stored XSS and formula injection), T-59 (CSRF),
T-61 (security headers and no-store), T-41 (optimistic locking on the patient pages).
"""

import csv
import io

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from openspine.core.export import csv_response, safe_cell, to_csv
from openspine.patients import services
from openspine.patients.models import Admission, Diagnosis, Patient
from tests import builders
from tests.access_matrix import World, all_routes

XSS_PAYLOADS = (
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
)
CLINICAL_APPS = ("patients", "surgery", "proms", "sci", "portal", "accounts")


@pytest.fixture
def world(surgeon):
    return World.build(surgeon)


def _row_counts() -> dict:
    return {
        model._meta.label: model._base_manager.count()
        for app in CLINICAL_APPS
        for model in apps.get_app_config(app).get_models()
        # A login creates a session row and a bad reset link counts toward lockout: not data changes.
        if model._meta.label not in ("accounts.UserSession", "accounts.AccountLock")
    }


# --- T-59 CSRF ---------------------------------------------------------------------------------


@pytest.mark.req("T-59")
def test_every_state_changing_page_refuses_a_post_without_csrf_token(world, surgeon):
    client = Client(enforce_csrf_checks=True)
    client.force_login(surgeon)
    before = _row_counts()
    checked = []
    for route in all_routes():
        if route.is_api:
            continue
        response = client.post(world.path(route), {"name": "x", "kind": "research_use", "granted": "on"})
        assert response.status_code == 403, (route.name, response.status_code)
        assert b"CSRF" in response.content or response.status_code == 403
        checked.append(route.name)
    assert _row_counts() == before
    assert {"patients:patient_edit", "patients:consent_record", "surgery:operation_sign"} <= set(checked)


@pytest.mark.req("T-59")
def test_a_post_with_the_token_gets_through_so_the_sweep_means_something(world, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    page = client.get(reverse("patients:patient_detail", args=[world.patient.public_id]))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("patients:consent_record", args=[world.patient.public_id]),
        {"csrfmiddlewaretoken": str(token), "kind": "follow_up_contact", "channel": "phone"},
    )
    assert response.status_code == 302
    world.patient.refresh_from_db()
    assert world.patient.contact_consent is False


@pytest.mark.req("T-59")
def test_api_ignores_the_session_cookie_so_cross_site_posts_cannot_use_it(surgeon, client_for):
    client = client_for(surgeon)
    response = client.post(
        "/api/patients/",
        {"mrn": "X1", "name": "x", "sex": "male", "birth_date": "1970-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Patient.objects.filter(mrn="X1").exists()


@pytest.mark.req("T-59")
def test_no_get_changes_clinical_data(world, surgeon, coordinator, client_for):
    for user in (surgeon, coordinator):
        client = client_for(user)
        before = _row_counts()
        for route in all_routes():
            if route.route.startswith(("q/", "accounts/logout", "i18n/")):
                continue  # the portal trades its token on GET by design (T-30); logout is POST-only
            client.get(world.path(route))
        assert _row_counts() == before, user.role


# --- T-61 headers ------------------------------------------------------------------------------


def _assert_security_headers(response, where):
    csp = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where
    assert "camera=()" in response.get("Permissions-Policy", ""), where


@pytest.mark.req("T-61")
def test_every_page_and_api_response_carries_the_security_headers(world, surgeon):
    anonymous, staff = Client(), Client()
    staff.force_login(surgeon)
    for route in all_routes():
        for client in (anonymous, staff):
            response = client.get(world.path(route))
            _assert_security_headers(response, (route.name, response.status_code))


@pytest.mark.req("T-61")
def test_pages_with_patient_data_are_not_cached(world, surgeon, client_for):
    client = client_for(surgeon)
    for url in (
        reverse("patients:patient_list"),
        reverse("patients:patient_detail", args=[world.patient.public_id]),
        reverse("patients:patient_edit", args=[world.patient.public_id]),
        reverse("surgery:operation_detail", args=[world.operation.public_id]),
        f"/api/patients/{world.patient.public_id}",
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.req("T-61")
def test_error_pages_carry_the_headers_too(surgeon, client_for):
    response = client_for(surgeon).get("/patients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    _assert_security_headers(response, "404")


# --- T-58 escaping -----------------------------------------------------------------------------


def _assert_escaped(content: bytes, where):
    html = content.decode()
    assert "<script>alert" not in html, where
    assert "<img src=x onerror" not in html and 'onerror="alert' not in html, where
    assert 'href="javascript:' not in html and 'src="javascript:' not in html, where


@pytest.mark.req("T-58")
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_free_text_renders_escaped_on_every_page(payload, surgeon, client_for):
    patient = builders.make_patient(actor=surgeon, name=payload[:100])
    diagnosis = builders.make_diagnosis(patient, actor=surgeon, note=payload)
    operation = builders.make_operation(patient, actor=surgeon, diagnosis=diagnosis, note=payload)
    complication = builders.make_complication(operation, actor=surgeon, note=payload)
    client = client_for(surgeon)
    pages = {
        "list": reverse("patients:patient_list"),
        "search": reverse("patients:patient_list") + "?q=" + payload[:50],
        "detail": reverse("patients:patient_detail", args=[patient.public_id]),
        "edit": reverse("patients:patient_edit", args=[patient.public_id]),
        "diagnosis": reverse("patients:diagnosis_edit", args=[diagnosis.public_id]),
        "operation": reverse("surgery:operation_detail", args=[operation.public_id]),
        "complication": reverse("surgery:complication_edit", args=[complication.public_id]),
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        _assert_escaped(response.content, where)
    detail = client.get(pages["detail"]).content.decode()
    if payload.startswith("<script>"):
        assert "&lt;script&gt;" in detail


@pytest.mark.req("T-58")
def test_htmx_search_fragment_escapes_the_name(surgeon, client_for):
    builders.make_patient(actor=surgeon, name=XSS_PAYLOADS[0])
    response = client_for(surgeon).get(reverse("patients:patient_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    _assert_escaped(response.content, "fragment")


@pytest.mark.req("T-58")
@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("腰椎间盘突出", "腰椎间盘突出"),
        (-3, -3),
        (2.5, 2.5),
        (None, ""),
    ],
)
def test_csv_cells_that_look_like_formulas_are_neutralised(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.req("T-58")
def test_csv_export_round_trips_defused_text_and_keeps_numbers():
    text = to_csv(["name", "note", "score"], [["王", "=cmd|' /C calc'!A0", -4]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["王", "'=cmd|' /C calc'!A0", "-4"]
    response = csv_response("x.csv", ["a"], [["@x"]])
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[1] == "'@x" and response["Content-Disposition"] == 'attachment; filename="x.csv"'


@pytest.mark.req("T-58")
def test_audit_export_neutralises_formulas(auditor, surgeon, client_for):
    builders.make_patient(actor=surgeon)
    from openspine import audit

    audit.record(surgeon, "patients.patient.viewed", None, reason='=HYPERLINK("http://x")')
    response = client_for(auditor).get(reverse("accounts:audit_export"))
    assert response.status_code == 200
    for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell


# --- T-57 allow-listed parameters --------------------------------------------------------------

INJECTION = ("1,extractvalue(1,concat(0x7e,version()))", "name;DROP TABLE patients_patient", "' OR 1=1 --")


@pytest.mark.req("T-57")
@pytest.mark.parametrize("payload", INJECTION)
def test_search_sort_and_filter_parameters_never_reach_sql_unchecked(payload, world, surgeon, client_for):
    client = client_for(surgeon)
    patients = Patient.objects.count()
    for url, params in (
        (reverse("patients:patient_list"), {"q": payload, "sort": payload, "ordering": payload}),
        (reverse("proms:followup_list"), {"surgeon": payload, "disease_area": payload, "timepoint": payload}),
        (reverse("proms:followup_dashboard"), {"disease_area": payload, "sort": payload}),
        ("/api/patients/", {"q": payload, "ordering": payload}),
    ):
        response = client.get(url, params)
        assert response.status_code in (200, 400, 401), (url, response.status_code)
    filtered = client.get(reverse("proms:followup_list"), {"disease_area": payload})
    assert filtered.status_code == 400 and b"lumbar_degenerative" in filtered.content
    assert Patient.objects.count() == patients > 0  # no table dropped, no row changed


@pytest.mark.req("T-57")
def test_search_query_longer_than_the_allowed_length_is_ignored(surgeon, client_for):
    response = client_for(surgeon).get(reverse("patients:patient_list"), {"q": "x" * 500})
    assert response.status_code == 200 and response.context["query"] == ""


# --- T-41 optimistic locking on the patient pages ----------------------------------------------


def _form_data(form_class, instance, **changes):
    data = {"version": instance.version}
    extra = {"patient": instance.patient} if form_class.__name__ == "DiagnosisForm" else {}
    form = form_class(instance=instance, **extra)
    for name, bound in form.initial.items():
        if name in form.fields:
            value = bound
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            data[name] = "" if value is None else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.mark.req("T-41")
def test_stale_patient_save_is_a_409_that_keeps_the_input_and_overwrites_nothing(
    patient, surgeon, client_for
):
    from openspine.patients.forms import PatientForm

    stale = _form_data(PatientForm, patient, name="我的修改")
    services.update_patient(patient, actor=surgeon, name="别人的修改")
    response = client_for(surgeon).post(reverse("patients:patient_edit", args=[patient.public_id]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "我的修改" in html and response.context["form"].conflict is not None
    assert Patient.objects.get(pk=patient.pk).name == "别人的修改"


@pytest.mark.req("T-41")
def test_stale_admission_save_is_a_409_that_keeps_the_input(patient, surgeon, client_for):
    from openspine.patients.forms import AdmissionForm

    admission = builders.make_admission(patient, actor=surgeon)
    stale = _form_data(AdmissionForm, admission, ward="我的病房")
    services.update_admission(admission, actor=surgeon, ward="别人的病房")
    response = client_for(surgeon).post(reverse("patients:admission_edit", args=[admission.public_id]), stale)
    assert response.status_code == 409 and "我的病房" in response.content.decode()
    assert Admission.objects.get(pk=admission.pk).ward == "别人的病房"


@pytest.mark.req("T-41")
def test_stale_diagnosis_save_is_a_409_that_keeps_the_input(patient, surgeon, client_for):
    from openspine.patients.forms import DiagnosisForm

    diagnosis = builders.make_diagnosis(patient, actor=surgeon)
    stale = _form_data(DiagnosisForm, diagnosis, note="我的备注")
    services.update_diagnosis(diagnosis, actor=surgeon, note="别人的备注")
    response = client_for(surgeon).post(reverse("patients:diagnosis_edit", args=[diagnosis.public_id]), stale)
    assert response.status_code == 409 and "我的备注" in response.content.decode()
    assert Diagnosis.objects.get(pk=diagnosis.pk).note == "别人的备注"


@pytest.mark.req("T-41")
def test_stale_api_patch_is_a_409(patient, surgeon):
    from openspine.accounts.models import ApiToken

    _token, raw = ApiToken.issue(surgeon, "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    services.update_patient(patient, actor=surgeon, name="别人的修改")
    response = client.patch(
        f"/api/patients/{patient.public_id}",
        {"version": 1, "name": "我的修改"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert Patient.objects.get(pk=patient.pk).name == "别人的修改"


@pytest.mark.req("T-57")
def test_bandit_finds_no_string_built_sql_outside_reviewed_lines():
    """bandit B608/B610/B611 (string-built SQL, ``extra``, ``RawSQL``); a line may carry a reviewed waiver."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    bandit = Path(sys.executable).with_name("bandit")
    command = [
        str(bandit),
        "-q",
        "-r",
        "openspine",
        "spinescores",
        "-t",
        "B608,B610,B611",
        "-x",
        "*/migrations/*",
    ]
    result = subprocess.run([*command, "-f", "json"], capture_output=True, text=True, check=False)  # noqa: S603
    unreviewed = [
        f"{finding['filename']}:{finding['line_number']} {finding['test_id']}"
        for finding in json.loads(result.stdout)["results"]
        if "noqa: S608" not in finding["code"] and "nosec" not in finding["code"]
    ]
    assert unreviewed == []


# --- T-70 supply chain gates -------------------------------------------------------------------


def _audit_gate(monkeypatch, capsys, report: dict | None, stderr: str = "") -> tuple[int, str]:
    import importlib.util
    import json
    import subprocess
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
    spec = importlib.util.spec_from_file_location("audit_dependencies", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stdout = json.dumps(report) if report is not None else "not json"
    completed = subprocess.CompletedProcess([], 1 if report else 2, stdout=stdout, stderr=stderr)
    monkeypatch.setattr(module.subprocess, "run", lambda *args, **kwargs: completed)
    code = module.main()
    return code, capsys.readouterr().out


@pytest.mark.req("T-70")
def test_dependency_gate_fails_on_a_known_vulnerability(monkeypatch, capsys):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2099-1"}]},
            {"name": "ninja", "version": "1.0", "vulns": []},
        ]
    }
    code, out = _audit_gate(monkeypatch, capsys, report)
    assert code == 1 and "django 5.2.0" in out and "PYSEC-2099-1" in out


@pytest.mark.req("T-70")
def test_dependency_gate_skips_clearly_when_the_advisory_service_is_unreachable(monkeypatch, capsys):
    report = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI"}]}
    code, out = _audit_gate(monkeypatch, capsys, report)
    assert code == 0 and "SKIPPED" in out
    code, out = _audit_gate(monkeypatch, capsys, None, stderr="connection refused")
    assert code == 0 and "SKIPPED" in out


@pytest.mark.req("T-70")
def test_bandit_finds_no_high_severity_issue():
    import subprocess
    import sys
    from pathlib import Path

    bandit = Path(sys.executable).with_name("bandit")
    command = [str(bandit), "-q", "-r", "openspine", "spinescores", "-lll", "-x", "*/migrations/*"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout[-2000:]
