"""Navigation for the app shell, built from the user's permissions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import Perm, has_perm

_NAV: list[tuple[str, Any, Perm | None]] = [
    ("home", _("首页"), None),
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
    items = []
    for name, label, perm in _NAV:
        if perm is None or has_perm(user, perm):
            url = reverse(name)
            items.append({"url": url, "label": label, "active": _is_active(request.path, url)})
    return {"nav_items": items}


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
