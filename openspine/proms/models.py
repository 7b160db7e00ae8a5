"""Follow-up protocols, the follow-ups they schedule, the answers, and the messages that chase them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.core.models import ClinicalRecord, PublicIdModel, TimestampedModel
from openspine.patients.choices import DiseaseArea
from openspine.proms.choices import (
    OPEN_STATES,
    CallOutcome,
    CancelReason,
    Channel,
    FollowUpState,
    MessageKind,
    MessageStatus,
    PhoneTaskState,
    ResponseMode,
    SeriesCloseReason,
)

# The open states as plain strings, in the order queries list them (the partial indexes match it).
OPEN_STATE_VALUES = [str(state.value) for state in OPEN_STATES]


class Protocol(PublicIdModel, TimestampedModel):
    """Which questionnaires a patient answers and when, for one disease area (and procedure group).

    The content lives in :class:`ProtocolVersion`; an edit adds a version, so a follow-up keeps the
    rules it was scheduled under.
    """

    disease_area = models.CharField(_("disease area"), max_length=30, choices=DiseaseArea.choices)
    procedure_group = models.CharField(
        _("procedure group"),
        max_length=30,
        blank=True,
        help_text=_("Leave empty for the whole disease area; a group-specific protocol wins when it exists."),
    )
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["disease_area", "procedure_group"]
        verbose_name = _("follow-up protocol")
        verbose_name_plural = _("follow-up protocols")
        constraints = [
            models.UniqueConstraint(fields=["disease_area", "procedure_group"], name="protocol_unique_scope"),
        ]

    def __str__(self):
        return self.name

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class ProtocolVersion(TimestampedModel):
    """One immutable revision of a protocol: its timepoints and instruments."""

    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    note = models.TextField(_("change note"), blank=True, help_text=_("What changed and why."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["protocol", "-number"]
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        constraints = [
            models.UniqueConstraint(fields=["protocol", "number"], name="protocol_version_unique"),
        ]

    def __str__(self):
        return f"{self.protocol} v{self.number}"


class Timepoint(models.Model):
    """One questionnaire moment of a protocol version, with its window around the operation date.

    The baseline is anchored differently: its window runs from admission to the operation day.
    Instrument codes are spinescores codes; ``odi|ndi`` means "ODI or NDI by the operated region".
    """

    version = models.ForeignKey(
        ProtocolVersion,
        verbose_name=_("protocol version"),
        on_delete=models.CASCADE,
        related_name="timepoints",
    )
    label = models.CharField(_("label"), max_length=20, help_text=_("e.g. baseline, 3m, 12m, 24m."))
    is_baseline = models.BooleanField(
        _("baseline"), default=False, help_text=_("Due from admission until the operation.")
    )
    offset_days = models.IntegerField(_("due (days after surgery)"), default=0)
    window_start_days = models.IntegerField(_("window opens (days after surgery)"), default=0)
    window_end_days = models.IntegerField(_("window closes (days after surgery)"), default=0)
    instruments = models.JSONField(
        _("patient questionnaires"), default=list, help_text=_("spinescores codes answered by the patient.")
    )
    clinician_tasks = models.JSONField(
        _("clinician-rated scores"),
        default=list,
        blank=True,
        help_text=_("spinescores codes rated by a clinician or coordinator (e.g. mJOA, Nurick)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("timepoint")
        verbose_name_plural = _("timepoints")
        constraints = [
            models.UniqueConstraint(fields=["version", "label"], name="timepoint_label_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def display_label(self) -> str:
        from openspine.proms.choices import timepoint_label

        return timepoint_label(self.label)

    def clean(self):
        if not self.is_baseline and not (self.window_start_days <= self.offset_days <= self.window_end_days):
            raise ValidationError(
                {"offset_days": _("The due day must lie inside the window (window opens <= due <= closes).")}
            )


class FollowUpSeries(PublicIdModel, TimestampedModel):
    """All follow-ups after one operation; a reoperation closes it and starts a new one."""

    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        related_name="follow_up_series",
    )
    operation = models.OneToOneField(
        "surgery.Operation",
        verbose_name=_("operation"),
        on_delete=models.PROTECT,
        related_name="follow_up_series",
    )
    protocol_version = models.ForeignKey(
        ProtocolVersion, verbose_name=_("protocol version"), on_delete=models.PROTECT, related_name="series"
    )
    contact_consent_at_start = models.BooleanField(
        _("contact consent when scheduled"),
        default=False,
        help_text=_("Lets the system tell a later withdrawal of consent from consent never given."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=SeriesCloseReason.choices, blank=True
    )
    closed_by_operation = models.ForeignKey(
        "surgery.Operation",
        verbose_name=_("closed by operation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow-up series")
        verbose_name_plural = _("follow-up series")

    def __str__(self):
        return f"{self.operation}"


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Follow-ups of the user's department; callers check the capability first."""
        if not getattr(user, "department_id", None):
            return self.none()
        return self.filter(department_id=user.department_id)

    def pending(self):
        from openspine.proms.choices import PENDING_STATES

        return self.filter(state__in=PENDING_STATES)

    def open(self):
        from openspine.proms.choices import OPEN_STATES

        return self.filter(state__in=OPEN_STATES)


class FollowUp(ClinicalRecord):
    """One questionnaire episode of a patient at one timepoint after an operation.

    The pre-operative baseline exists before its operation: it is opened at admission (``admission``
    and ``diagnosis`` set, no operation or series yet) and adopted into the operation's series when
    the operation is signed (see :mod:`openspine.proms.baseline`). It moves scheduled → due →
    invited → opened → completed (or missed / cancelled); only
    :func:`openspine.proms.transitions.move` changes ``state``, and it records every move.
    """

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    # The patient's department (a patient's department is set at registration and never edited),
    # copied once when the follow-up is created so the worklist filters on its own rows instead of
    # joining every open follow-up to its patient.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("The department of the patient when the follow-up was scheduled."),
    )
    operation = models.ForeignKey(
        "surgery.Operation",
        verbose_name=_("operation"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
        help_text=_("Empty for a pre-operative baseline until its operation is signed."),
    )
    series = models.ForeignKey(
        FollowUpSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
    )
    admission = models.ForeignKey(
        "patients.Admission",
        verbose_name=_("admission"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
        help_text=_("The stay whose pre-operative baseline this is (baselines opened at admission only)."),
    )
    diagnosis = models.ForeignKey(
        "patients.Diagnosis",
        verbose_name=_("diagnosis"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
        help_text=_("The diagnosis whose protocol opened a pre-operative baseline."),
    )
    protocol_version = models.ForeignKey(
        ProtocolVersion, verbose_name=_("protocol version"), on_delete=models.PROTECT, related_name="+"
    )
    timepoint = models.CharField(_("timepoint"), max_length=20)
    is_baseline = models.BooleanField(_("baseline"), default=False)
    instruments = models.JSONField(
        _("patient questionnaires"), default=list, help_text=_("Resolved spinescores codes to answer.")
    )
    clinician_tasks = models.JSONField(_("clinician-rated scores"), default=list, blank=True)
    due_on = models.DateField(_("due on"), db_index=True)
    window_opens_on = models.DateField(_("window opens on"))
    window_closes_on = models.DateField(_("window closes on"), db_index=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=FollowUpState.choices,
        default=FollowUpState.SCHEDULED,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)
    invited_at = models.DateTimeField(_("first invited at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_mode = models.CharField(
        _("completion mode"), max_length=10, choices=ResponseMode.choices, blank=True
    )
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=20, choices=CancelReason.choices, blank=True
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        # The worklist reads only open follow-ups (a small share of all of them, most are finished):
        # partial indexes in due order serve the default sections (per department), and per
        # operation the surgeon-filtered ones (surgeon -> operations -> their open follow-ups).
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(state__in=OPEN_STATE_VALUES), name="follow_up_open_due"
            ),
            # The worklist: one department's open follow-ups, counted per section and listed by due day.
            models.Index(
                fields=["department", "due_on"],
                condition=Q(state__in=OPEN_STATE_VALUES),
                name="follow_up_open_by_department",
            ),
            models.Index(
                fields=["operation", "due_on"],
                condition=Q(state__in=OPEN_STATE_VALUES),
                name="follow_up_open_by_operation",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "timepoint"], name="follow_up_unique_timepoint"),
            models.UniqueConstraint(
                fields=["admission"],
                condition=Q(is_baseline=True),
                name="follow_up_one_baseline_per_admission",
            ),
            models.CheckConstraint(
                condition=Q(operation__isnull=False, series__isnull=False)
                | Q(operation__isnull=True, series__isnull=True, admission__isnull=False, is_baseline=True),
                name="follow_up_anchored",
            ),
            models.CheckConstraint(
                condition=Q(window_closes_on__gte=models.F("window_opens_on")),
                name="follow_up_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(state="cancelled") | Q(cancel_reason=""),
                name="follow_up_cancel_reason_only_if_cancelled",
            ),
        ]

    def __str__(self):
        return f"{self.timepoint} {self.due_on}"

    @property
    def timepoint_label(self) -> str:
        from openspine.proms.choices import timepoint_label

        return timepoint_label(self.timepoint)

    @property
    def disease_area_display(self) -> str:
        """The disease area of the operation, or of the diagnosis before the operation."""
        source = self.operation.diagnosis if self.operation_id else self.diagnosis
        return source.get_disease_area_display() if source else ""

    @property
    def all_codes(self) -> list[str]:
        return list(self.instruments) + list(self.clinician_tasks)


class FollowUpTransition(models.Model):
    """A recorded state change of a follow-up: from, to, when, who (empty for the system) and why."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=12, choices=FollowUpState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=FollowUpState.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system made the change."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up transition")
        verbose_name_plural = _("follow-up transitions")

    def __str__(self):
        return f"{self.from_state or '-'} → {self.to_state}"


class QuestionnaireResponse(PublicIdModel, TimestampedModel):
    """One completed instrument of a follow-up: raw answers kept, so every score can be recomputed."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.PROTECT, related_name="responses"
    )
    instrument = models.CharField(_("instrument"), max_length=40)
    instrument_version = models.CharField(_("instrument version"), max_length=60)
    value_set = models.CharField(
        _("value set"), max_length=20, blank=True, help_text=_("EQ-5D value set, e.g. cn.")
    )
    language = models.CharField(_("language"), max_length=8)
    answers = models.JSONField(_("raw answers"))
    value = models.FloatField(_("score"), null=True, blank=True)
    result = models.JSONField(
        _("scoring result"), default=dict, help_text=_("spinescores result, incl. subscores.")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=ResponseMode.choices)
    completed_at = models.DateTimeField(_("completed at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Staff member who entered it on the patient's behalf; empty when self-completed."),
    )

    class Meta:
        ordering = ["completed_at"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "instrument"], name="response_unique_per_instrument"
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.value}"


class QuestionnaireLink(TimestampedModel):
    """A patient's access link to a follow-up; only a keyed hash of the token is stored.

    It expires at the window's end, is revoked when the follow-up is cancelled or completed, and is
    locked for a while after repeated failed identity checks.
    """

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="links"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_checks = models.PositiveSmallIntegerField(_("failed identity checks"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("questionnaire link")
        verbose_name_plural = _("questionnaire links")

    def __str__(self):
        return f"{self.follow_up} link"

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class Message(TimestampedModel):
    """An invitation or reminder in the outbox; (follow-up, kind, step) is unique, so it goes out once."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.PROTECT, related_name="messages"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    step = models.PositiveSmallIntegerField(_("ladder step"), help_text=_("0 = invitation, 1.. = reminders."))
    resend = models.PositiveSmallIntegerField(
        _("manual resend number"),
        default=0,
        help_text=_("0 for the ladder; 1.. for resends by a coordinator."),
    )
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "kind", "step", "resend"], name="message_dedupe_key"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.step}"

    @property
    def dedupe_key(self) -> str:
        return f"{self.follow_up_id}:{self.kind}:{self.step}:{self.resend}"


class DeliveryLog(models.Model):
    """One attempt to hand a message to a backend, and what came of it (no message text: it has a token)."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="deliveries"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    backend = models.CharField(_("backend"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.status}"


class PhoneTask(PublicIdModel, TimestampedModel):
    """A call a coordinator should make because the reminders went unanswered."""

    follow_up = models.OneToOneField(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.PROTECT, related_name="phone_task"
    )
    due_on = models.DateField(_("call on"))
    state = models.CharField(
        _("state"), max_length=10, choices=PhoneTaskState.choices, default=PhoneTaskState.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("phone task")
        verbose_name_plural = _("phone tasks")

    def __str__(self):
        return f"{self.follow_up} call"


class PhoneCallLog(models.Model):
    """One call attempt and its outcome."""

    task = models.ForeignKey(
        PhoneTask, verbose_name=_("phone task"), on_delete=models.CASCADE, related_name="calls"
    )
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caller"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["called_at", "id"]
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")

    def __str__(self):
        return f"{self.called_at:%Y-%m-%d} {self.outcome}"
