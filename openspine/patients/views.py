"""Patient search, the patient page with its timeline, and the patient, admission and diagnosis forms."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine import audit
from openspine.core.forms import run_service
from openspine.core.htmx import render_page_or_partial
from openspine.patients import services, timeline
from openspine.patients.access import (
    check_capability,
    get_admission_for,
    get_diagnosis_for,
    get_patient_for,
    record_opened,
)
from openspine.patients.consent_texts import CURRENT as CURRENT_CONSENT_TEXTS
from openspine.patients.forms import AdmissionForm, ConsentForm, DiagnosisForm, PatientForm, PatientSearchForm
from openspine.patients.models import Patient

SEARCH_LIMIT = 50


def _search(user, query: str):
    # The results show the name and the last four phone digits only: the national ID and full
    # phone number stay unread (and undecrypted).
    patients = Patient.objects.visible_to(user).defer("national_id", "phone")
    if not query:
        return patients.order_by("-updated_at")[:SEARCH_LIMIT]
    return patients.search(query)[:SEARCH_LIMIT]


@require_GET
def patient_list(request):
    """Find a patient by hospital number, name, national ID, phone or the last four phone digits."""
    check_capability(request.user, "patient.view", target="patient_list")
    form = PatientSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    patients = list(_search(request.user, query))
    # The result list shows names and hospital numbers, so the search itself is audited (T-35);
    # the query is not stored because it may be a name.
    audit.record(
        request.user,
        "patients.patient.searched",
        None,
        after={"results": len(patients), "query": bool(query)},
    )
    context = {"form": form, "patients": patients, "query": query}
    return render_page_or_partial(
        request, "patients/patient_list.html", "patients/partials/patient_results.html", context
    )


@require_GET
def patient_detail(request, public_id):
    """Show one patient: identity, and the timeline of everything that happened."""
    patient = get_patient_for(request.user, public_id)
    return render(request, "patients/patient_detail.html", _detail_context(patient))


def _detail_context(patient, consent_form=None) -> dict:
    return {
        "patient": patient,
        "entries": timeline.entries_for(patient),
        "consents": _consent_rows(patient),
        "consent_history": patient.consents.select_related("recorded_by")[:20],
        "consent_form": consent_form or ConsentForm(),
    }


def _consent_rows(patient) -> list[dict]:
    current = services.current_consents(patient)
    rows = []
    for kind, text in CURRENT_CONSENT_TEXTS.items():
        record = current[kind]
        outdated = bool(record and record.granted and record.text_version != text.version)
        rows.append({"kind": kind, "label": kind.label, "record": record, "text": text, "outdated": outdated})
    return rows


@require_POST
def consent_record(request, public_id):
    """Record a consent decision of the patient (given or withdrawn) from the patient page."""
    patient = get_patient_for(request.user, public_id, action="edit")
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.record_consent(
                patient,
                data["kind"],
                data["granted"],
                actor=request.user,
                channel=data["channel"],
                text_version=data["text_version"],
                witness=data["witness"],
            ),
        )
        if saved:
            messages.success(request, _("Consent decision recorded."))
            return redirect("patients:patient_detail", public_id=patient.public_id)
    return render(request, "patients/patient_detail.html", _detail_context(patient, form), status=400)


@require_http_methods(["GET", "POST"])
def patient_create(request):
    check_capability(request.user, "patient.edit", target="patient_create")
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        patient = run_service(form, lambda: services.create_patient(actor=request.user, **data))
        if patient:
            messages.success(request, _("Patient registered."))
            return redirect("patients:patient_detail", public_id=patient.public_id)
    return render(request, "patients/patient_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def patient_edit(request, public_id):
    patient = get_patient_for(request.user, public_id, action="edit")
    if request.method == "GET":  # the form shows the full national ID and phone
        record_opened(request.user, patient)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        version = form.cleaned_data["version"]
        saved = run_service(
            form,
            lambda: services.update_patient(patient, actor=request.user, expected_version=version, **data),
        )
        if saved:
            messages.success(request, _("Patient details saved."))
            return redirect("patients:patient_detail", public_id=patient.public_id)
    status = 409 if getattr(form, "conflict", None) else (400 if form.errors else 200)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient}, status=status)


def _record_form(request, form, patient, save, *, title, saved_message, opened):
    """Validate ``form``, call ``save(data, version)`` through the service glue, redirect to the patient.

    A GET records that ``opened`` (the patient, or the record edited) was opened: the page names
    the patient.
    """
    if request.method == "GET":
        record_opened(request.user, opened)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if run_service(form, lambda: save(data, form.cleaned_data["version"])):
            messages.success(request, saved_message)
            return redirect("patients:patient_detail", public_id=patient.public_id)
    status = 409 if getattr(form, "conflict", None) else (400 if form.errors else 200)
    context = {"form": form, "patient": patient, "title": title}
    return render(request, "patients/record_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def admission_create(request, public_id):
    patient = get_patient_for(request.user, public_id, action="edit")
    form = AdmissionForm(request.POST or None)
    return _record_form(
        request,
        form,
        patient,
        lambda data, _version: services.add_admission(patient, actor=request.user, **data),
        title=_("New admission"),
        saved_message=_("Admission recorded."),
        opened=patient,
    )


@require_http_methods(["GET", "POST"])
def admission_edit(request, public_id):
    admission = get_admission_for(request.user, public_id, action="edit")
    form = AdmissionForm(request.POST or None, instance=admission)
    return _record_form(
        request,
        form,
        admission.patient,
        lambda data, version: services.update_admission(
            admission, actor=request.user, expected_version=version, **data
        ),
        title=_("Edit admission"),
        saved_message=_("Admission saved."),
        opened=admission,
    )


@require_http_methods(["GET", "POST"])
def diagnosis_create(request, public_id):
    patient = get_patient_for(request.user, public_id, action="edit")
    form = DiagnosisForm(request.POST or None, patient=patient)
    return _record_form(
        request,
        form,
        patient,
        lambda data, _version: services.add_diagnosis(patient, actor=request.user, **data),
        title=_("New diagnosis"),
        saved_message=_("Diagnosis recorded."),
        opened=patient,
    )


@require_http_methods(["GET", "POST"])
def diagnosis_edit(request, public_id):
    diagnosis = get_diagnosis_for(request.user, public_id, action="edit")
    form = DiagnosisForm(request.POST or None, instance=diagnosis, patient=diagnosis.patient)
    return _record_form(
        request,
        form,
        diagnosis.patient,
        lambda data, version: services.update_diagnosis(
            diagnosis, actor=request.user, expected_version=version, **data
        ),
        title=_("Edit diagnosis"),
        saved_message=_("Diagnosis saved."),
        opened=diagnosis,
    )
