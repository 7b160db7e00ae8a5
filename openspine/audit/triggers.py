"""PostgreSQL triggers: append-only audit tables (T-36) and row capture on clinical tables (T-34).

The list of audited tables lives here, in :data:`CLINICAL_APPS`: every table of these apps (child
tables and many-to-many tables included) gets the capture trigger. The clinical tables belong to
apps above ``audit``, so the triggers are (re)installed after every ``migrate`` by a
``post_migrate`` receiver instead of in a migration; installing is idempotent.

Row capture records the application user from ``current_setting('openspine.actor', true)``, which
:class:`openspine.audit.middleware.DatabaseActorMiddleware` sets for each request.

Operations: the triggers stop the table owner too. A database superuser can still bypass them
(``SET session_replication_role = replica`` or ``ALTER TABLE ... DISABLE TRIGGER``), which is why
the hash chain exists: ``manage.py verify_audit`` names the first event edited that way. In
production the application connects as a non-superuser role; grant it only INSERT and SELECT on
the audit tables. A superuser may TRUNCATE them (the test runner's flush needs it); nobody else.
"""

from django.apps import apps
from django.db import connections

CLINICAL_APPS = ("patients", "surgery", "sci")
APPEND_ONLY_TABLES = ("audit_auditevent", "audit_rowchange")
# Identifier columns: the capture shows that they changed, never their value.
MASKED_COLUMNS = (
    "name",
    "national_id",
    "phone",
    "mrn",
    "address",
    "email",
    "password",
    "token",
    "token_hash",
)

FORBID_FUNCTION = """
CREATE OR REPLACE FUNCTION openspine_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A superuser may empty the table (the test runner's flush); the hash chain still shows tampering.
  IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RETURN NULL;
  END IF;
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


def clinical_tables() -> list[str]:
    """Return every table of the clinical apps that exist in this project."""
    tables = []
    for label in CLINICAL_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


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
        install_row_capture(cursor.execute, [t for t in clinical_tables() if t in existing])
