"""Model fields for identifiers at rest: an encrypted text field and the columns derived from it (T-55).

``EncryptedTextField`` stores the envelope of :mod:`openspine.core.crypto` and gives back plaintext
on read. The ciphertext is randomised, so the database cannot compare or search it: every lookup
except ``isnull`` raises, and exact search goes through a ``BlindIndexField`` computed from the
plaintext. ``LastDigitsField`` keeps a short plain suffix for the searches that need one.
"""

from collections.abc import Callable

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models

from openspine.core import crypto


class EncryptedTextField(models.TextField):
    """A text column encrypted per value with the primary field key; plaintext in Python only.

    The empty string is stored as the empty string, so "not given" stays visible to the database
    (required for ``blank=True`` fields and harmless: it reveals nothing about a person).
    """

    description = "Encrypted text"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value, expression, connection):
        if crypto.is_envelope(value):
            return crypto.keyring().decrypt(value)
        return value  # legacy plaintext, until the data migration or rotate_field_keys rewrites it

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or crypto.is_envelope(value):
            return value
        return crypto.keyring().encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted and cannot be searched with '{lookup_name}'; "
                "search its blind index instead."
            )
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        # A one-line input with the length limit, not the textarea TextField would give.
        defaults = {"form_class": forms.CharField, "max_length": self.max_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class DerivedField(models.CharField):
    """A column computed from another field of the same row each time the row is saved or cleaned."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def compute(self, value: str) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexField(DerivedField):
    """A keyed hash (HMAC) of ``source`` for exact search; ``normalise`` runs before hashing."""

    def __init__(self, *args, normalise: Callable[[str], str] | None = None, **kwargs):
        self.normalise = normalise
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.normalise is not None:
            kwargs["normalise"] = self.normalise
        return name, path, args, kwargs

    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.source}"

    def compute(self, value: str) -> str:
        return index_value(value, purpose=self.purpose(), normalise=self.normalise)


def index_value(value: str, *, purpose: str, normalise: Callable[[str], str] | None = None) -> str:
    """Return the blind index of ``value`` for ``purpose`` (what a search compares against)."""
    value = normalise(value) if normalise else value
    return crypto.keyring().blind_index(value, purpose=purpose)


class NormalisedField(DerivedField):
    """``normalise(source)`` in clear, for exact and prefix search of a value that is not secret.

    For identifiers already stored in clear (the hospital number): the copy adds no exposure and
    lets the database compare an indexed column instead of ``UPPER(source)`` on every row.
    """

    def __init__(self, *args, normalise: Callable[[str], str] | None = None, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.normalise is not None:
            kwargs["normalise"] = self.normalise
        return name, path, args, kwargs

    def compute(self, value: str) -> str:
        return self.normalise(value) if self.normalise else value


class LastDigitsField(DerivedField):
    """The last ``digits`` characters of ``source``, in clear (a deliberate, documented trade-off)."""

    def __init__(self, *args, digits: int = 4, **kwargs):
        self.digits = digits
        kwargs.setdefault("max_length", digits)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["digits"] = self.digits
        return name, path, args, kwargs

    def compute(self, value: str) -> str:
        return value[-self.digits :] if value else ""


def sync_derived_fields(instance) -> None:
    """Recompute every derived column of ``instance`` (before ``full_clean`` checks uniqueness)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, DerivedField):
            field.pre_save(instance, add=instance._state.adding)


def rotate_model(model) -> int:
    """Re-encrypt every encrypted value of ``model`` under the primary key and recompute its indexes.

    Returns the number of rows rewritten. Reading decrypts with whichever key of the keyring the row
    was written with; saving encrypts with the primary key. A model with keyed search data outside
    its own row (the patients' name tokens) rebuilds it in ``after_field_key_rotation(queryset)``.
    """
    columns = [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (EncryptedTextField, DerivedField))
    ]
    if not columns:
        return 0
    count = 0
    for obj in model._base_manager.all().iterator():
        obj.save(update_fields=columns)
        count += 1
    rebuild = getattr(model, "after_field_key_rotation", None)
    if rebuild is not None:
        rebuild(model._base_manager.all())
    return count


def encrypted_models():
    """Return every installed model with at least one encrypted field."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if any(isinstance(field, EncryptedTextField) for field in model._meta.concrete_fields)
    ]
