"""Core's audit actions: the retention purge and the rate limits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

AUDIT_EXPORT = define_action("audit.export", _("导出审计日志"), keep_long=True)
AUDIT_PURGE = define_action("audit.purge", _("清理过期审计日志"), keep_long=True)
RATE_LIMITED = define_action("security.rate_limited", _("超出访问频率限制"))
