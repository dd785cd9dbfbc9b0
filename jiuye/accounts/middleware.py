"""Session lifetime: idle timeout (30 min; 15 min for admin roles) and absolute 12 hours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from jiuye.accounts.services import logout_complete
from jiuye.core.permissions import is_admin_role

_TOUCH_EVERY = 15  # seconds: no session write on every request


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get("jy_login_at")
            seen_at = float(request.session.get("jy_seen_at") or login_at or 0)
            idle = settings.JIUYE_ADMIN_IDLE_TIMEOUT if is_admin_role(user.role) else settings.JIUYE_IDLE_TIMEOUT
            if login_at is None or now - float(login_at) > settings.JIUYE_ABSOLUTE_TIMEOUT or now - seen_at > idle:
                logout_complete(request=request, reason="auth.session_expired")
                request.session["jy_expired"] = True
            elif now - seen_at > _TOUCH_EVERY:
                request.session["jy_seen_at"] = now
        return self.get_response(request)
