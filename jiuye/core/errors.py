"""The one JSON error shape of the API.

{"error": {"status": 404, "code": "not_found", "message": "未找到。", "details": []},
 "request_id": "…"}
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

_CODES = {
    400: ("bad_request", N_("请求有误。")),
    401: ("unauthenticated", N_("请先登录或提供有效的访问令牌。")),
    403: ("forbidden", N_("您的角色无权执行此操作。")),
    404: ("not_found", N_("未找到。")),
    405: ("method_not_allowed", N_("不支持该请求方法。")),
    409: ("conflict", N_("数据已被他人修改，请刷新后重试。")),
    422: ("invalid", N_("提交的数据有误。")),
    429: ("too_many_requests", N_("请求过于频繁，请稍后再试。")),
    500: ("server_error", N_("服务器内部错误，请联系管理员并提供请求ID。")),
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
    code, default = _CODES.get(status, ("error" if status < 500 else "server_error", N_("请求失败。")))
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message or _(default),
            "details": details or [],
        },
        "request_id": request_id,
    }
