"""The imports app's audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

IMPORT_RUN = define_action("imports.run", _("导入文件"))
