"""The regions app's audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action
from jiuye.core.audit_text import define_value_names

REGIONS_LOAD = define_action("regions.load", _("导入行政区划"))
ZONE_CREATE = define_action("regions.zone_create", _("新增功能区"))


def _region_names(codes: set[str]) -> dict[str, str]:
    from jiuye.regions.models import Region

    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


# The audit log names regions rather than printing their codes.
define_value_names(("region_code", "region_id", "write_region_id", "region", "parent", "parent_id"), _region_names)
