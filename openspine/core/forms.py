"""Glue between forms and services: put a service's refusal on the form, field by field."""

from django.core.exceptions import ValidationError

from openspine.core.errors import ConflictError, DomainError


def run_service(form, call):
    """Return ``call()``; on a validation, domain or conflict error put it on ``form`` and return None."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except ConflictError as error:
        form.add_error(None, str(error))
        form.conflict = error.current
    except DomainError as error:
        form.add_error(None, str(error))
    return None
