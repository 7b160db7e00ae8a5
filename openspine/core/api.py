"""Shared API plumbing: error mapping, so every endpoint answers refusals the same way."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from openspine.core.errors import ConflictError, DomainError


def validation_details(error: ValidationError) -> list[dict]:
    """Return ``[{"field": ..., "message": ...}]`` for a Django ValidationError."""
    if hasattr(error, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errors in error.message_dict.items()
            for message in errors
        ]
    return [{"field": None, "message": message} for message in error.messages]


def install_error_handlers(api) -> None:
    """Map domain and Django errors to 403, 404, 409 and 422 JSON answers."""

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        return api.create_response(request, {"detail": validation_details(exc)}, status=422)

    @api.exception_handler(ConflictError)
    def on_conflict(request, exc):
        current = getattr(exc.current, "version", None)
        return api.create_response(request, {"detail": str(exc), "current_version": current}, status=409)

    @api.exception_handler(DomainError)
    def on_domain(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=422)

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc):
        return api.create_response(request, {"detail": _("Not allowed for your role.")}, status=403)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)
