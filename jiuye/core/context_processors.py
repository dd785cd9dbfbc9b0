"""Navigation for the app shell, built from the user's permissions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import Perm, has_perm

_NAV: list[tuple[str, Any, Perm | None]] = [
    ("home", _("首页"), None),
    ("registry:person_list", _("劳动力台账"), Perm.VIEW_PERSONAL_DATA),
    ("registry:case_list", _("零就业家庭"), Perm.VIEW_PERSONAL_DATA),
    ("imports:job_list", _("台账导入"), Perm.EDIT_BUSINESS_DATA),
    ("exports:request_list", _("导出审批"), Perm.VIEW_PERSONAL_DATA),
    ("indicators:home", _("统计分析"), Perm.VIEW_STATISTICS),
    ("regions:browse", _("行政区划"), Perm.VIEW_REGIONS),
    ("accounts:user_list", _("用户管理"), Perm.MANAGE_USERS),
    ("audit:event_list", _("审计日志"), Perm.READ_AUDIT),
    ("accounts:token_list", _("访问令牌"), None),
    ("api-1.0.0:openapi-view", _("接口文档"), None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "active": False, "name": name}
        for name, label, perm in _NAV
        if perm is None or has_perm(user, perm)
    ]
    if has_perm(user, Perm.APPROVE_EXPORTS):  # requests waiting for this officer's decision
        from jiuye.exports.selectors import waiting_count

        waiting = waiting_count(user)
        for item in items:
            if item["name"] == "exports:request_list" and waiting:
                item["badge"] = waiting
    # The longest URL that the current path starts with is the active item.
    matches = [i for i in items if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
