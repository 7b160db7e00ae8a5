"""The append-only audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing a person (or the system) did: who, in which role, when, to what, and what changed.

    Rows are only ever inserted. Events form independent chains (``stream``, numbered by ``seq`` from
    1); each row's ``hash`` is an HMAC-SHA-256, under the audit key named by ``key_id``, of the
    previous row's ``hash`` and its own canonical content (see ``openspine.audit.chain``). Without the
    key nobody can recompute it, so ``verify_audit`` names the first row that was altered, and the
    anchored chain heads outside the database reveal deleted newest rows and truncation.
    Identifier fields are masked in ``before``/``after``; the trail never holds a full ID number.
    """

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the system itself (scheduled jobs) and for patients."),
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=20, blank=True)
    action = models.CharField(
        _("action"), max_length=80, db_index=True, help_text=_("e.g. surgery.operation.signed")
    )
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    patient_id = models.CharField(
        _("patient public id"),
        max_length=36,
        blank=True,
        db_index=True,
        help_text=_("Patient the event concerns."),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    stream = models.PositiveSmallIntegerField(
        _("stream"), default=0, help_text=_("Which of the independent audit chains the event belongs to.")
    )
    seq = models.PositiveBigIntegerField(
        _("sequence"), help_text=_("Position of the event in its stream, from 1.")
    )
    key_id = models.CharField(_("key id"), max_length=32, help_text=_("Which audit key sealed the event."))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(
        _("hash"),
        max_length=64,
        unique=True,
        help_text=_("HMAC-SHA-256 of the previous hash and this event."),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            # Two writers can never append the same position of a stream: no forks, even without locks.
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_event_stream_seq_unique")
        ]

    def __str__(self):
        return f"{self.action} {self.object_type} {self.object_id}"


class RowChange(models.Model):
    """One row written to a clinical table, captured by a PostgreSQL trigger whatever the write path.

    Services record meaningful audit events; this table is the safety net underneath them that
    ``QuerySet.update()``, bulk writes and raw SQL cannot skip (T-34). Identifier columns are masked
    by the trigger. Only filled on PostgreSQL; append-only like the events.
    """

    table_name = models.CharField(_("table"), max_length=63, db_index=True)
    row_pk = models.CharField(_("row key"), max_length=64, db_index=True)
    op = models.CharField(_("operation"), max_length=8)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    txid = models.BigIntegerField(_("transaction id"))
    at = models.DateTimeField(_("at"))
    actor = models.CharField(
        _("application user"), max_length=80, blank=True, help_text=_("user id and role set per request")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("row change")
        verbose_name_plural = _("row changes")

    def __str__(self):
        return f"{self.op} {self.table_name} {self.row_pk}"
