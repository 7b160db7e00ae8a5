"""Staff accounts, departments and API tokens."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openspine.accounts.choices import Role


class Department(models.Model):
    """A hospital department; staff see the patients of their own department only."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff with exactly one role and one department; patients are never users."""

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, help_text=_("What this person may do.")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Patients of this department are visible to clinical roles."),
    )
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, help_text=_("Name shown on records and signatures.")
    )
    expires_at = models.DateTimeField(
        _("account expires at"),
        null=True,
        blank=True,
        help_text=_("After this moment the account cannot log in."),
    )
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True, help_text=_("Drives password expiry.")
    )
    reactivated_at = models.DateTimeField(
        _("re-enabled at"),
        null=True,
        blank=True,
        help_text=_("When the security administrator last enabled the account; restarts the dormancy clock."),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.display_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_dormant(self) -> bool:
        """True when the account has not been used for OPENSPINE_DORMANT_DAYS (MLPS 8.1.4.2c)."""
        days = getattr(settings, "OPENSPINE_DORMANT_DAYS", 0)
        if not days:
            return False
        last_use = max(t for t in (self.last_login, self.date_joined, self.reactivated_at) if t is not None)
        return timezone.now() - last_use > timedelta(days=days)


def hash_token(raw: str) -> str:
    """Return the stored form of an API token: its SHA-256, so a database leak reveals no token."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored and it can be revoked.

    Issue tokens with :func:`openspine.accounts.services.issue_api_token`, which applies the second
    factor; :meth:`issue` only creates the row.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is used for."))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token for ``user`` and return it with the raw value, shown once and never stored."""
        raw = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_hash=hash_token(raw)), raw


class AccountLock(models.Model):
    """The failed-authentication counter of an account as seen from one client address.

    One counter is shared by every login path (security.md decision 1), kept per (account, client
    address): five failures lock the account from that address only, so a stranger cannot lock a
    colleague out from afar. ``key`` is ``user:<pk>`` for staff, or another stable key (e.g. the
    patient behind a questionnaire link) that has no staff account; ``address`` is empty when the
    failure happened outside a request. See :mod:`openspine.accounts.lockout`.
    """

    key = models.CharField(_("key"), max_length=80)
    address = models.CharField(
        _("client address"),
        max_length=45,
        blank=True,
        help_text=_("The client's IP address (behind a trusted proxy, the real client's)."),
    )
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure at"), null=True, blank=True)
    last_path = models.CharField(_("last path"), max_length=20, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        ordering = ["key", "address"]
        constraints = [
            models.UniqueConstraint(fields=["key", "address"], name="accounts_accountlock_key_address_unique")
        ]
        verbose_name = _("account lock")
        verbose_name_plural = _("account locks")

    def __str__(self):
        return self.key


class AccountWideLock(models.Model):
    """The failed-authentication count of an account from every address together, in one window.

    Far above the per-address limit: reaching it means the account is attacked from many places, so
    it is locked everywhere for the cool-off and reported to the security administrator.
    """

    key = models.CharField(_("key"), max_length=80, unique=True)
    failures = models.PositiveIntegerField(_("failures in the window"), default=0)
    window_started_at = models.DateTimeField(_("window started at"), default=timezone.now)
    last_failure_at = models.DateTimeField(_("last failure at"), null=True, blank=True)
    last_path = models.CharField(_("last path"), max_length=20, blank=True)
    locked_until = models.DateTimeField(_("locked everywhere until"), null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("account-wide lock")
        verbose_name_plural = _("account-wide locks")

    def __str__(self):
        return self.key


class UserSession(models.Model):
    """A signed-in browser session of a staff member, listed on "my sessions" so it can be ended."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("device"), max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """A confirmed authenticator app (TOTP, RFC 6238) of a staff member: the second factor."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"))
    last_used_step = models.BigIntegerField(
        _("last used time step"), default=0, help_text=_("A code is accepted once: only later steps count.")
    )

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self):
        return str(self.user)


class BackupCode(models.Model):
    """A single-use recovery code for when the authenticator is lost; only a keyed hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="backup_codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self):
        return f"{self.user} #{self.pk}"
