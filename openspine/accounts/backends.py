"""Password authentication wired into the shared lockout counter (T-2 to T-4, T-12)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from openspine.accounts import lockout
from openspine.core import context


def path_of(request) -> str:
    """Name the login path of a request for the lockout counter and the security log."""
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


class LockoutBackend(ModelBackend):
    """Authenticate by username and password; refuse locked, disabled and expired accounts alike.

    Every refusal looks the same to the caller (the form shows one generic message). An unknown
    username still pays for one password hash so response time does not reveal which names exist.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        ip = context.current().ip
        if lockout.address_throttled(ip):
            get_user_model()().set_password(password)
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            get_user_model()().set_password(password)  # dummy hash: same cost as a real check
            lockout.register_address_failure(ip)
            return None
        if lockout.is_locked(user):
            user.check_password(password)
            return None
        if not user.check_password(password) or not self.user_can_authenticate(user) or user.is_dormant:
            lockout.register_failure(user, path=path_of(request))
            lockout.register_address_failure(ip)
            return None
        return user

    def user_can_authenticate(self, user):
        # Also checked on every request (get_user): an expired account loses its sessions at once.
        return super().user_can_authenticate(user) and not getattr(user, "is_expired", False)
