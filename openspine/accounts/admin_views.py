"""Pages of the security administrator (staff and roles) and of the auditor (the audit trail).

三员分立 (T-23): only ``roles.grant`` reaches the staff page, only ``audit.view`` the trail; the
security administrator sees no patient data and the system administrator neither page.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openspine import audit
from openspine.accounts import audit_trail, lockout, services
from openspine.accounts.choices import Role
from openspine.accounts.forms import StaffUpdateForm
from openspine.accounts.models import User
from openspine.accounts.security_log import log_event
from openspine.accounts.views import require_capability
from openspine.core.forms import run_service

PAGE_SIZE = 50


@require_GET
def staff_list(request):
    """List staff accounts with their role and status, for granting roles and disabling accounts."""
    require_capability(request.user, "roles.grant")
    staff = list(User.objects.select_related("department").order_by("username"))
    locked = lockout.locked_keys()
    for member in staff:
        member.is_locked = f"user:{member.pk}" in locked
    context = {
        "staff": staff,
        "form": StaffUpdateForm(),
        "under_attack": lockout.accounts_under_attack(),
        "account_limit": settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT,
    }
    return render(request, "accounts/staff_list.html", context)


@require_POST
def staff_update(request, user_id):
    """Grant a role, disable or enable an account, or end its sessions; each change is audited."""
    require_capability(request.user, "roles.grant")
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise Http404
    form = StaffUpdateForm(request.POST)
    if (
        form.is_valid()
        and run_service(form, lambda: _apply(form.cleaned_data, target, request.user)) is not None
    ):
        messages.success(request, _("The change to %(user)s was saved.") % {"user": target})
        return redirect("accounts:staff_list")
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("accounts:staff_list")


def _apply(data, target, actor):
    action, reason = data["action"], data.get("reason", "")
    if action == "grant":
        return services.grant_role(target, data["role"], actor=actor, reason=reason)
    if action in ("disable", "enable"):
        return services.set_user_active(target, action == "enable", actor=actor, reason=reason)
    if action == "unlock":
        return services.unlock_user(target, actor=actor, reason=reason)
    return services.end_all_sessions(target, actor=actor)


@require_GET
def audit_search(request):
    """Search the audit trail by user, patient, date range and action."""
    require_capability(request.user, "audit.view")
    form = audit_trail.AuditSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "accounts/audit_search.html", {"form": form}, status=400)
    data = form.cleaned_data if request.GET else {}
    page = Paginator(audit_trail.search(data), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Role.choices)
    for event in page:
        event.role_label = labels.get(event.actor_role, event.actor_role)
    if data.get("patient"):
        audit.record(request.user, "audit.trail.searched", None, after=audit_trail.describe(data))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/audit_search.html", context)


@require_GET
def audit_export(request):
    """Download the matching events as CSV; the export is itself audited (T-39)."""
    require_capability(request.user, "audit.view")
    form = audit_trail.AuditSearchForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Invalid search: %(fields)s") % {"fields": ", ".join(form.errors)})
    criteria = audit_trail.describe(form.cleaned_data)
    audit.record(request.user, "audit.trail.exported", None, after=criteria)
    log_event("audit.trail.exported", user=request.user)
    body = audit_trail.to_csv(audit_trail.search(form.cleaned_data))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
