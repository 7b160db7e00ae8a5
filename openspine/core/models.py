"""Abstract building blocks shared by the clinical models."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """A model whose only identifier in URLs and the API is a random UUID, never the row id."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    """A model that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A model saved with optimistic locking: each save raises ``version`` by one (T-41)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class ClinicalRecord(PublicIdModel, TimestampedModel, VersionedModel):
    """Base of every patient-bearing record: public id, timestamps and a version for locking."""

    class Meta:
        abstract = True
