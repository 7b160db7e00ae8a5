"""Re-chain events written under the unkeyed SHA-256 chain into stream 0 under the audit key.

Existing rows are first verified with the old unkeyed chain; a broken one stops the migration, since
re-sealing it would launder the tampering. Production had no data before this change, and the demo
and the tests start from an empty table, where this is a no-op. Rows are then sealed with the live
chain code on purpose: they must verify with the verifier of this release. The head of stream 0 is
anchored once the migration commits. The reverse is a no-op (the old verifier is gone).
"""

import hashlib
import json

from django.db import migrations

OLD_FIELDS = (
    "occurred_at", "actor_id", "actor_username", "actor_role", "action", "object_type", "object_id",
    "patient_id", "before", "after", "reason", "request_id", "ip",
)
OLD_GENESIS = "0" * 64


def _old_link(prev_hash, row):
    data = {name: (row[name].isoformat() if hasattr(row[name], "isoformat") else row[name]) for name in OLD_FIELDS}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def rechain(apps, schema_editor):
    from django.db import transaction

    from openspine.audit import anchor, chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = AuditEvent.objects.using(schema_editor.connection.alias).order_by("id")
    fields = ["id", "prev_hash", "hash", *OLD_FIELDS]
    prev = OLD_GENESIS
    for row in events.values(*fields).iterator(chunk_size=2000):
        if row["prev_hash"] != prev or _old_link(prev, row) != row["hash"]:
            raise RuntimeError(
                f"audit event {row['id']} does not match the old hash chain; refusing to re-seal a "
                "tampered trail. Investigate it (manage.py verify_audit on the previous release) first."
            )
        prev = row["hash"]
    if prev == OLD_GENESIS:
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    seq, prev = 0, chain.GENESIS
    for row in events.values("id", *OLD_FIELDS).iterator(chunk_size=2000):
        seq += 1
        columns = chain.seal(prev, row, stream=0, seq=seq)
        AuditEvent.objects.using(schema_editor.connection.alias).filter(pk=row["id"]).update(**columns)
        prev = columns["hash"]
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    head = anchor.Head(stream=0, seq=seq, hash=prev, count=seq)
    transaction.on_commit(lambda: anchor.get_store().advance(head), using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_add_event_stream_seq_and_key_id'),
    ]

    operations = [
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
