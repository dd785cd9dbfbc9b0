"""Cases carry their household's village (scoped and listed without a join)."""

from django.db import migrations, models


def fill_region(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("registry", "ZeroEmploymentCase")
    Household = apps.get_model("registry", "Household")
    village = Household.objects.filter(pk=models.OuterRef("household_id")).values("region_id")[:1]
    Case.objects.update(region_code=models.Subquery(village))  # one statement, however many cases


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="zeroemploymentcase",
            name="region_code",
            field=models.CharField(default="", max_length=12, verbose_name="所属区划"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_region, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="zeroemploymentcase", name="case_status_deadline"),
        migrations.AddIndex(
            model_name="zeroemploymentcase",
            index=models.Index(fields=["status", "deadline", "id"], name="case_status_deadline"),
        ),
        migrations.AddIndex(
            model_name="zeroemploymentcase",
            index=models.Index(fields=["region_code", "status"], name="case_region_status"),
        ),
    ]
