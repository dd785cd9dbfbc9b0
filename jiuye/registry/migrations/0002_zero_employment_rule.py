"""The default 零就业家庭 parameters (IMPORT-TEMPLATES §1)."""

from django.db import migrations

EMPLOYED = ["in_county", "in_province", "out_of_province", "self_employed", "flexible", "public_welfare"]


def forwards(apps, schema_editor):
    rule = apps.get_model("registry", "ZeroEmploymentRule")
    if not rule.objects.exists():
        rule.objects.create(min_age=16, max_age=60, employed_statuses=EMPLOYED, clear_days=30)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
