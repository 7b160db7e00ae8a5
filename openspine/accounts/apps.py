from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openspine.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from openspine.accounts import signals  # noqa: F401 (connects the sign-in receivers)
