"""Radiograph pages: a patient's films with their charts, the upload, the viewer and the QA page.

The viewer sends landmarks as JSON to :func:`film_compute` (live values, nothing saved) and
:func:`film_measure` (save); both answer with the numbers :func:`services.compute_values` returns,
which are also what the API returns.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openspine.accounts.roles import can
from openspine.core.errors import DomainError
from openspine.imaging import agreement, charts, display, lenke_inputs, pacs, services
from openspine.imaging.access import get_film_for
from openspine.imaging.choices import FilmView
from openspine.imaging.forms import FilmUploadForm
from openspine.patients.access import check_capability, get_patient_for, record_opened
from spinescores.radiograph import protocol


@require_GET
def film_list(request, public_id):
    """List the patient's films with their primary values, under Cobb and PI−LL charts and PROMs."""
    patient = get_patient_for(request.user, public_id)
    films = list(patient.films.prefetch_related("measurements", "measurements__reader"))
    for film in films:
        film.primary = next((m for m in film.measurements.all() if m.reader_role == "primary"), None)
        film.rows_shown = display.rows_for(film.primary) if film.primary else []
    context = {
        "patient": patient,
        "films": films,
        "chart": charts.build_chart(patient),
        "lenke": lenke_inputs.visits_of(films),
        "can_add": can(request.user, "imaging.film.add"),
    }
    return render(request, "imaging/film_list.html", context)


@require_http_methods(["GET", "POST"])
def film_upload(request, public_id):
    """Upload a DICOM, PNG or JPEG film of the patient."""
    check_capability(request.user, "imaging.film.add", target=str(public_id))
    patient = get_patient_for(request.user, public_id, action="edit")
    if request.method == "GET":  # the page names the patient (T-35)
        record_opened(request.user, patient)
    bound = request.method == "POST"
    form = FilmUploadForm(request.POST if bound else None, request.FILES if bound else None, patient=patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            film = services.add_film(
                patient,
                data["file"].read(),
                view=data["view"],
                taken_on=data["taken_on"],
                operation=data["operation"],
                follow_up=data["follow_up"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Film uploaded."))
            return redirect("imaging:film_viewer", public_id=film.public_id)
    status = 400 if form.errors else 200
    return render(request, "imaging/film_upload.html", {"form": form, "patient": patient}, status=status)


# The part of a step each click places, by the last word of its landmark name.
CLICK_PARTS = {
    "anterior": gettext_lazy("anterior corner"),
    "posterior": gettext_lazy("posterior corner"),
    "anterosuperior": gettext_lazy("anterior upper corner"),
    "posterosuperior": gettext_lazy("posterior upper corner"),
    "posteroinferior": gettext_lazy("posterior lower corner"),
    "anteroinferior": gettext_lazy("anterior lower corner"),
    "top": gettext_lazy("top"),
    "bottom": gettext_lazy("bottom"),
    "start": gettext_lazy("first end"),
    "end": gettext_lazy("second end"),
}


def _click_label(step_name: str, landmark: str, index: int, count: int) -> str:
    if count == 1:
        return step_name
    part = CLICK_PARTS.get(landmark.rsplit("_", 1)[-1])
    return f"{step_name} · {part}" if part else f"{step_name} ({index}/{count})"


def _steps(view: str) -> list[dict]:
    zh = translation.get_language().startswith("zh")
    steps = []
    for step in protocol.steps_for(view):
        name = step.name_zh if zh else step.name_en
        count = len(step.landmarks)
        landmarks = [
            {"name": landmark, "label": _click_label(name, landmark, index, count)}
            for index, landmark in enumerate(step.landmarks, start=1)
        ]
        steps.append({"code": step.code, "name": name, "landmarks": landmarks})
    return steps


def _viewer_text() -> dict:
    return {
        "saving": _("Saving…"),
        "saved": _("Saved to the visit."),
        "needs_calibration": _("needs calibration"),
        "all_placed": _("All landmarks placed (or skipped)."),
        "outside": _("That click is outside the film."),
        "review": _("Check the clicks: PI differs from PT + SS by more than 1°, or an endplate is vertical."),
        "flags": {key: str(value) for key, value in display.FLAG_TEXT.items()},
    }


@require_GET
def film_viewer(request, public_id):
    """Show the film in the measuring viewer with the guided click protocol of its view."""
    film = get_film_for(request.user, public_id)
    mine = film.measurements.filter(reader=request.user).first()
    config = {
        "image": reverse("imaging:film_image", args=[film.public_id]),
        "compute": reverse("imaging:film_compute", args=[film.public_id]),
        "save": reverse("imaging:film_measure", args=[film.public_id]),
        "columns": film.columns,
        "rows": film.rows,
        "scale": film.display_scale,
        "steps": _steps(film.view),
        "values": display.value_labels(film.view),
        "calibrations": {key: str(label) for key, label in display.CALIBRATION_LABELS.items()},
        "convex": {key: str(label) for key, label in display.CONVEX.items()},
        "translation": {key: str(label) for key, label in display.TRANSLATION.items()},
        "landmarks": mine.landmarks if mine else {},
        "tk_upper_level": mine.tk_upper_level if mine else "T4",
        "inverted": mine.inverted if mine else False,
        "calibration_mm": (mine.calibration or {}).get("marker_mm") if mine else None,
        "header_direction": services.header_direction(film),
        "column_direction": (mine.calibration or {}).get("column_direction") if mine else None,
        "can_measure": can(request.user, "imaging.measure"),
        "text": _viewer_text(),
    }
    others = film.measurements.exclude(reader=request.user).select_related("reader")
    context = {"film": film, "patient": film.patient, "config": config, "mine": mine, "others": others}
    return render(request, "imaging/film_viewer.html", context)


@require_GET
def film_image(request, public_id):
    """Send the film's display PNG (downsampled; the viewer scales clicks back to the original)."""
    film = get_film_for(request.user, public_id)
    path = services.display_path(film)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _payload(request) -> dict:
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"landmarks": _("The request body is not JSON.")}) from None
    if not isinstance(payload, dict):
        raise ValidationError({"landmarks": _("The request body must be a JSON object.")})
    return payload


def _errors(error: ValidationError) -> JsonResponse:
    return JsonResponse({"errors": error.message_dict}, status=400)


def _options(payload: dict) -> dict:
    return {
        "tk_upper_level": payload.get("tk_upper_level", "T4"),
        "calibration_mm": payload.get("calibration_mm"),
        "column_direction": payload.get("column_direction"),
    }


@require_POST
def film_compute(request, public_id):
    """Answer the values of the landmarks sent (nothing is saved)."""
    film = get_film_for(request.user, public_id, action="measure")
    try:
        payload = _payload(request)
        return JsonResponse(services.compute_values(film, payload.get("landmarks", {}), **_options(payload)))
    except ValidationError as error:
        return _errors(error)


@require_POST
def film_measure(request, public_id):
    """Save the reader's landmarks on the film and answer the stored values."""
    film = get_film_for(request.user, public_id, action="measure")
    try:
        payload = _payload(request)
        record = services.save_measurement(
            film,
            payload.get("landmarks", {}),
            actor=request.user,
            inverted=bool(payload.get("inverted")),
            **_options(payload),
        )
    except ValidationError as error:
        return _errors(error)
    return JsonResponse(
        {
            "public_id": str(record.public_id),
            "reader_role": record.reader_role,
            "values": record.values,
            "flags": record.flags,
            "calibration": record.calibration,
        }
    )


@require_GET
def agreement_page(request):
    """Show inter-reader agreement on the department's films measured by two readers (imaging.md §1.3)."""
    check_capability(request.user, "imaging.measure", target="imaging.agreement")
    return render(request, "imaging/agreement.html", {"report": agreement.report_for(request.user)})


@require_POST
def film_burned_in(request, public_id):
    """Record the reader's look for burned-in identifiers on the film, then go back to it."""
    film = get_film_for(request.user, public_id, action="measure")
    choice = {"yes": True, "no": False}.get(request.POST.get("has_text", ""))
    try:
        services.record_burned_in_check(film, has_text=choice, actor=request.user)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    messages.success(request, _("Burned-in text check recorded."))
    return redirect("imaging:film_viewer", public_id=film.public_id)


@require_http_methods(["GET", "POST"])
def pacs_search(request, public_id):
    """List the patient's radiographs in the PACS (by MRN) and fetch one as a film."""
    check_capability(request.user, "imaging.film.add", target=str(public_id))
    patient = get_patient_for(request.user, public_id, action="edit")
    client = pacs.configured_client()
    if request.method == "POST":
        return _pacs_fetch(request, patient, client)
    record_opened(request.user, patient)  # the page names the patient (T-35)
    rows = pacs.search(client, patient.mrn) if client else []
    context = {"patient": patient, "rows": rows, "configured": client is not None, "views": FilmView.choices}
    return render(request, "imaging/pacs_search.html", context)


def _pacs_fetch(request, patient, client):
    uids = [request.POST.get(key, "") for key in ("study_uid", "series_uid", "sop_uid")]
    taken_on = parse_date(request.POST.get("taken_on", "") or "") or timezone.localdate()
    if client is None or not all(uids):
        return HttpResponseBadRequest(_("Choose an image of the PACS list to fetch."))
    try:
        data = pacs.retrieve_bytes(client, *uids)
        film = services.add_film(
            patient, data, view=request.POST.get("view", ""), taken_on=taken_on, actor=request.user
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    except DomainError as error:
        return HttpResponseBadRequest(str(error))
    messages.success(request, _("Film fetched from the PACS."))
    return redirect("imaging:film_viewer", public_id=film.public_id)
