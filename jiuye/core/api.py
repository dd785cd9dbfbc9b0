"""API helpers shared by every app's router: permission checks and the error handlers."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from jiuye.core import selectors
from jiuye.core.db import BUSY_RETRY_AFTER, Busy
from jiuye.core.errors import api_error_body
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.ratelimit import RateLimited

MAX_OFFSET = 10_000_000  # more rows than any list holds; a larger offset would overflow the database's bigint


class Pagination(LimitOffsetPagination):
    """``limit`` 1–200 (``NINJA_PAGINATION_MAX_LIMIT``) and a bounded ``offset``: a huge offset was
    a 500 on PostgreSQL (bigint out of range); now it is a 422 like any other bad parameter."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


log = logging.getLogger(__name__)


Operation = TypeVar("Operation", bound=Callable[..., Any])


def api_view(*perms: Perm | str) -> Callable[[Operation], Operation]:
    """Every API operation declares who may call it, as ``staff_view`` does for pages: an
    authenticated caller (session or token) holding every listed permission; otherwise 403,
    before anything is looked up. A test walks the API and fails on an operation without it."""

    def decorate(func: Operation) -> Operation:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "auth", None)
            if user is None or not all(has_perm(user, perm) for perm in perms):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        wrapper.jiuye_access = ("api", perms)  # type: ignore[attr-defined]
        # ninja reads the operation's parameters from its signature, resolving the annotations in
        # the function's own module (not this one's): resolved here, once.
        wrapper.__signature__ = inspect.signature(func, eval_str=True)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, message: str | None = None, details: Any = None) -> HttpResponse:
        body = api_error_body(status, message=message, details=details, request_id=getattr(request, "request_id", ""))
        return api.create_response(request, body, status=status)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        details = [
            {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": e.get("type", "")}
            for e in exc.errors
        ]
        return respond(request, 422, details=details)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            details = [{"loc": [k], "msg": str(m)} for k, msgs in exc.message_dict.items() for m in msgs]
        else:
            details = [{"loc": [], "msg": str(m)} for m in exc.messages]
        return respond(request, 422, message=str(details[0]["msg"]) if details else None, details=details)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status_code, message=str(exc.message) if exc.status_code != 500 else None)

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 401)

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 404)

    def on_403(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403)

    def on_rate_limited(request: HttpRequest, exc: Any) -> HttpResponse:
        response = respond(request, 429)
        response["Retry-After"] = str(getattr(exc, "retry_after", 60))
        return response

    def on_busy(request: HttpRequest, exc: Any) -> HttpResponse:
        response = respond(request, 503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response

    def on_error(request: HttpRequest, exc: Any) -> HttpResponse:
        log.exception("API error (request %s)", getattr(request, "request_id", ""))
        return respond(request, 500)

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(RateLimited, on_rate_limited)
    api.add_exception_handler(Busy, on_busy)
    api.add_exception_handler(Exception, on_error)


# --- the audit log, for the audit admin -------------------------------------------------------

audit_router = Router(tags=["审计日志"])


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor_username: str
    role: str
    scope_code: str
    region_code: str
    ip: str | None
    request_id: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    before: dict[str, Any]
    after: dict[str, Any]


@audit_router.get("/audit/events", response=list[AuditEventOut], summary="管辖范围内的审计日志")
@paginate(Pagination)
@api_view(Perm.READ_AUDIT)
def audit_event_list(request: HttpRequest, action: str = "", username: str = "") -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return selectors.audit_event_list(user=user, action=action, username=username)
