from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "openspine.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from openspine.audit.dbrole import refuse_superuser
        from openspine.audit.triggers import install_all

        # After every migrate (and the test database set-up), so tables added later are covered.
        post_migrate.connect(install_all, sender=self, dispatch_uid="openspine.audit.triggers")
        # Production never runs as a database superuser, which could switch every safeguard off.
        connection_created.connect(refuse_superuser, dispatch_uid="openspine.audit.refuse_superuser")
