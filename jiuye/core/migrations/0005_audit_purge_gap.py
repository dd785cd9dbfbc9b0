
"""The retention purge's gaps (security bar L-5). The audit table stays append-only, except that
the database now lets a row be deleted when a recorded gap covers it and it is older than 180
days (the legal floor, Cybersecurity Law Art. 21): no code path, and no mistaken setting, can
delete a younger one. The gaps themselves are append-only."""

from django.db import migrations, models

REFUSE = "audit log is append-only"
SQLITE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    f"""CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN OLD."at" >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days')
         OR NOT EXISTS (SELECT 1 FROM core_auditpurgegap g WHERE g.first_seq <= OLD.seq AND g.last_seq >= OLD.seq)
       BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END""",
    f"""CREATE TRIGGER core_auditpurgegap_no_update BEFORE UPDATE ON core_auditpurgegap
       BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END""",
    f"""CREATE TRIGGER core_auditpurgegap_no_delete BEFORE DELETE ON core_auditpurgegap
       BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditpurgegap_no_update",
    "DROP TRIGGER IF EXISTS core_auditpurgegap_no_delete",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    f"""CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END""",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND OLD."at" < now() - interval '180 days' AND EXISTS (
             SELECT 1 FROM core_auditpurgegap g WHERE g.first_seq <= OLD.seq AND g.last_seq >= OLD.seq) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION '{REFUSE}';
       END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION core_auditpurgegap_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{REFUSE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditpurgegap_append_only BEFORE UPDATE OR DELETE ON core_auditpurgegap
       FOR EACH ROW EXECUTE FUNCTION core_auditpurgegap_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditpurgegap_append_only ON core_auditpurgegap",
    "DROP FUNCTION IF EXISTS core_auditpurgegap_append_only()",
    f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{REFUSE}'; END; $$ LANGUAGE plpgsql""",
]


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)



class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_ship_cursor'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditPurgeGap',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_seq', models.BigIntegerField(unique=True, verbose_name='起始序号')),
                ('last_seq', models.BigIntegerField(unique=True, verbose_name='截止序号')),
                ('first_prev_hmac', models.CharField(blank=True, max_length=64, verbose_name='起始前一条校验值')),
                ('last_hmac', models.CharField(max_length=64, verbose_name='末条校验值')),
                ('purged_at', models.DateTimeField(verbose_name='清理时间')),
                ('hmac', models.CharField(max_length=64, verbose_name='校验值')),
            ],
            options={
                'verbose_name': '审计日志清理区段',
                'verbose_name_plural': '审计日志清理区段',
                'ordering': ['first_seq'],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
