"""The operation record on one screen, its page with sign-off and history, and complications."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine.core.errors import ConflictError
from openspine.core.forms import run_service
from openspine.core.htmx import is_htmx_partial
from openspine.patients.access import check_capability, get_patient_for, record_opened
from openspine.surgery import services
from openspine.surgery.access import get_complication_for, get_operation_for
from openspine.surgery.forms import (
    LEVEL_CHIPS,
    ComplicationForm,
    OperationForm,
    SignForm,
    implant_formset,
    implant_rows,
)
from openspine.surgery.models import Operation


def _status(form) -> int:
    if getattr(form, "conflict", None):
        return 409
    return 400 if form.errors else 200


def _operation_form(request, patient, operation, save):
    """Show the operation form; on a valid POST call ``save(fields, implants, form)`` via the glue."""
    if request.method == "GET":  # the page names the patient (T-35)
        record_opened(request.user, operation or patient)
    form = OperationForm(request.POST or None, instance=operation, patient=patient, user=request.user)
    implants = implant_formset(request.POST or None, operation)
    if request.method == "POST" and form.is_valid() and implants.is_valid():
        saved = run_service(form, lambda: save(form.service_fields(), implant_rows(implants), form))
        if saved:
            messages.success(request, _("Operation saved."))
            return redirect("surgery:operation_detail", public_id=saved.public_id)
    status = (409 if getattr(form, "conflict", None) else 400) if request.method == "POST" else 200
    context = {
        "form": form,
        "implants": implants,
        "patient": patient,
        "operation": operation,
        "chips": LEVEL_CHIPS,
    }
    return render(request, "surgery/operation_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def operation_create(request, public_id):
    """Record an operation of the patient (a draft until signed)."""
    check_capability(request.user, "operation.edit", target=str(public_id))
    patient = get_patient_for(request.user, public_id, action="edit")
    return _operation_form(
        request,
        patient,
        None,
        lambda data, implants, _form: services.create_operation(
            patient, actor=request.user, implants=implants, **data
        ),
    )


@require_http_methods(["GET", "POST"])
def operation_edit(request, public_id):
    """Edit a draft, or amend a signed record with a reason."""
    operation = get_operation_for(request.user, public_id, action="edit")
    return _operation_form(
        request,
        operation.patient,
        operation,
        lambda data, implants, form: services.update_operation(
            operation,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            reason=form.cleaned_data["reason"],
            implants=implants,
            **data,
        ),
    )


@require_GET
def operation_detail(request, public_id):
    """Show the whole operation record, its signature, amendment history and complications."""
    operation = get_operation_for(request.user, public_id)
    signatures = list(operation.signatures.select_related("signer"))
    context = {
        "operation": operation,
        "patient": operation.patient,
        "procedures": list(operation.procedures.all()),
        "team": list(operation.team.select_related("user")),
        "implants": list(operation.implants.all()),
        "signatures": signatures,
        "active_signature": next((s for s in reversed(signatures) if s.invalidated_at is None), None),
        "amendments": list(operation.amendments.select_related("actor")),
        "complications": list(operation.complications.all()),
    }
    return render(request, "surgery/operation_detail.html", context)


@require_http_methods(["GET", "POST"])
def operation_sign(request, public_id):
    """Sign the record after re-entering the password (and a TOTP code when the signer has MFA).

    A wrong password or code is refused, audited and counts toward the account's lockout.
    """
    operation = get_operation_for(request.user, public_id, action="sign")
    if request.method == "GET":  # the page shows the whole record and names the patient (T-35)
        record_opened(request.user, operation, purpose="sign")
    form = SignForm(request.POST or None, needs_code=services.signing_needs_code(request.user))
    if request.method == "POST" and form.is_valid():
        errors = services.confirm_signer(
            operation,
            request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data.get("code", ""),
        )
        for field, message in errors.items():
            form.add_error(field if field in form.fields else None, message)
        if not errors and run_service(form, lambda: services.sign_operation(operation, actor=request.user)):
            messages.success(request, _("Operation record signed."))
            return redirect("surgery:operation_detail", public_id=operation.public_id)
    context = {
        "form": form,
        "operation": operation,
        "patient": operation.patient,
        "procedures": list(operation.procedures.all()),
        "cosign": bool(operation.created_by and operation.created_by.role == "resident"),
    }
    return render(request, "surgery/operation_sign.html", context, status=_status(form))


def _complication_form(request, operation, complication, save, *, title):
    if request.method == "GET":  # the page names the patient (T-35)
        record_opened(request.user, complication or operation)
    form = ComplicationForm(request.POST or None, instance=complication, operation=operation)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: save(form.service_fields(), form.cleaned_data["version"])):
            messages.success(request, _("Complication saved."))
            return redirect("surgery:operation_detail", public_id=operation.public_id)
    context = {"form": form, "operation": operation, "patient": operation.patient, "title": title}
    return render(request, "surgery/complication_form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def complication_create(request, public_id):
    """Record a complication against an operation."""
    operation = get_operation_for(request.user, public_id, action="complicate")
    return _complication_form(
        request,
        operation,
        None,
        lambda data, _version: services.add_complication(operation, actor=request.user, **data),
        title=_("Record complication"),
    )


@require_http_methods(["GET", "POST"])
def complication_edit(request, public_id):
    """Edit a complication (typically to mark it resolved)."""
    complication = get_complication_for(request.user, public_id, action="edit")
    operation = Operation.objects.select_related("patient").get(pk=complication.operation_id)
    return _complication_form(
        request,
        operation,
        complication,
        lambda data, version: services.update_complication(
            complication, actor=request.user, expected_version=version or 0, **data
        ),
        title=_("Edit complication"),
    )


@require_POST
def complication_resolve(request, public_id):
    """Mark a complication resolved (or open again) from its row; HTMX swaps just that row."""
    complication = get_complication_for(request.user, public_id, action="edit")
    error, status = "", 200
    try:
        services.update_complication(
            complication,
            actor=request.user,
            expected_version=int(request.POST.get("version") or 0),
            resolved=request.POST.get("resolved") == "1",
        )
    except ConflictError as conflict:
        complication, error, status = conflict.current, str(conflict), 409
    except ValidationError as invalid:
        complication.refresh_from_db()
        error, status = " ".join(invalid.messages), 400
    if not is_htmx_partial(request):
        if error:
            messages.error(request, error)
        return redirect("surgery:operation_detail", public_id=complication.operation.public_id)
    context = {"c": complication, "error": error}
    return render(request, "surgery/partials/complication_row.html", context, status=status)
