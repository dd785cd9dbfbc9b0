"""The exports app's audit actions: requests, decisions and downloads, kept three years."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

REQUEST = define_action("export.request", _("申请导出"), keep_long=True)
APPROVE = define_action("export.approve", _("批准导出"), keep_long=True)
REJECT = define_action("export.reject", _("驳回导出"), keep_long=True)
WITHDRAW = define_action("export.withdraw", _("撤回导出申请"), keep_long=True)
DOWNLOAD = define_action("export.download", _("下载导出文件"), keep_long=True)
