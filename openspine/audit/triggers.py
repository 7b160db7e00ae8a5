"""PostgreSQL triggers: append-only audit tables (T-36) and row capture on every other table (T-34).

Row capture is deny-by-default: every table of every installed model gets the capture trigger,
child and many-to-many tables included, except those in :data:`CAPTURE_EXCLUDED`, each excluded for
a stated reason. The tables belong to apps above ``audit``, so the triggers are (re)installed after
every ``migrate`` by a ``post_migrate`` receiver instead of in a migration; installing is
idempotent. Identifier and credential columns are masked (:data:`MASKED_COLUMNS`).

Row capture records the application user from ``current_setting('openspine.actor', true)``, which
:class:`openspine.audit.middleware.DatabaseActorMiddleware` sets for each request.

The audit tables refuse UPDATE, DELETE and TRUNCATE for everyone, superusers and the table owner
included. The owner can still ``ALTER TABLE ... DISABLE TRIGGER`` and a superuser can also set
``session_replication_role = replica``; that is why the chain is keyed (HMAC, key outside the
database) and its heads are anchored outside the database: ``manage.py verify_audit`` reports an
edited event, deleted newest events and a truncated table. In production the application connects
as a non-superuser role (``openspine.audit.dbrole`` refuses a superuser) with only INSERT and SELECT
on the audit tables. The test suite's flush switches the no-truncate trigger off around Django's
TRUNCATE, as an owner could (tests/conftest.py).
"""

from django.apps import apps
from django.db import connections

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_rowchange")
# Tables deliberately not captured, each with its reason; every other model table is.
CAPTURE_EXCLUDED = {
    "audit_auditevent": "the audit trail itself, append-only and chained",
    "audit_rowchange": "the capture table itself; capturing it would recurse",
    "django_migrations": "schema bookkeeping, written only by migrate",
    "django_content_type": "framework catalogue rebuilt by migrate",
    "auth_permission": "framework catalogue rebuilt by migrate",
    "django_session": "session store: rewritten on every request and holds session keys",
    "django_admin_log": "the admin's own change log, written next to an audited change",
    "accounts_accountlock": "lockout counter; failures and lockouts are audit events",
    "accounts_usersession": "sign-in bookkeeping touched on every request; sign-in and out are audited",
    "accounts_accountwidelock": "account-wide lockout counter; lockouts are audit events",
    "core_idempotencykey": "replay store for API creates; the create it guards is audited",
    "patients_patientnametoken": "keyed name-search tokens derived from the captured patient row",
}
# Identifier columns: the capture shows that they changed, never their value.
MASKED_COLUMNS = (
    "name",
    "national_id",
    "phone",
    "mrn",
    "mrn_key",
    "address",
    "email",
    "password",
    "token",
    "token_hash",
    "secret",
    "code_hash",
)

FORBID_FUNCTION = """
CREATE OR REPLACE FUNCTION openspine_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Everyone, superusers included: emptying the trail is never an application operation.
  RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""

CAPTURE_FUNCTION = """
CREATE OR REPLACE FUNCTION openspine_capture_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb;
  new_row jsonb;
  k text;
  masked text[] := %(masked)s;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
  FOREACH k IN ARRAY masked LOOP
    IF old_row ? k AND coalesce(old_row->>k, '') <> '' THEN
      old_row := jsonb_set(old_row, ARRAY[k], '"***"');
    END IF;
    IF new_row ? k AND coalesce(new_row->>k, '') <> '' THEN
      new_row := jsonb_set(new_row, ARRAY[k], '"***"');
    END IF;
  END LOOP;
  INSERT INTO audit_rowchange (table_name, row_pk, op, old, new, txid, at, actor)
  VALUES (TG_TABLE_NAME, coalesce(new_row->>'id', old_row->>'id', ''), TG_OP, old_row, new_row,
          txid_current(), now(), coalesce(current_setting('openspine.actor', true), ''));
  RETURN NULL;
END $$;
"""


def captured_tables() -> list[str]:
    """Return the table of every installed model except :data:`CAPTURE_EXCLUDED`."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables - set(CAPTURE_EXCLUDED))


def install_append_only(execute, tables=APPEND_ONLY_TABLES) -> None:
    """Forbid UPDATE, DELETE and TRUNCATE on the audit tables (``execute`` runs one SQL string)."""
    execute(FORBID_FUNCTION)
    for table in tables:
        execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION openspine_forbid_change()"
        )
        execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION openspine_forbid_change()"
        )


def install_row_capture(execute, tables) -> None:
    """Install the capture function and its trigger on each of ``tables``."""
    masked = "ARRAY[" + ", ".join(f"'{c}'" for c in MASKED_COLUMNS) + "]::text[]"
    execute(CAPTURE_FUNCTION % {"masked": masked})
    for table in tables:
        execute(f'DROP TRIGGER IF EXISTS openspine_capture ON "{table}"')
        execute(
            f'CREATE TRIGGER openspine_capture AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION openspine_capture_row()"
        )


def install_all(using: str = "default", **kwargs) -> None:
    """Install or refresh every trigger; a no-op outside PostgreSQL."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    existing = set(conn.introspection.table_names())
    if "audit_rowchange" not in existing:
        return
    with conn.cursor() as cursor:
        install_append_only(cursor.execute, [t for t in APPEND_ONLY_TABLES if t in existing])
        install_row_capture(cursor.execute, [t for t in captured_tables() if t in existing])
