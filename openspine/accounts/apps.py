from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using="default", **kwargs):
    """Create the database cache's table after every ``migrate`` (idempotent), so throttles just work.

    The table is not a model, so no migration owns it; Django only creates it for test databases.
    """
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "openspine.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from openspine.accounts import signals  # noqa: F401 (connects the sign-in receivers)

        # The sign-in and API throttles keep their counts in the shared cache.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="openspine.create_cache_table")
