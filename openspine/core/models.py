"""Abstract building blocks shared by the clinical models, and the API's idempotency keys."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core.fields import EncryptedTextField


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


class IdempotencyKey(models.Model):
    """The first answer to an API create sent with an ``Idempotency-Key`` header, kept to replay it.

    A client that did not hear back (a dropped connection, a timeout) sends the same request with
    the same key again and gets the stored answer instead of a second record. The row is written in
    the transaction of the create, so there is never a record without its key or a key without its
    record. The body is encrypted like an identifier (it may hold a name); rows expire after
    ``OPENSPINE_IDEMPOTENCY_HOURS`` and ``run_periodic`` deletes them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=255, help_text=_("The client's Idempotency-Key header."))
    endpoint = models.CharField(
        _("endpoint"), max_length=300, help_text=_("Method and path of the first request.")
    )
    fingerprint = models.CharField(
        _("request fingerprint"), max_length=64, help_text=_("Keyed hash of the first request body.")
    )
    status = models.PositiveSmallIntegerField(
        _("response status"), default=0, help_text=_("0 while the first request is still running.")
    )
    response = EncryptedTextField(_("response body"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotencykey_once_per_user"),
        ]

    def __str__(self):
        return self.endpoint
