"""Sign-in related pages: password change and reset, the second factor, and "my sessions"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openspine import audit
from openspine.accounts import lockout, mfa, services
from openspine.accounts.forms import ApiTokenForm, MfaEnrolForm, MfaVerifyForm
from openspine.accounts.models import ApiToken, UserSession
from openspine.accounts.roles import can
from openspine.accounts.security_log import log_event
from openspine.core import context
from openspine.core.forms import run_service


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password: the current one is required, every other session ends (T-9)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session valid (update_session_auth_hash)
        user = form.user
        services.end_all_sessions(user, actor=user, except_key=self.request.session.session_key)
        audit.record(user, "accounts.password.changed", user)
        log_event("accounts.password.changed", user=user)
        notify_password_changed(user)
        messages.success(self.request, _("Your password was changed; your other sessions have ended."))
        return response


def notify_password_changed(user) -> None:
    """Tell the account owner by e-mail, after commit, that the password changed (T-9)."""
    if not user.email:
        return
    subject = _("Your OpenSpine password was changed")
    body = _(
        "The password of your OpenSpine account was changed. If it was not you, tell the security "
        "administrator at once."
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=True))


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; the answer is the same whether or not the address is known (T-5)."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from a single-use, one-hour link (T-10).

    A locked account's links do not work (T-3). A bad link is not a guess at the account's secret:
    it never counts against the account (anyone could send five and lock it), only against the
    client address, whose links all stop working for a while once it has sent too many.
    """

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        if lockout.reset_link_throttled(context.current().ip):
            return None
        user = super().get_user(uidb64)
        if user is not None and lockout.is_locked(user):
            return None
        return user

    @method_decorator(login_not_required)
    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink:
            lockout.register_reset_link_failure(context.current().ip)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        services.end_all_sessions(user, actor=user)
        audit.record(user, "accounts.password.reset", user)
        log_event("accounts.password.reset", user=user)
        return response


def _safe_next(request) -> str:
    """Return ``?next=`` only if it points back into this site (no open redirect), else the home page."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and allowed else settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """Ask a signed-in staff member for the second factor before anything else (T-6, T-7)."""
    if not hasattr(request.user, "totp"):
        return redirect("accounts:mfa_enrol")
    form = MfaVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        if mfa.verify(user, form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session[mfa.SESSION_VERIFIED] = True
            lockout.reset(user)
            audit.record(user, "accounts.mfa.verified", user)
            return redirect(_safe_next(request))
        if lockout.is_locked(user):
            logout(request)
            return redirect(settings.LOGIN_URL)
        form.add_error("code", _("That code is not valid. Codes can be used only once."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    """Add (or replace) the authenticator app; needs the password again and is audited (T-7)."""
    has_device = hasattr(request.user, "totp")
    if has_device and not mfa.is_verified(request):
        # Replacing the device must not become a way around the second factor.
        return redirect("accounts:mfa_verify")
    secret = request.session.get(mfa.SESSION_PENDING_SECRET) or mfa.new_secret()
    request.session[mfa.SESSION_PENDING_SECRET] = secret
    form = MfaEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _enrol(request, form, secret)
        if codes is not None:
            return render(request, "accounts/mfa_backup_codes.html", {"codes": codes})
    context = {"form": form, "secret": secret, "uri": mfa.provisioning_uri(secret, request.user)}
    return render(request, "accounts/mfa_enrol.html", context)


def _enrol(request, form, secret):
    user = request.user
    if lockout.is_locked(user) or not user.check_password(form.cleaned_data["password"]):
        if not lockout.is_locked(user):
            lockout.register_failure(user, path="mfa")
        form.add_error("password", _("The password is not correct."))
        return None
    codes = mfa.enrol(user, secret, form.cleaned_data["code"])
    if codes is None:
        form.add_error("code", _("That code does not match; check the clock of your phone and try again."))
        return None
    del request.session[mfa.SESSION_PENDING_SECRET]
    request.session.cycle_key()
    request.session[mfa.SESSION_VERIFIED] = True
    lockout.reset(user)
    return codes


@require_http_methods(["GET", "POST"])
def token_list(request):
    """List one's own API tokens and issue one; the raw token is shown once (T-6: MFA governs it)."""
    user = request.user
    require_capability(user, "api.use")
    session_verified = mfa.is_verified(request)
    needs_code = mfa.governs(user) and not session_verified
    form = ApiTokenForm(request.POST or None, needs_code=needs_code)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        issued = run_service(form, lambda: _issue_token(user, form.cleaned_data, session_verified))
        if issued is not None:
            raw_token = issued[1]
            form = ApiTokenForm(needs_code=needs_code)
    page = {"tokens": ApiToken.objects.filter(user=user), "form": form, "raw_token": raw_token}
    return render(request, "accounts/token_list.html", page)


def _issue_token(user, data, session_verified):
    code = data.get("code", "")
    try:
        return services.issue_api_token(
            user, data["name"], actor=user, code=code, mfa_verified=session_verified
        )
    except mfa.SecondFactorRefused as refusal:
        raise ValidationError({"code": str(refusal)})


@require_POST
def token_revoke(request, public_id):
    """Revoke one of one's own API tokens."""
    token = ApiToken.objects.filter(user=request.user, public_id=public_id).first()
    if token is None:
        raise Http404
    services.revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")


def session_list(request):
    """List one's own signed-in sessions with device, address and last activity (T-17)."""
    sessions = UserSession.objects.filter(user=request.user)
    context = {"sessions": sessions, "current_key": request.session.session_key}
    return render(request, "accounts/session_list.html", context)


@require_POST
def session_end(request, public_id):
    """End one of one's own sessions; ending the current one signs out."""
    user_session = UserSession.objects.filter(user=request.user, public_id=public_id).first()
    if user_session is None:
        raise Http404
    current = user_session.session_key == request.session.session_key
    services.end_session(user_session, actor=request.user)
    if current:
        logout(request)
        return redirect(settings.LOGIN_URL)
    messages.success(request, _("The session was ended."))
    return redirect("accounts:session_list")


def require_capability(user, capability: str) -> None:
    """Raise PermissionDenied (audited and logged) unless ``user``'s role grants ``capability``."""
    if not can(user, capability):
        audit.record(user, "access.denied", None, after={"capability": capability})
        log_event("access.denied", user=user, capability=capability)
        raise PermissionDenied
