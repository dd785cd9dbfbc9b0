"""Session lifetime: idle timeout (30 min; 15 min for admin roles) and absolute 12 hours; and an
expired password, which leaves the user nothing but changing it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts import actions
from jiuye.accounts.services import logout_complete, password_expired
from jiuye.core.errors import api_error_body
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
                logout_complete(request=request, reason=actions.SESSION_EXPIRED)
                request.session["jy_expired"] = True
            elif now - seen_at > _TOUCH_EVERY:
                request.session["jy_seen_at"] = now
        user = request.user  # anonymous now if the session just ended
        if user.is_authenticated and password_expired(user) and not self._open_while_expired(request.path):
            if request.path.startswith("/api/"):
                body = api_error_body(
                    403,
                    message=_("密码已过期，请先在网页上修改密码。"),
                    request_id=getattr(request, "request_id", ""),
                )
                return JsonResponse(body, status=403)
            response = redirect("accounts:password_change")
            if request.headers.get("HX-Request"):
                response["HX-Redirect"] = response["Location"]
            return response
        return self.get_response(request)

    @staticmethod
    def _open_while_expired(path: str) -> bool:
        """What a user whose password has expired may still reach: changing it, logging out,
        the language switch and static files."""
        open_paths = {reverse("accounts:password_change"), reverse("accounts:logout"), reverse("set_language")}
        return path in open_paths or path.startswith(settings.STATIC_URL)
