from typing import Any

from django.db import migrations, models

# Roles that saw the sensitive categories before the label existed (those with personal data).
_SAW_THEM = ["city_admin", "county_officer", "town_officer", "village_clerk", "leader"]


def keep_what_users_saw(apps: Any, schema_editor: Any) -> None:
    """Existing accounts keep what they could see; the security admin narrows it from here on.
    New accounts start without the grant."""
    apps.get_model("accounts", "User").objects.filter(role__in=_SAW_THEM).update(sensitive_access=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="sensitive_access",
            field=models.BooleanField(
                default=False,
                help_text="脱贫人口、监测对象、残疾人、就业困难人员等敏感类别，收入和完整出生日期。",
                verbose_name="可查看敏感信息",
            ),
        ),
        migrations.RunPython(keep_what_users_saw, migrations.RunPython.noop),
    ]
