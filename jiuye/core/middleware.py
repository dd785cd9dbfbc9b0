"""Request id and client address for every request; one JSON error shape under /api/; requests
carrying NUL characters refused."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuye.core.context import RequestContext, current
from jiuye.core.db import BUSY_RETRY_AFTER, Busy
from jiuye.core.errors import api_error_body, is_api_path


def client_ip(request: HttpRequest) -> str | None:
    if settings.JIUYE_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current.set(RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        if is_api_path(request.path) and response.status_code >= 400:
            response = _as_api_error(response, request_id)
        return response


def _as_api_error(response: HttpResponse, request_id: str) -> HttpResponse:
    """Wrap any non-JSON error (405, CSRF, a bare 404) in the API's error shape."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and "error" in body:
            return response
    wrapped = HttpResponse(
        json.dumps(api_error_body(response.status_code, request_id=request_id), ensure_ascii=False),
        status=response.status_code,
        content_type="application/json; charset=utf-8",
    )
    for header in ("Allow", "WWW-Authenticate", "X-Request-ID"):
        if header in response:
            wrapped[header] = response[header]
    wrapped["X-Request-ID"] = request_id
    return wrapped


NUL_MESSAGE = gettext_noop("请求中含有空字符（NUL），无法处理；请检查输入内容。")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def request_holds_nul(request: HttpRequest) -> bool:
    """A NUL character in the path, the query string or a JSON body. No text column can store one
    (PostgreSQL refuses it outright), so such a request is refused before any view reads it.
    Form posts are left to the forms (Django's fields refuse NUL with a field message); uploaded
    files are bytes and may hold NULs."""
    if "\x00" in request.path or any(_holds_nul(v) for _k, values in request.GET.lists() for v in [_k, *values]):
        return True
    if request.content_type == "application/json" and request.body:
        try:
            return _holds_nul(json.loads(request.body))
        except ValueError:  # not JSON at all: the API answers that itself
            return False
    return False


class BusyMiddleware:
    """A page whose transaction stayed in conflict after every retry (``core.db.Busy``): 503
    with Retry-After, saying that nothing was saved, instead of the 500 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Busy):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response


class NulGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_holds_nul(request):
            if is_api_path(request.path):
                body = api_error_body(422, message=_(NUL_MESSAGE), request_id=getattr(request, "request_id", ""))
                return HttpResponse(
                    json.dumps(body, ensure_ascii=False), status=422, content_type="application/json; charset=utf-8"
                )
            return HttpResponseBadRequest(_(NUL_MESSAGE), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
