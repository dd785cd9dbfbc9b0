"""Writes on the region tree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.permissions import Level
from jiuye.regions import actions
from jiuye.regions.models import Region

# Codes for zones without an official code (高新区, 示范区):
# county level: digits 5–6 in 71–79, the range the statistics bureau itself gives 开发区;
# town level: digits 7–9 in 400–599, GB/T 10114's range for units not recognised by 民政.
ZONE_COUNTY_RANGE = range(71, 80)
ZONE_TOWN_RANGE = range(400, 600)


def zone_next_code(*, parent: Region) -> str:
    if parent.level == Level.CITY:
        candidates = [parent.prefix + f"{n:02d}" + "000000" for n in ZONE_COUNTY_RANGE]
    elif parent.level == Level.COUNTY:
        candidates = [parent.prefix + f"{n:03d}" + "000" for n in ZONE_TOWN_RANGE]
    else:
        raise ValidationError(_("功能区只能设在市或县区之下。"))
    taken = set(Region.objects.filter(code__in=candidates).values_list("code", flat=True))
    for code in candidates:
        if code not in taken:
            return code
    raise ValidationError(_("预留代码段已用完。"))


@transaction.atomic
def zone_create(*, parent: Region, name: str, actor: Any) -> Region:
    """Add a zone (功能区) under a city or county, with the next code of the reserved range."""
    name = name.strip()
    if not name:
        raise ValidationError(_("名称不能为空。"))
    if Region.objects.filter(parent=parent, name=name).exists():
        raise ValidationError(_("同一上级下已有同名区划。"))
    level = Level.COUNTY if parent.level == Level.CITY else Level.TOWN
    code = zone_next_code(parent=parent)
    region = Region.objects.create(code=code, name=name, level=level, parent=parent, is_zone=True)
    audit_record(
        action=actions.ZONE_CREATE,
        actor=actor,
        obj=region,
        after={"code": code, "name": name, "level": level, "parent": parent.code},
    )
    return region
