"""The base of every API input schema, and the one error body every refusal uses.

Input schemas inherit :class:`InputSchema`; it refuses what no service should ever see, with a 422
naming the field instead of a 500 from deep inside a service or the database driver:

* unknown keys (no mass assignment of ``status``, ``version`` or signature fields);
* text with a lone surrogate (JSON allows ``"\\ud800"``, but it cannot be encoded as UTF-8) or a NUL
  character (PostgreSQL text cannot hold one), anywhere in the body, including free-form dicts;
* a bare date or a number where a moment is needed (:data:`DateTime`).

PATCH fields that may be left out but never cleared are declared ``name: str = omittable()``:
leaving them out keeps the stored value, an explicit ``null`` is a 422. Fields the record may lack
(``deceased_on``, ``blood_loss_ml``...) keep ``X | None = None``, where ``null`` clears the value.
"""

from datetime import datetime
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator


def _problem(text: str) -> str:
    if "\x00" in text:
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return ""


def _message(problem: str, path: str) -> str:
    if problem == "nul":
        if path:
            return _("The text at %(path)s contains a NUL character.") % {"path": path}
        return _("The text contains a NUL character.")
    if path:
        return _("The text at %(path)s contains a lone surrogate (not valid Unicode).") % {"path": path}
    return _("The text contains a lone surrogate (not valid Unicode).")


def check_text(value: Any, path: str = "") -> Any:
    """Return ``value`` if no string in it (keys included, at any depth) has a NUL or lone surrogate."""
    if isinstance(value, str):
        problem = _problem(value)
        if problem:
            raise ValueError(_message(problem, path))
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _problem(str(key))
            if problem:  # named by where it sits, not echoed back
                raise ValueError(_message(problem, path))
            check_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_text(item, f"{path}.{index}" if path else str(index))
    return value


# A query or path parameter that is free text (schemas check their fields themselves).
Text = Annotated[str, AfterValidator(check_text)]


def _moment_given(value: Any) -> Any:
    # Pydantic would read "2026-01-05" as midnight and 1767571200 as seconds since 1970: neither is
    # what a clinician means by the start of an operation.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not any(sep in value.strip() for sep in ("T", "t", " ")):
        raise ValueError(_("Give a date and a time of day, e.g. 2026-01-05T08:30:00+08:00."))
    return value


def _in_local_time(value: datetime) -> datetime:
    # A time without an offset is a wall-clock time on the ward: the hospital's time zone.
    return value if timezone.is_aware(value) else timezone.make_aware(value)


# A moment: ISO 8601 date and time; without an offset it is the hospital's local time.
DateTime = Annotated[datetime, BeforeValidator(_moment_given), AfterValidator(_in_local_time)]


def _no_default_in_schema(schema: dict) -> None:
    schema.pop("default", None)


def omittable(**kwargs) -> Any:
    """Declare a PATCH field that may be left out (the value stays) but never sent as ``null``."""
    return Field(None, json_schema_extra=_no_default_in_schema, **kwargs)


class InputSchema(Schema):
    """Base of every API request body: unknown keys and unstorable text are a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any, info: ValidationInfo) -> Any:
        return check_text(value) if isinstance(value, (str, dict, list, tuple)) else value


class FieldError(Schema):
    """One invalid input: the field (dotted path, or null for the whole request) and why."""

    field: str | None
    message: str


class ErrorOut(Schema):
    """A refusal: ``detail`` is a message, or a list of field errors for invalid input.

    ``current_version`` comes with a 409 (the record changed since it was read).
    """

    detail: str | list[FieldError]
    current_version: int | None = None
