"""The home page, the health check and the error pages."""

from django.contrib.auth.decorators import login_not_required
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
