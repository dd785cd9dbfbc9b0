"""The regions app's audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

REGIONS_LOAD = define_action("regions.load", _("导入行政区划"))
ZONE_CREATE = define_action("regions.zone_create", _("新增功能区"))
