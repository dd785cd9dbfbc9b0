"""The one JSON error shape of the API.

{"error": {"status": 404, "code": "not_found", "message": "未找到。", "details": []},
 "request_id": "…"}
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

_CODES = {
    400: ("bad_request", gettext_noop("请求有误。")),
    401: ("unauthenticated", gettext_noop("请先登录或提供有效的访问令牌。")),
    403: ("forbidden", gettext_noop("您的角色无权执行此操作。")),
    404: ("not_found", gettext_noop("未找到。")),
    405: ("method_not_allowed", gettext_noop("不支持该请求方法。")),
    409: ("conflict", gettext_noop("数据已被他人修改，请刷新后重试。")),
    422: ("invalid", gettext_noop("提交的数据有误。")),
    429: ("too_many_requests", gettext_noop("请求过于频繁，请稍后再试。")),
    500: ("server_error", gettext_noop("服务器内部错误，请联系管理员并提供请求ID。")),
    503: ("busy", gettext_noop("系统繁忙，本次操作未保存，请稍后重试。")),
}


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def api_error_body(
    status: int,
    *,
    message: str | None = None,
    details: list[Any] | None = None,
    request_id: str = "",
) -> dict[str, Any]:
    code, default = _CODES.get(status, ("error" if status < 500 else "server_error", gettext_noop("请求失败。")))
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message or _(default),
            "details": details or [],
        },
        "request_id": request_id,
    }
