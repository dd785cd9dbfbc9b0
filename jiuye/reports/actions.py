"""The reports app's audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

ANNUAL_EXPORT = define_action("reports.annual_export", _("导出年度工作报告"), keep_long=True)
