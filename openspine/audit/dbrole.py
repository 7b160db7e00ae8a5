"""Refuse to run production as a PostgreSQL superuser.

A superuser passes every safeguard of the audit trail: it can switch the triggers off
(``session_replication_role``), rewrite or empty the audit tables and take over the host. The
application therefore connects as a plain role (INSERT and SELECT on the audit tables, see
docs/operations.md); this check makes a misconfigured deployment fail loudly on its first connection
instead of running quietly without those safeguards.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_superuser(sender, connection, **kwargs):
    """Raise ImproperlyConfigured when production connects to PostgreSQL as a superuser.

    Receiver of ``connection_created``; it costs one query per new connection, in production only.
    """
    if not settings.PRODUCTION or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # session_user too: a superuser login that SET ROLE to a plain role can RESET it at will.
        cursor.execute(
            "SELECT bool_or(rolsuper) FROM pg_roles WHERE rolname IN (current_user, session_user)"
        )
        (is_superuser,) = cursor.fetchone()
    if is_superuser:
        raise ImproperlyConfigured(
            "The database role in DATABASE_URL is a PostgreSQL superuser. In production OpenSpine "
            "connects as a plain role: run migrations as the schema owner (not a superuser) and the "
            "application as a role with only the grants it needs (see docs/operations.md)."
        )
