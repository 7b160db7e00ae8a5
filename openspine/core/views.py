"""The home page, the health check and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """Show each role where its day starts (tiles follow the role's capabilities)."""
    return render(request, "core/home.html")


@login_not_required
@require_GET
def health(request):
    """Answer 200 when the database answers; reveals nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request):
    """A generic 500 page that shows only the request id (T-62)."""
    return render(request, "500.html", {"request_id": getattr(request, "request_id", "")}, status=500)


def bad_request(request, exception=None):
    """A plain 400 page; a body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 instead (T-62).

    Django refuses such a body while reading it (often in the CSRF check, before any view runs)
    and routes the refusal here as a bad request; the client should rather learn it was too large.
    """
    if isinstance(exception, RequestDataTooBig):
        return render(request, "413.html", status=413)
    return render(request, "400.html", status=400)
