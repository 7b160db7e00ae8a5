"""The ISNCSCI pages: a patient's exams with the chart, the worksheet, and its live classification."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine import audit
from openspine.accounts.roles import can
from openspine.core.forms import run_service
from openspine.patients.access import check_capability, get_patient_for, record_opened
from openspine.sci import csvio, display, services
from openspine.sci.access import get_exam_for
from openspine.sci.charts import build_chart
from openspine.sci.choices import ExamContext
from openspine.sci.forms import ExamForm, ImportForm
from spinescores.isncsci import VERSION


@require_GET
def exam_list(request, public_id):
    """List the patient's ISNCSCI exams, newest first, under a chart of AIS and totals over time."""
    patient = get_patient_for(request.user, public_id)
    exams = list(patient.isncsci_exams.select_related("examiner"))
    context = {
        "patient": patient,
        "exams": exams,
        "chart": build_chart(exams),
        "contexts": dict(ExamContext.choices),
        "can_edit": can(request.user, "sci.exam.edit"),
    }
    return render(request, "sci/exam_list.html", context)


def _status(request, form) -> int:
    if request.method != "POST":
        return 200
    return 409 if getattr(form, "conflict", None) else 400


def _worksheet(request, patient, form, record, save):
    """Show the worksheet; on a complete, valid POST call ``save(form)`` through the service glue."""
    # both checks run so that every bad and every empty cell is named at once
    if request.method == "POST" and all([form.is_valid(), form.require_complete()]):
        saved = run_service(form, lambda: save(form))
        if saved:
            messages.success(request, _("ISNCSCI exam saved."))
            return redirect("sci:exam_list", public_id=patient.public_id)
    context = {
        "form": form,
        "patient": patient,
        "record": record,
        "classification": _live(form) if request.method == "POST" else _stored(record),
        "version": VERSION,
    }
    return render(request, "sci/exam_form.html", context, status=_status(request, form))


@require_http_methods(["GET", "POST"])
def exam_create(request, public_id):
    """Enter a new ISNCSCI exam of the patient."""
    check_capability(request.user, "sci.exam.edit", target=str(public_id))
    patient = get_patient_for(request.user, public_id, action="edit")
    if request.method == "GET":  # the worksheet names the patient (T-35)
        record_opened(request.user, patient)
    initial = {"examined_on": timezone.localdate(), "context": ExamContext.ADMISSION}
    form = ExamForm(
        request.POST if request.method == "POST" else None,
        patient=patient,
        user=request.user,
        initial=initial,
    )
    return _worksheet(
        request,
        patient,
        form,
        None,
        lambda f: services.record_exam(patient, f.exam(), actor=request.user, **f.service_fields()),
    )


@require_http_methods(["GET", "POST"])
def exam_edit(request, public_id):
    """Show an exam on its worksheet and save corrections (reclassified, optimistic locking)."""
    record = get_exam_for(request.user, public_id, action="edit")
    if request.method == "GET":
        audit.record(request.user, "sci.exam.viewed", record)
    form = ExamForm(
        request.POST if request.method == "POST" else None, instance=record, patient=record.patient
    )
    return _worksheet(
        request,
        record.patient,
        form,
        record,
        lambda f: services.update_exam(
            record,
            f.exam(),
            actor=request.user,
            expected_version=f.cleaned_data["version"] or 0,
            **f.service_fields(),
        ),
    )


def _stored(record):
    if record is None:
        return {"pending": True, "empty": 0}
    return {"result": display.classification(record.result), "version": record.classifier_version}


def _live(form) -> dict:
    """Classify the worksheet as typed so far: wait for empty cells, name the first bad one."""
    if not form.is_valid() and form.errors_on_cells():
        return {"errors": form.errors_on_cells()[:3]}
    empty = form.empty_cells() if hasattr(form, "cleaned_data") else []
    if empty:
        message = ngettext(
            "%(n)s cell is still empty (%(first)s).",
            "%(n)s cells are still empty; first: %(first)s.",
            len(empty),
        ) % {"n": len(empty), "first": empty[0]}
        return {"pending": True, "empty": len(empty), "empty_message": message}
    try:
        _canonical, result = services.classify_exam(form.exam())
    except ValidationError as error:
        return {"errors": [m for messages_ in error.message_dict.values() for m in messages_]}
    return {"result": display.classification(result), "version": VERSION}


@require_POST
def exam_classify(request, public_id):
    """Return the classification of the worksheet as typed so far (HTMX partial, nothing saved)."""
    check_capability(request.user, "sci.exam.edit", target=str(public_id))
    patient = get_patient_for(request.user, public_id, action="edit")
    form = ExamForm(request.POST, patient=patient)
    form.is_valid()
    return render(request, "sci/partials/classification.html", {"classification": _live(form)})


@require_GET
def exam_export(request, public_id):
    """Download the patient's exams as worksheet rows with their stored classification (CSV)."""
    patient = get_patient_for(request.user, public_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="isncsci-exams.csv"'
    count = csvio.write_exams(response, patient.isncsci_exams.order_by("examined_on", "created_at"))
    audit.record(request.user, "sci.exam.exported", patient, after={"count": count})
    return response


@require_http_methods(["GET", "POST"])
def exam_import(request, public_id):
    """Import exams of the patient from a worksheet CSV: all rows are saved, or none."""
    check_capability(request.user, "sci.exam.edit", target=str(public_id))
    patient = get_patient_for(request.user, public_id, action="edit")
    if request.method == "GET":  # the page names the patient (T-35)
        record_opened(request.user, patient)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["file"]
        saved = run_service(form, lambda: services.import_exams(patient, rows, actor=request.user))
        if saved is not None:
            messages.success(request, _("%(count)s ISNCSCI exams imported.") % {"count": len(saved)})
            return redirect("sci:exam_list", public_id=patient.public_id)
    status = 400 if form.errors else 200
    return render(request, "sci/exam_import.html", {"form": form, "patient": patient}, status=status)
