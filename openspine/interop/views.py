"""The records office's import pages and the HL7 dead-letter list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine import audit
from openspine.accounts.roles import can
from openspine.core.errors import DomainError
from openspine.core.forms import run_service
from openspine.core.htmx import render_page_or_partial
from openspine.core.validators import normalise_mrn
from openspine.interop import hl7, merge, services
from openspine.interop.access import get_batch_for, get_merge_for, get_message_for
from openspine.interop.choices import BatchStatus, MessageStatus, RowOutcome
from openspine.interop.forms import CommitForm, MappingForm, MergeForm, UploadForm
from openspine.interop.models import HL7Message, ImportBatch, PatientMerge
from openspine.patients.models import Patient

PREVIEW_ROWS = 200


def _require(user, capability: str) -> None:
    if not can(user, capability):
        audit.record(user, "access.denied", None, after={"capability": capability})
        raise PermissionDenied


@require_GET
def batch_list(request):
    """List the department's import batches, newest first."""
    _require(request.user, "interop.import")
    batches = ImportBatch.objects.filter(department_id=request.user.department_id).select_related(
        "created_by"
    )
    return render(request, "interop/batch_list.html", {"batches": batches[:100]})


@require_http_methods(["GET", "POST"])
def batch_upload(request):
    """Upload a 病案首页 export and run its dry run; nothing is written to the registry."""
    _require(request.user, "interop.import")
    bound = request.method == "POST"
    form = UploadForm(request.POST if bound else None, request.FILES if bound else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = run_service(
            form,
            lambda: services.preview_batch(
                upload.read(), upload.name, hospital=form.cleaned_data["hospital"], actor=request.user
            ),
        )
        if batch is not None:
            return redirect("interop:batch_detail", public_id=batch.public_id)
    status = 400 if form.errors else 200
    return render(request, "interop/batch_upload.html", {"form": form}, status=status)


@require_GET
def batch_detail(request, public_id):
    """Show a batch's dry run (new, changed, unchanged, conflicts, rejections) or its progress."""
    batch = get_batch_for(request.user, public_id)
    held = batch.records.filter(outcome__in=[RowOutcome.REJECTED, RowOutcome.CONFLICT])
    changed = batch.records.filter(outcome__in=[RowOutcome.NEW, RowOutcome.CHANGED])
    context = {
        "batch": batch,
        "held": held[:PREVIEW_ROWS],
        "changed": changed[:PREVIEW_ROWS],
        "form": CommitForm(),
        "outcomes": [(label, batch.counts.get(value, 0), value) for value, label in RowOutcome.choices],
        "in_progress": batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING),
        "can_commit": batch.status in (BatchStatus.PREVIEWED, BatchStatus.FAILED),
    }
    return render_page_or_partial(
        request, "interop/batch_detail.html", "interop/partials/batch_progress.html", context
    )


@require_POST
def batch_commit(request, public_id):
    """Hand the batch to the import worker; the detail page then shows its progress."""
    batch = get_batch_for(request.user, public_id, action="commit")
    form = CommitForm(request.POST)
    accept_partial = form.is_valid() and form.cleaned_data["accept_partial"]
    try:
        services.queue_commit(batch, actor=request.user, accept_partial=accept_partial)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The batch is being imported."))
    return redirect("interop:batch_detail", public_id=batch.public_id)


@require_http_methods(["GET", "POST"])
def mapping_edit(request):
    """Edit one hospital's column mapping (which header names which field)."""
    _require(request.user, "interop.import")
    hospital = (request.GET.get("hospital") or "main")[:60]
    mapping = services.mapping_for(hospital)
    initial = {f"col_{key}": value for key, value in mapping.columns.items()}
    initial |= {"mrn_width": mapping.mrn_width, "default_edition": mapping.default_edition}
    form = MappingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_mapping(
                hospital,
                columns=form.columns,
                mrn_width=form.cleaned_data["mrn_width"],
                default_edition=form.cleaned_data["default_edition"],
                actor=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Column mapping saved."))
            return redirect("interop:batch_upload")
    status = 400 if form.errors else 200
    return render(request, "interop/mapping_form.html", {"form": form, "hospital": hospital}, status=status)


@require_GET
def message_list(request):
    """List the HL7 messages that could not be applied (dead letters), and the latest ones."""
    _require(request.user, "interop.hl7.manage")
    dead = HL7Message.objects.filter(status=MessageStatus.DEAD)
    latest = HL7Message.objects.all()
    return render(request, "interop/message_list.html", {"dead": dead[:200], "latest": latest[:50]})


@require_POST
def message_reprocess(request, public_id):
    """Apply a dead letter again (after the cause was fixed, e.g. the patient was registered)."""
    message = get_message_for(request.user, public_id)
    message = hl7.reprocess_message(message, actor=request.user)
    if message.status == MessageStatus.APPLIED:
        messages.success(request, _("The message was applied."))
    else:
        messages.error(
            request, _("The message still cannot be applied: %(error)s") % {"error": message.error}
        )
    return redirect("interop:message_list")


@require_http_methods(["GET", "POST"])
def merge_list(request):
    """List the department's patient merges and merge two records of the same person."""
    _require(request.user, "interop.merge")
    form = MergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: _merge_from_form(request.user, form))
        if done is not None:
            messages.success(request, _("The records were merged. The merge can be undone below."))
            return redirect("interop:merge_list")
    merges = PatientMerge.objects.filter(survivor__department_id=request.user.department_id)
    merges = merges.select_related("survivor", "duplicate", "merged_by")[:100]
    status = 400 if form.errors else 200
    return render(request, "interop/merge_list.html", {"form": form, "merges": merges}, status=status)


def _merge_from_form(user, form):
    found = {}
    for field in ("survivor_mrn", "duplicate_mrn"):
        key = normalise_mrn(form.cleaned_data[field])
        found[field] = Patient.objects.visible_to(user).filter(mrn_key=key).first()
        if found[field] is None:
            form.add_error(field, _("No patient of your department has this 病案号."))
    if form.errors:
        return None
    return merge.merge_patients(
        found["survivor_mrn"], found["duplicate_mrn"], actor=user, reason=form.cleaned_data["reason"]
    )


@require_POST
def merge_undo(request, public_id):
    """Undo a merge: the rows it moved go back to the duplicate record."""
    record = get_merge_for(request.user, public_id)
    try:
        merge.undo_merge(record, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("interop:merge_list")
