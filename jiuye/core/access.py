"""View decorators: every view declares who may call it.

``public_view`` marks the few pages open to anonymous visitors (login, language switch);
``staff_view(*perms)`` demands a logged-in user holding every listed permission. A test walks
the URL configuration and fails on any view that carries neither mark.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from jiuye.core.permissions import Perm, has_perm

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def public_view(view: View) -> View:
    view.jiuye_access = "public"  # type: ignore[attr-defined]
    return view


def staff_view(*perms: Perm | str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user: Any = request.user
            if not user.is_authenticated:
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = str(settings.LOGIN_URL_PATH)
                    return response
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not all(has_perm(user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.jiuye_access = ("staff", perms)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
