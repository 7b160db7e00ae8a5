"""Shared API plumbing: one error body for every refusal, documented once, and idempotent creates.

:class:`OpenSpineAPI` is the project's NinjaAPI. It maps domain and Django errors to JSON answers,
declares those answers (with the shared :class:`~openspine.core.schemas.ErrorOut` body) on every
operation of the served OpenAPI schema, and installs :mod:`openspine.core.idempotency` on every
create, so routers declare only their successful answers.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as InputError

from openspine.core import idempotency
from openspine.core.errors import ConflictError, DomainError, Throttled
from openspine.core.schemas import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
# (status, description, which operations may answer it)
SHARED_ERRORS = [
    (400, "The body is not valid JSON.", "body"),
    (401, "Missing, unknown, revoked or expired token.", "all"),
    (403, "Not allowed for your role.", "all"),
    (404, "Not found, or not in your department.", "all"),
    (409, "The record changed since you read it (current_version tells the new version).", "write"),
    (413, "The body is larger than the upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE).", "body"),
    (422, "Invalid input: detail lists each field and why.", "all"),
    (429, "Too many failed attempts from this address or with this token; wait Retry-After seconds.", "all"),
]
IDEMPOTENCY_PARAMETER = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Send the same key again with the same body to get the first answer back instead of a second "
        "record (for retries after a lost connection). Keys are per user and last "
        f"{settings.OPENSPINE_IDEMPOTENCY_HOURS} hours; another body with a used key is a 422."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": idempotency.KEY_PATTERN},
}


def validation_details(error: ValidationError) -> list[dict]:
    """Return ``[{"field": ..., "message": ...}]`` for a Django ValidationError."""
    if hasattr(error, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errors in error.message_dict.items()
            for message in errors
        ]
    return [{"field": None, "message": message} for message in error.messages]


def input_details(error: InputError) -> list[dict]:
    """Return ninja's request validation errors as ``[{"field": "team.0.username", "message": ...}]``."""
    details = []
    for item in error.errors:
        loc = [str(part) for part in item.get("loc", ())]
        # ("body", "payload", "team", 0, "username"), ("query", "q"), ("path", "public_id")
        parts = loc[2:] if loc[:1] == ["body"] else loc[1:]
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        details.append({"field": ".".join(parts) or None, "message": message})
    return details


def install_error_handlers(api) -> None:
    """Map domain, input and Django errors to 403, 404, 409, 413, 422 and 429 JSON answers."""

    @api.exception_handler(Throttled)
    def on_throttled(request, exc):
        response = api.create_response(request, {"detail": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(InputError)
    def on_invalid_input(request, exc):
        return api.create_response(request, {"detail": input_details(exc)}, status=422)

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

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request body is larger than the %(limit)s bytes allowed.") % {"limit": limit}
        return api.create_response(request, {"detail": message}, status=413)


def declare_shared_errors(document: dict) -> dict:
    """Add the shared error answers and the Idempotency-Key header to every operation of ``document``."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorOut"] = error_schema
    for operations in document["paths"].values():
        for method, operation in operations.items():
            kinds = {"all"}
            if "requestBody" in operation:
                kinds.add("body")
            if method in ("post", "patch", "put"):
                kinds.add("write")
            responses = operation["responses"]  # keyed by int, as ninja writes them
            for status, description, applies in SHARED_ERRORS:
                if applies in kinds:
                    responses.setdefault(
                        status,
                        {"description": description, "content": {"application/json": {"schema": ERROR_REF}}},
                    )
            if method == "post" and 201 in responses and operation.get("security"):
                # the same rule as idempotency.applies_to: authenticated creates only
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_PARAMETER))
    return document


class OpenSpineAPI(NinjaAPI):
    """The project's NinjaAPI: shared error answers (handled and documented) and idempotent creates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_decorator(idempotency.hold_transaction, mode="view")
        self.add_decorator(idempotency.claim_key, mode="operation")

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        install_error_handlers(self)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_shared_errors(document)
